/**
 * The authorization matrix (issue 6): every registered route × every role (a token scoped to
 * 东街道) and no credentials × the route's samples (matrix-samples.ts) — an object of 东街道,
 * objects of 西街道, or listings over both streets — against the rules of server/auth/README.md:
 *
 * - no credentials: 401 `unauthenticated`, except on public routes;
 * - a role without the route's permission: 403 `forbidden`;
 * - an 东街道 object or a listing: allowed (past permission and scope checks: not 401/403/404,
 *   not 5xx), and nothing of 西街道 in the answer — JSON, GeoJSON and CSV searched for its
 *   markers, vector tiles decoded, heatmaps compared with 东街道's own counts;
 * - a 西街道 object: 404 on reads; 403 `out_of_scope` or 404 on writes, with nothing written
 *   (row counts and digests of the tables writes touch, the audit log included, unchanged).
 *
 * Reads run first, several at a time; writes after them, one at a time. Every outcome is
 * collected and the mismatches asserted at once at the end, so one run shows every leak.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS, type Permission } from '../../server/auth/roles';
import { registeredRoutes, type RegisteredRoute } from '../../server/http/api-router';
import { buildMatrixWorld, PRINCIPALS, stateDigest, WEST_MARKERS, type MatrixWorld, type Who } from './matrix-world';
import { samples, type Case, type Got, type Req, type Sample } from './matrix-samples';

let w: MatrixWorld;
const backend = process.env.DATABASE_URL ? 'postgres' : 'pglite';

beforeAll(async () => {
  w = await buildMatrixWorld();
}, 600_000);
afterAll(async () => {
  await w?.http.close();
  await w?.db.close();
});

const routeKey = (r: Pick<RegisteredRoute, 'method' | 'fullPath'>) => `${r.method.toUpperCase()} ${r.fullPath}`;

interface Expectation {
  kind: '401' | 'forbidden' | 'allowed' | '404' | 'refused' | 'hidden' | 'rejected';
  label: string;
}

function expectation(route: RegisteredRoute, s: Sample, who: Who, c: Case): Expectation {
  if (who === 'anonymous' && route.access !== 'public') return { kind: '401', label: '401 unauthenticated' };
  if (who === 'anonymous' && s.anonymous === 401) return { kind: '401', label: '401 unauthenticated' };
  if (who !== 'anonymous' && route.access !== 'public' && !ROLE_PERMISSIONS[who].includes(route.access as Permission)) {
    return { kind: 'forbidden', label: `403 forbidden (${route.access})` };
  }
  if (c.kind !== 'out') return { kind: 'allowed', label: 'allowed, nothing of 西街道' };
  if (c.out === 'hidden') return { kind: 'hidden', label: '404, or allowed with nothing of 西街道' };
  if (c.out === 'rejected') return { kind: 'rejected', label: 'rows rejected, nothing written' };
  if (s.write) return { kind: 'refused', label: '403 out_of_scope or 404, nothing written' };
  return { kind: '404', label: '404' };
}

/** The tile's features with their lng/lat vertices. */
function decodeTile(bytes: Uint8Array, [z, x, y]: number[]): NonNullable<Got['features']> {
  const vt = new VectorTile(new PbfReader(bytes));
  const out: NonNullable<Got['features']> = [];
  for (const [name, layer] of Object.entries(vt.layers)) {
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const gj = f.toGeoJSON(x, y, z);
      const lngLats: [number, number][] = [];
      const walk = (c: unknown): void => {
        if (Array.isArray(c) && typeof c[0] === 'number') lngLats.push([c[0], c[1] as number]);
        else if (Array.isArray(c)) c.forEach(walk);
      };
      walk((gj.geometry as { coordinates?: unknown }).coordinates);
      out.push({ layer: name, type: f.type, properties: f.properties as Record<string, unknown>, lngLats });
    }
  }
  return out;
}

async function send(req: Req, who: Who): Promise<Got> {
  const url = new URL(w.http.url(req.path));
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  if (who !== 'anonymous') headers.authorization = `Bearer ${w.secret[who]}`;
  let body: string | undefined;
  if (req.body !== undefined) {
    headers['content-type'] = req.type ?? 'application/json';
    body = req.type ? String(req.body) : JSON.stringify(req.body);
  }
  const res = await fetch(url, { method: req.method, headers, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? '';
  const got: Got = { status: res.status, contentType, text: '' };
  if (contentType.includes('vnd.mapbox-vector-tile') && res.status === 200) {
    const m = /\/(\d+)\/(\d+)\/(\d+)\.mvt$/.exec(req.path)!;
    got.features = decodeTile(bytes, [Number(m[1]), Number(m[2]), Number(m[3])]);
    got.text = JSON.stringify(got.features.map((f) => f.properties));
    return got;
  }
  got.text = new TextDecoder().decode(bytes);
  if (/json/.test(contentType) && got.text) {
    try {
      got.json = JSON.parse(got.text);
    } catch { /* left as text */ }
  }
  got.code = got.json?.error?.code;
  return got;
}

const allowedStatus = (got: Got) => got.status < 500 && ![401, 403, 404].includes(got.status);

/** What of 西街道 an answer holds: its markers (with a little context), points and lines west of the street boundary, and the case's own checks. */
function leaks(got: Got, c: Case, who: Who, markers: string[]): string[] {
  const problems: string[] = [];
  if (c.markers !== false) {
    const hay = got.text.toLowerCase();
    for (const m of markers) {
      const i = hay.indexOf(m.toLowerCase());
      if (i >= 0) problems.push(`holds '${m}': …${got.text.slice(Math.max(0, i - 40), i + m.length + 40).replace(/\s+/g, ' ')}…`);
    }
  }
  const westOf = w.o.x0 + 0.95 * w.o.dx;
  for (const f of c.publicData ? [] : got.features ?? []) {
    if (f.type !== 3 && f.lngLats.length && f.lngLats.every(([lng]) => lng < westOf)) {
      problems.push(`tile layer ${f.layer}: a ${f.type === 1 ? 'point' : 'line'} in 西街道 at ${f.lngLats[0].map((v) => v.toFixed(5)).join(',')} ${JSON.stringify(f.properties)}`);
    }
  }
  if (c.check && who !== 'anonymous') problems.push(...c.check(got, who));
  else if (c.check && who === 'anonymous') problems.push(...c.check(got, 'viewer'));
  return problems;
}

function judge(exp: Expectation, got: Got, c: Case, who: Who, markers: string[], digest?: { before: Record<string, string>; after: Record<string, string> }): string[] {
  const changed = digest ? Object.keys(digest.before).filter((k) => digest.before[k] !== digest.after[k]) : [];
  const written = changed.length ? [`wrote: ${changed.join(', ')} changed`] : [];
  switch (exp.kind) {
    case '401': return got.status === 401 && got.code === 'unauthenticated' ? [] : ['not 401 unauthenticated'];
    case 'forbidden': return got.status === 403 && got.code === 'forbidden' ? [] : ['not 403 forbidden'];
    case 'allowed': return allowedStatus(got) ? leaks(got, c, who, markers) : ['not allowed'];
    case '404': return got.status === 404 ? [] : allowedStatus(got) ? ['answered instead of 404', ...leaks(got, c, who, markers)] : ['not 404'];
    case 'refused': {
      const refused = (got.status === 403 && got.code === 'out_of_scope') || got.status === 404;
      return [...(refused ? [] : ['not refused with 403 out_of_scope or 404']), ...written];
    }
    case 'hidden': return got.status === 404 ? [] : allowedStatus(got) ? leaks(got, c, who, markers) : ['neither 404 nor allowed'];
    case 'rejected': {
      const refused = (got.status === 403 && got.code === 'out_of_scope') || got.status === 404;
      const none = allowedStatus(got) && !got.json?.accepted;
      return [...(refused || none ? [] : [`not rejected (accepted ${got.json?.accepted})`]), ...written];
    }
  }
}

interface Row { route: string; who: Who; case: string; kind: string; expected: string; got: string; ok: boolean; problems: string[] }

/** Runs tasks, at most `n` at a time. */
async function pool(tasks: (() => Promise<void>)[], n: number) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

describe(`authorization matrix (${backend})`, () => {
  it('when the route table is read, then every registered route has samples and every sample names a registered route', () => {
    const registered = registeredRoutes().map(routeKey);
    const table = samples(w).map((s) => s.route);
    const duplicated = table.filter((r, i) => table.indexOf(r) !== i);
    const empty = samples(w).filter((s) => !s.cases.length).map((s) => s.route);
    expect({
      'registered routes without samples': registered.filter((r) => !table.includes(r)),
      'samples of routes that are not registered': table.filter((r) => !registered.includes(r)),
      'routes sampled twice': duplicated,
      'routes with no case': empty,
    }).toEqual({ 'registered routes without samples': [], 'samples of routes that are not registered': [], 'routes sampled twice': [], 'routes with no case': [] });
  });

  it('when every route is asked by every role of 东街道 and by no one, for objects of both streets, then each answers as the access rules say and nothing of 西街道 leaks', async () => {
    const t0 = Date.now();
    const routes = new Map(registeredRoutes().map((r) => [routeKey(r), r]));
    const table = samples(w).filter((s) => routes.has(s.route));
    const markers = [...WEST_MARKERS, w.job.west];
    const rows: Row[] = [];
    const run = async (s: Sample, who: Who, c: Case) => {
      const route = routes.get(s.route)!;
      const exp = expectation(route, s, who, c);
      const req = c.req(who);
      if (!req) {
        rows.push({ route: s.route, who, case: c.name, kind: c.kind, expected: exp.label, got: 'n/a', ok: true, problems: [] });
        return;
      }
      const before = s.write && ['refused', 'rejected'].includes(exp.kind) ? await stateDigest(w.db.knex) : undefined;
      let got: Got;
      try {
        got = await send(req, who);
      } catch (e) {
        got = { status: 0, contentType: '', text: String(e) };
      }
      if (s.write?.after) await s.write.after(got);
      const digest = before ? { before, after: await stateDigest(w.db.knex) } : undefined;
      const problems = judge(exp, got, c, who, markers, digest);
      const gotLabel = `${got.status}${got.code ? ` ${got.code}` : ''}`;
      rows.push({ route: s.route, who, case: c.name, kind: c.kind, expected: exp.label, got: gotLabel, ok: !problems.length, problems });
    };

    const reads: (() => Promise<void>)[] = [];
    for (const s of table.filter((x) => !x.write)) for (const who of PRINCIPALS) for (const c of s.cases) reads.push(() => run(s, who, c));
    await pool(reads, 6);
    const tReads = Date.now();
    const writes = table.filter((x) => x.write).sort((a, b) => a.write!.order - b.write!.order);
    for (const s of writes) {
      for (const who of PRINCIPALS) {
        // out of scope first (each compared before/after on its own), then the allowed write
        for (const c of [...s.cases.filter((x) => x.kind === 'out'), ...s.cases.filter((x) => x.kind !== 'out')]) await run(s, who, c);
      }
    }

    // the outcome table: every row to a file, the failures to the console and the assertion
    const order = new Map(table.map((s, i) => [s.route, i]));
    rows.sort((a, b) => order.get(a.route)! - order.get(b.route)! || PRINCIPALS.indexOf(a.who) - PRINCIPALS.indexOf(b.who) || a.case.localeCompare(b.case));
    const clip = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n)}…` : s);
    const line = (r: Row, n = Infinity) => `${pad(r.route, 44)} ${pad(r.who, 9)} ${pad(`${r.kind}: ${r.case}`, 52)} expected ${pad(r.expected, 42)} got ${pad(r.got, 24)}${r.problems.length ? ` — ${clip(r.problems.join('; '), n)}` : ''}`;
    const failures = rows.filter((r) => !r.ok);
    const cases = table.reduce((n, s) => n + s.cases.length, 0);
    const summary = `${backend}: ${table.length} routes, ${PRINCIPALS.length} principals, ${cases} cases → ${rows.length} requests (${rows.filter((r) => r.got === 'n/a').length} n/a); ` +
      `${failures.length} failing; reads ${((tReads - t0) / 1000).toFixed(1)} s, writes ${((Date.now() - tReads) / 1000).toFixed(1)} s`;
    try {
      mkdirSync('test-results', { recursive: true });
      writeFileSync(`test-results/auth-matrix-${backend}.txt`, [summary, '', ...rows.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${line(r)}`)].join('\n') + '\n');
    } catch { /* the table is also printed below */ }
    console.log(`${summary}\n${failures.map((r) => line(r, 240)).join('\n')}`);
    expect(failures.map((r) => `${r.route} | ${r.who} | ${r.case} | expected ${r.expected} | got ${r.got}${r.problems.length ? ` | ${clip(r.problems.join('; '))}` : ''}`), summary).toEqual([]);
  });
});

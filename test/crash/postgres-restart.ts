/**
 * Crash test c: PostgreSQL restarted under steady traffic (areas, heatmaps, single events): the
 * server stays up, answers 503 database_unavailable while the database is away (never a 500, never
 * a hang), and serves again once it is back, without a restart of its own. PostgreSQL is stopped,
 * held down DOWN_MS so that requests certainly meet the outage, and started again.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CONNECT_TIMEOUT_MS } from '../../server/db/knex';
import { EVENT_MIX } from '../../server/demo/event-mix';
import { api, seconds, sleep, type Answer, type CrashRun } from './support';

const run$ = promisify(execFile);

/** How long PostgreSQL stays down between stop and start. */
const DOWN_MS = 3_000;
/** A 503 taking longer than this is a hang: the service gives up connecting after CONNECT_TIMEOUT_MS (5 s). */
const HANG_MS = CONNECT_TIMEOUT_MS + 1_000;
/** Each kind of request must succeed again within this long after PostgreSQL is back… */
const RECOVERY_MS = 10_000;
/** …and every request sent from then on, for this long, must succeed. */
const AFTER_RECOVERY_MS = 5_000;

type Kind = 'areas' | 'heatmap' | 'event';
interface Sent { kind: Kind; start: number; end: number; status: number; code?: string; retryAfter: string | null; externalId?: string }

/** Whether DATABASE_URL names this machine: the test restarts that PostgreSQL, which only makes sense (and is only allowed) here. */
export function isLocalDatabase(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return ['localhost', '127.0.0.1', '::1', ''].includes(host);
}

/** `pg_ctlcluster <version> <cluster> <action>`; the cluster from CRASH_PG_CLUSTER (default "15 main", Debian's). */
async function pgCtl(action: 'stop' | 'start'): Promise<number> {
  const t0 = performance.now();
  const cluster = (process.env.CRASH_PG_CLUSTER ?? '15 main').split(/\s+/);
  await run$('pg_ctlcluster', [...cluster, action]);
  return performance.now() - t0;
}

async function waitForPostgres(run: CrashRun, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await run.knex.raw('select 1').then(() => true, () => false)) return true;
    await sleep(250);
  }
  return false;
}

/** Sessions of other databases on the server (other test runs on a shared machine), which a restart would cut. */
async function otherSessions(run: CrashRun): Promise<number> {
  const { rows: [r] } = await run.knex.raw(
    `select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and datname <> current_database()`);
  return r.n;
}

/** Waits up to OTHERS_WAIT_MS for other databases' sessions to end (on a shared machine), then goes ahead anyway. */
const OTHERS_WAIT_MS = 5 * 60_000;

export async function postgresRestart(run: CrashRun): Promise<void> {
  const { checks } = run;
  const tWait = performance.now();
  for (let n = await otherSessions(run); n > 0 && performance.now() - tWait < OTHERS_WAIT_MS; n = await otherSessions(run)) {
    if (performance.now() - tWait < 1000) console.log(`    waiting (up to ${seconds(OTHERS_WAIT_MS)}) for ${n} session(s) of other databases to end before restarting PostgreSQL`);
    await sleep(2_000);
  }
  const others = await otherSessions(run);
  if (performance.now() - tWait > 1000) console.log(`    waited ${seconds(performance.now() - tWait)}; ${others} session(s) of other databases left`);
  const source = `crash-pg-${Date.now().toString(36)}`;
  const { rows: [d] } = await run.knex.raw(
    `select ST_XMin(e) as x0, ST_YMin(e) as y0, ST_XMax(e) as x1, ST_YMax(e) as y1 from (select ST_Extent(geom) as e from admin_areas where level = 'district') q`);
  const range = (await api(run, '/api/heatmap/range')).body as { last?: string | null };
  const to = String(range.last ?? new Date().toISOString()).slice(0, 10);
  const from = new Date(Date.parse(to) - 90 * 86_400_000).toISOString().slice(0, 10);
  const bbox = [d.x0, d.y0, d.x1, d.y1].map((v: number) => v.toFixed(5)).join(',');
  let events = 0;
  const pathOf: Record<Kind, () => { path: string; init?: RequestInit; externalId?: string }> = {
    areas: () => ({ path: '/api/areas?limit=20' }),
    heatmap: () => ({ path: `/api/heatmap?from=${from}&to=${to}&metric=count&zoom=12&bbox=${bbox}` }),
    event: () => {
      const externalId = `${source}-${++events}`;
      const body = { external_id: externalId, type: EVENT_MIX[events % EVENT_MIX.length].type, severity: 1, occurred_at: new Date().toISOString(),
        lng: d.x0 + ((events * 0.618) % 1) * (d.x1 - d.x0), lat: d.y0 + ((events * 0.382) % 1) * (d.y1 - d.y0) };
      return { path: `/api/events?source=${source}`, init: { method: 'POST', body: JSON.stringify(body) }, externalId };
    },
  };
  const sent: Sent[] = [];
  const tBase = performance.now();
  let stopAt = Infinity;
  const loop = async (kind: Kind) => {
    while (performance.now() < stopAt) {
      const { path, init, externalId } = pathOf[kind]();
      const start = performance.now() - tBase;
      const a: Answer = await api(run, path, { ...init, timeoutMs: 15_000 });
      sent.push({ kind, start, end: start + a.ms, status: a.status, code: a.body?.error?.code, retryAfter: a.headers.get('retry-after'), externalId });
      await sleep(50);
    }
  };
  const loops = (['areas', 'heatmap', 'event'] as Kind[]).map(loop);

  await sleep(3_000); // steady traffic first
  const pid = run.server.pid;
  let tStop = 0, tDown = 0, tStartCmd = 0, tUp = 0;
  let restartError: Error | undefined;
  try {
    tStop = performance.now() - tBase;
    const stopMs = await pgCtl('stop');
    tDown = tStop + stopMs;
    await sleep(DOWN_MS);
    tStartCmd = performance.now() - tBase;
    await pgCtl('start');
    tUp = performance.now() - tBase;
  } catch (e) {
    restartError = e as Error;
  } finally {
    // whatever happened, PostgreSQL is left running
    if (!(await waitForPostgres(run, 1_000))) await pgCtl('start').catch(() => undefined);
  }
  stopAt = performance.now() + RECOVERY_MS + AFTER_RECOVERY_MS;
  await Promise.all(loops);
  const back = await waitForPostgres(run, 30_000);
  checks.check(`postgres restart: pg_ctlcluster stop (${seconds(tDown - tStop)}), ${seconds(DOWN_MS)} down, start (${seconds(tUp - tStartCmd)}), under traffic of ${sent.length} requests`,
    !restartError && back, restartError?.message ?? 'PostgreSQL did not come back');
  if (restartError) return;

  const ok = (s: Sent) => s.status >= 200 && s.status < 300;
  const histogram = (xs: Sent[]) => [...xs.reduce((m, s) => m.set(s.status, (m.get(s.status) ?? 0) + 1), new Map<number, number>())]
    .sort(([a], [b]) => a - b).map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ');

  const health = await api(run, '/api/health');
  checks.check(`postgres restart: the server process stayed up (pid ${pid}), no restart of it, and answers /api/health`,
    run.server.running() && run.server.pid === pid && health.status === 200, `running ${run.server.running()}, health ${health.status}`);

  const unexpected = sent.filter((s) => !ok(s) && !(s.status === 503 && s.code === 'database_unavailable'));
  checks.check(`postgres restart: every answer was a success or a 503 database_unavailable — no 500 (${histogram(sent)})`,
    unexpected.length === 0, `unexpected: ${JSON.stringify(unexpected.slice(0, 5))}`);

  const duringOutage = sent.filter((s) => s.start >= tDown && s.end <= tStartCmd);
  const outage503 = duringOutage.filter((s) => s.status === 503 && s.code === 'database_unavailable' && s.retryAfter !== null);
  checks.check(`postgres restart: requests while PostgreSQL was down answered 503 database_unavailable with Retry-After (${outage503.length} of ${duringOutage.length}: ${histogram(duringOutage)})`,
    duringOutage.length > 0 && outage503.length === duringOutage.length, JSON.stringify(duringOutage.filter((s) => !outage503.includes(s)).slice(0, 5)));

  // a 503 (the database away) comes within HANG_MS; every request is answered within the client's
  // 15 s (past it there is no answer, an unexpected status above). A success may be slower: the
  // first queries after the start meet PostgreSQL's empty caches on a busy machine.
  const ms = (s: Sent) => s.end - s.start;
  const slowest = (xs: Sent[]) => xs.reduce<Sent | undefined>((m, s) => (!m || ms(s) > ms(m) ? s : m), undefined);
  const show = (s?: Sent) => (s ? `${seconds(ms(s))}, ${s.kind} ${s.status || 'no answer'}` : 'none');
  const refused = sent.filter((s) => s.status === 503);
  checks.check(`postgres restart: no request hung — the slowest 503 ${show(slowest(refused))} (limit ${seconds(HANG_MS)}), the slowest of all ${show(slowest(sent))}`,
    refused.every((s) => ms(s) < HANG_MS) && sent.every((s) => s.status !== 0), JSON.stringify([...refused.filter((s) => ms(s) >= HANG_MS), ...sent.filter((s) => s.status === 0)].slice(0, 5)));

  const recovery = (['areas', 'heatmap', 'event'] as Kind[]).map((kind) => {
    const first = sent.find((s) => s.kind === kind && s.start >= tUp && ok(s));
    return { kind, ms: first ? first.end - tUp : Infinity };
  });
  const later = sent.filter((s) => s.start >= tUp + RECOVERY_MS);
  checks.check(`postgres restart: once PostgreSQL was back, each kind succeeded within ${seconds(RECOVERY_MS)} (${recovery.map((r) => `${r.kind} ${seconds(r.ms)}`).join(', ')}), and all ${later.length} requests after that did`,
    recovery.every((r) => r.ms <= RECOVERY_MS) && later.length > 0 && later.every(ok), `after: ${histogram(later)}`);

  const created = sent.filter((s) => s.kind === 'event' && s.status === 201).map((s) => s.externalId!);
  const { rows } = await run.knex.raw('select external_id from events where source = ?', [source]);
  const stored = new Set((rows as { external_id: string }[]).map((r) => r.external_id));
  const lost = created.filter((x) => !stored.has(x));
  checks.check(`postgres restart: every single event answered 201 is stored (${created.length} answered 201, ${stored.size} stored)`,
    created.length > 0 && lost.length === 0, `lost: ${lost.slice(0, 5).join(', ')}`);
}

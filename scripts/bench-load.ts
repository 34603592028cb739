/**
 * Load benchmark on PostgreSQL + PostGIS: the real server (`server/main.ts`, a child process of its
 * own) under a mix of map traffic for --seconds, driven by autocannon over loopback:
 *   - vector tiles (/tiles/<source>/z/x/y.mvt) at zooms 11–15 over the demo district,
 *   - heatmaps (/api/heatmap) of varying bbox, zoom, metric and time window,
 *   - single-event ingest (POST /api/events, JSON, a unique external id each).
 * Prints per kind and overall: requests, requests/s, p50/p90/p99/max latency, non-2xx, errors and
 * timeouts, against the targets (≥ 500 requests/s, p99 < 200 ms, no errors); then checks that every
 * accepted event is in the database.
 *
 *   DATABASE_URL=postgres://…/bench_load npm run bench:load -- [--seconds 60] [--connections 32]
 *                 [--runs 1] [--warmup 5] [--mix 70,25,5] [--profile <dir>]
 *
 * --mix: shares of tiles, heatmaps and ingest (0,1,0 for heatmaps alone); --profile: the server
 * writes a V8 CPU profile (node --cpu-prof) into <dir> when it stops, to open in Chrome DevTools.
 *
 * Seeds the Qixia demo into an empty database. Each invocation ingests under a source of its own
 * (load-<timestamp>), so runs can repeat on the same database; the events stay (delete by source).
 * Requests carry an admin API token (every area) made for the run in the database and revoked at its end.
 */
import autocannon, { type Client, type Request as LoadRequest } from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { EVERYWHERE } from '../server/auth/scope';
import { createApiToken, revokeApiToken } from '../server/auth/tokens.repo';
import { progressBar } from '../server/cli/progress';
import { openDb } from '../server/db/knex';
import { isEmpty, seedDemo } from '../server/demo/seed';
import { EVENT_MIX } from '../server/demo/event-mix';
import { createRng } from '../server/geo/prng';
import { tileSources } from '../server/tiles/sources';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '32' },
    runs: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '5' },
    mix: { type: 'string', default: '70,25,5' },
    profile: { type: 'string' },
  },
});
const [SECONDS, CONNECTIONS, RUNS, WARMUP] = [values.seconds, values.connections, values.runs, values.warmup].map(Number);
if (![SECONDS, CONNECTIONS, RUNS].every((n) => Number.isSafeInteger(n) && n > 0) || !(Number.isSafeInteger(WARMUP) && WARMUP >= 0)) {
  console.error('error: --seconds, --connections and --runs take whole numbers > 0, --warmup a whole number ≥ 0');
  process.exit(1);
}
const shares = values.mix.split(',').map(Number);
if (shares.length !== 3 || !shares.every((n) => Number.isFinite(n) && n >= 0) || !(shares[0] + shares[1] + shares[2] > 0)) {
  console.error('error: --mix takes three shares, of tiles, heatmaps and ingest, e.g. 70,25,5');
  process.exit(1);
}
if (!process.env.DATABASE_URL) {
  console.error('error: bench:load measures PostgreSQL + PostGIS, what a command centre runs; set DATABASE_URL to a database of your own\n'
    + "  (createdb bench_load && psql -d bench_load -c 'create extension postgis'). The embedded database is single-threaded WASM and is not benchmarked.");
  process.exit(1);
}

const TARGET_RPS = 500;
const TARGET_P99_MS = 200;
const KINDS = ['tile', 'heatmap', 'ingest'] as const;
type Kind = (typeof KINDS)[number];
/** Share of each kind in the traffic: a map session mostly loads tiles. */
const MIX = Object.fromEntries(KINDS.map((k, i) => [k, shares[i] / (shares[0] + shares[1] + shares[2])])) as Record<Kind, number>;
const ZOOMS = [11, 12, 13, 14, 15];
/** A browser viewport, in CSS pixels, for the heatmaps' bboxes. */
const VIEWPORT = { width: 1280, height: 800 };
const SOURCE = `load-${Date.now()}`;
const SEED = 6;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (sorted: Float64Array, q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
const machineBusy = () => {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100; // minus idle and iowait; USER_HZ = 100
};
/** CPU seconds of one process (user + system), from /proc/<pid>/stat. */
const processBusy = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14 and 15 of proc(5))
};
/** CPU seconds so far of each PostgreSQL backend serving this database, by pid. */
const backendsBusy = async (): Promise<Map<number, number>> => {
  const { rows } = await knex.raw(`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
  const busy = new Map<number, number>();
  for (const { pid } of rows as { pid: number }[]) try { busy.set(pid, processBusy(pid)); } catch { /* gone, or another user's */ }
  return busy;
};
const selfBusy = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// -- database: versions, seed, the district's extent -------------------------------------------
const db = await openDb({ url: process.env.DATABASE_URL });
const { knex } = db;
const { rows: [pg] } = await knex.raw(`select current_setting('server_version') as version, postgis_lib_version() as postgis`);
const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, node ${process.version}, PostgreSQL ${pg.version}, PostGIS ${pg.postgis}`;
console.log(`machine: ${machine}`);
if (await isEmpty(db)) {
  const bar = progressBar('seeding Qixia demo');
  await seedDemo(db, (pct, stage) => bar.update(pct, stage));
  bar.done();
}
const { rows: [district] } = await knex.raw(`select ST_XMin(e) as "minLng", ST_YMin(e) as "minLat", ST_XMax(e) as "maxLng", ST_YMax(e) as "maxLat"
  from (select ST_Extent(geom) as e from admin_areas where level = 'district') d`);
if (district.minLng === null) throw new Error('no district in admin_areas: seed the demo into an empty database');
// the heatmaps' windows end after the last event other than this bench's; the events it ingests fall in their last
// 30 days (late reports), so every window takes them in while it is being read
const { rows: [{ toDay }] } = await knex.raw(
  `select ((coalesce(max(occurred_at), now()) at time zone 'Asia/Shanghai')::date + 1)::text as "toDay" from events where source not like 'load-%'`);

// every request needs credentials: one admin token of every area (events:write for the ingest), as a
// command centre's system would send; each invocation makes a token of its own, revoked at its end
const token = await createApiToken(knex, { name: `bench-load ${SOURCE}`, role: 'admin', areaCode: null });
const AUTH = { authorization: `Bearer ${token.secret}` };

// -- the server, a process of its own ----------------------------------------------------------
const serverEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '0', SEED_DEMO: 'false' };
const server = spawn(process.execPath, [...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : []), '--import', 'tsx', 'server/main.ts'], { env: serverEnv, stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
});
const base = `http://127.0.0.1:${port}`;
console.log(`server: ${process.execPath} --import tsx server/main.ts (pid ${server.pid}) on ${base}, against DATABASE_URL`);
console.log('server env: RATE_LIMIT_PER_MINUTE=0 — the rate limit counts per signed-in user or API token (per address only without '
  + 'credentials), and a load test is many clients sending one token; with the default 1,200/min every API request past the first '
  + 'minute\'s would be a 429 (tiles are not counted)');
console.log(`load generator: autocannon in this process (pid ${process.pid}), ${CONNECTIONS} keep-alive connections over loopback; it shares the `
  + `${os.cpus().length} cores with the server and PostgreSQL, so the figures are for the three together on this machine`);

// -- the requests -------------------------------------------------------------------------------
const lngToX = (lng: number, z: number) => Math.floor(((lng + 180) / 360) * 2 ** z);
const latToY = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};
const degreesPerPixel = (z: number) => 360 / (256 * 2 ** z);
const dayBefore = (day: string, days: number) => new Date(Date.parse(day) - days * 86_400_000).toISOString().slice(0, 10);
const WINDOWS = [30, 90, 365].map((days) => ({ from: dayBefore(toDay, days), to: toDay }));
const eventTypes = EVENT_MIX.map((m) => m.type);
const rng = createRng(SEED);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)];
let ingested = 0;
let accepted = 0;

/** A tile of the district at zoom 11–15 from a source that has that zoom (the map asks every source for each tile). */
function tileRequest(): string {
  const z = pick(ZOOMS);
  const src = pick(tileSources.filter((s) => s.minzoom <= z && z <= s.maxzoom));
  const x = rng.int(lngToX(district.minLng, z), lngToX(district.maxLng, z));
  const y = rng.int(latToY(district.maxLat, z), latToY(district.minLat, z));
  return `/tiles/${src.id}/${z}/${x}/${y}.mvt`;
}

/** A viewport's heatmap: one in five the whole district at zoom 11, the others a screen around a point of it at zoom 11–15. */
function heatmapRequest(): string {
  const metric = rng.next() < 0.6 ? 'count' : rng.next() < 0.6 ? 'risk' : 'hotspot';
  const { from, to } = pick(WINDOWS);
  let zoom = 11;
  let bbox = [district.minLng, district.minLat, district.maxLng, district.maxLat];
  if (rng.next() >= 0.2) {
    zoom = pick(ZOOMS);
    const [lng, lat] = [rng.range(district.minLng, district.maxLng), rng.range(district.minLat, district.maxLat)];
    const [halfW, halfH] = [(VIEWPORT.width / 2) * degreesPerPixel(zoom), ((VIEWPORT.height / 2) * degreesPerPixel(zoom)) * Math.cos((lat * Math.PI) / 180)];
    bbox = [lng - halfW, lat - halfH, lng + halfW, lat + halfH];
  }
  const params = new URLSearchParams({ from, to, metric, bbox: bbox.map((d) => d.toFixed(5)).join(','), zoom: String(zoom) });
  if (rng.next() < 0.2) params.set('types', pick(eventTypes));
  return `/api/heatmap?${params}`;
}

/** One event a grid worker reports: somewhere in the district, in the last 30 days of the heatmaps' windows. */
function ingestBody(): string {
  return JSON.stringify({
    external_id: `${SOURCE}-${++ingested}`,
    type: pick(eventTypes),
    severity: rng.int(1, 3),
    occurred_at: new Date(Date.parse(`${toDay}T00:00:00+08:00`) - rng.next() * 30 * 86_400_000).toISOString(),
    lng: rng.range(district.minLng, district.maxLng),
    lat: rng.range(district.minLat, district.maxLat),
    note: 'bench:load',
  });
}

function nextRequest(req: LoadRequest, context: Record<string, unknown>): LoadRequest {
  const u = rng.next();
  const kind: Kind = u < MIX.tile ? 'tile' : u < MIX.tile + MIX.heatmap ? 'heatmap' : 'ingest';
  context.kind = kind;
  if (kind === 'ingest') {
    return { ...req, method: 'POST', path: `/api/events?source=${SOURCE}`, headers: { ...AUTH, 'content-type': 'application/json' }, body: ingestBody() };
  }
  return { ...req, method: 'GET', path: kind === 'tile' ? tileRequest() : heatmapRequest(), headers: AUTH, body: undefined };
}

// -- running ------------------------------------------------------------------------------------
interface KindStats { latencies: number[]; non2xx: number; statuses: Map<number, number> }
interface RunStats { seconds: number; kinds: Record<Kind, KindStats>; errors: number; timeouts: number; cpu: { server: number; bench: number; postgres: number; rest: number } }

/**
 * Waits until the server has worked off what the run left queued (the connections are closed at
 * the end, the requests already read are still answered): a database request queues behind them.
 */
async function drain() {
  await (await fetch(`${base}/api/heatmap/range`, { headers: AUTH })).arrayBuffer();
  await new Promise((r) => setTimeout(r, 500));
}

async function run(seconds: number, label: string): Promise<RunStats> {
  const kinds = Object.fromEntries(KINDS.map((k) => [k, { latencies: [], non2xx: 0, statuses: new Map() }])) as unknown as Record<Kind, KindStats>;
  const pg0 = await backendsBusy();
  const [server0, bench0, machine0] = [processBusy(server.pid!), selfBusy(), machineBusy()];
  const t0 = performance.now();
  const instance = autocannon({ url: base, connections: CONNECTIONS, duration: seconds, timeout: 10, requests: [{ setupRequest: nextRequest }] });
  const bar = progressBar(label);
  const ticker = setInterval(() => bar.update((100 * (performance.now() - t0)) / 1000 / seconds), 1000);
  instance.on('response', (client: Client, status: number, _bytes: number, ms: number) => {
    const kind = client.requestIterator.context.kind as Kind;
    const k = kinds[kind];
    k.latencies.push(ms);
    k.statuses.set(status, (k.statuses.get(status) ?? 0) + 1);
    if (status < 200 || status >= 300) k.non2xx++;
    else if (kind === 'ingest' && status === 201) accepted++;
  });
  const result = await instance;
  clearInterval(ticker);
  bar.done();
  const wall = (performance.now() - t0) / 1000;
  const [serverCpu, benchCpu, machineCpu] = [processBusy(server.pid!) - server0, selfBusy() - bench0, machineBusy() - machine0];
  const pgCpu = [...(await backendsBusy())].reduce((t, [pid, busy]) => t + busy - (pg0.get(pid) ?? 0), 0);
  await drain();
  return {
    seconds: Math.min(wall, result.duration || wall),
    kinds,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu: { server: serverCpu / wall, bench: benchCpu / wall, postgres: pgCpu / wall, rest: Math.max(0, machineCpu - serverCpu - benchCpu - pgCpu) / wall },
  };
}

interface Row { name: string; requests: number; rps: number; p50: number; p90: number; p99: number; max: number; non2xx: number }
function rows(r: RunStats): Row[] {
  const row = (name: string, ks: KindStats[]) => {
    const sorted = Float64Array.from(ks.flatMap((k) => k.latencies)).sort();
    return {
      name, requests: sorted.length, rps: sorted.length / r.seconds,
      p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? NaN,
      non2xx: ks.reduce((n, k) => n + k.non2xx, 0),
    };
  };
  return [...KINDS.map((k) => row(k, [r.kinds[k]])), row('all', KINDS.map((k) => r.kinds[k]))];
}

function printTable(title: string, rs: Row[], errors: number, timeouts: number) {
  console.log(`\n${title}`);
  console.log('| kind | share | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors / timeouts |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const total = rs.at(-1)!.requests;
  for (const r of rs) {
    const errs = r.name === 'all' ? `${fmt(errors)} / ${fmt(timeouts)}` : '';
    console.log(`| ${r.name} | ${fmt((100 * r.requests) / total)} % | ${fmt(r.requests)} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p90, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.max)} | ${fmt(r.non2xx)} | ${errs} |`);
  }
}

function printTargets(all: Row, errors: number) {
  console.log('\n| target | measured | target | measured / target |\n|---|---:|---:|---:|');
  console.log(`| requests/s (≥ target) | ${fmt(all.rps)} | ≥ ${TARGET_RPS} | ${(all.rps / TARGET_RPS).toFixed(2)} ${all.rps >= TARGET_RPS ? 'met' : 'missed'} |`);
  console.log(`| p99 latency, ms (< target) | ${fmt(all.p99, 1)} | < ${TARGET_P99_MS} | ${(all.p99 / TARGET_P99_MS).toFixed(2)} ${all.p99 < TARGET_P99_MS ? 'met' : 'missed'} |`);
  console.log(`| errors: non-2xx + connection errors + timeouts | ${fmt(errors)} | 0 | ${errors === 0 ? 'met' : 'missed'} |`);
}

const mix = KINDS.map((k) => `${fmt(100 * MIX[k])} % ${k}`).join(', ');
console.log(`mix: ${mix} (drawn per request); tiles: sources ${tileSources.map((s) => s.id).join(', ')} at zooms ${ZOOMS[0]}–${ZOOMS.at(-1)} over the district; `
  + `heatmaps: count 60 %, risk 24 %, hotspot 16 %, windows of ${[30, 90, 365].join('/')} days to ${toDay}, a fifth district-wide, a fifth filtered by one type; `
  + `ingest: POST /api/events?source=${SOURCE}, JSON, a new external id each, occurred in the windows' last 30 days`);

const runs: RunStats[] = [];
try {
  if (WARMUP > 0) await run(WARMUP, `warm-up ${WARMUP} s (not counted)`);
  for (let i = 0; i < RUNS; i++) {
    const r = await run(SECONDS, `run ${i + 1}/${RUNS}: ${SECONDS} s, ${CONNECTIONS} connections`);
    runs.push(r);
    const rs = rows(r);
    const errors = rs.at(-1)!.non2xx + r.errors;
    printTable(`## Run ${i + 1} of ${RUNS}: ${fmt(r.seconds, 1)} s, ${CONNECTIONS} connections`, rs, r.errors, r.timeouts);
    const statuses = KINDS.flatMap((k) => [...r.kinds[k].statuses].filter(([s]) => s < 200 || s >= 300).map(([s, n]) => `${k} ${s}: ${fmt(n)}`));
    if (statuses.length) console.log(`non-2xx: ${statuses.join(', ')}`);
    console.log(`CPU, cores busy on average: server ${r.cpu.server.toFixed(2)}, PostgreSQL backends of this database ${r.cpu.postgres.toFixed(2)}, `
      + `autocannon ${r.cpu.bench.toFixed(2)}, anything else on the machine ${r.cpu.rest.toFixed(2)} (of ${os.cpus().length})`);
    printTargets(rs.at(-1)!, errors);
  }
  if (RUNS > 1) {
    const all = runs.map(rows);
    const med = all[0].map((r, i) => ({
      name: r.name,
      ...Object.fromEntries((['requests', 'rps', 'p50', 'p90', 'p99', 'max', 'non2xx'] as const).map((f) => [f, median(all.map((rs) => rs[i][f]))])),
    }) as Row);
    const [errors, timeouts] = [median(runs.map((r) => r.errors)), median(runs.map((r) => r.timeouts))];
    printTable(`## Medians of ${RUNS} runs of ${SECONDS} s (each figure on its own)`, med, errors, timeouts);
    printTargets(med.at(-1)!, median(all.map((rs, i) => rs.at(-1)!.non2xx + runs[i].errors)));
  }
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit');
  await revokeApiToken(knex, token.id, EVERYWHERE);
}

// -- nothing lost: every accepted event is stored ------------------------------------------------
const { rows: [stored] } = await knex.raw(`select count(*)::int as n from events where source = ?`, [SOURCE]);
console.log(`\ningest check: ${fmt(ingested)} events sent (warm-up included), ${fmt(accepted)} answered 201, ${fmt(stored.n)} in the database under source ${SOURCE}`);
const lost = ingested - stored.n;
console.log(lost === 0 ? 'zero lost: every event sent is in the database' : `${fmt(lost)} sent events are not in the database (errors, timeouts or requests cut at the end of a run)`);
await db.close();

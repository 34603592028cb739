/**
 * Events and risk benchmark on PostgreSQL + PostGIS, with baselines in the same run:
 * 1. bulk ingest over HTTP (NDJSON streamed to POST /api/events/bulk of the real app) of generated
 *    demo events, and where the time goes (each ingest stage timed apart on a sample);
 * 2. in-process assignment (GridIndex, PolygonIndex) against a turf point-in-polygon loop over all
 *    grids and a PostGIS ST_Contains join;
 * 3. GET /api/heatmap latency, each window read from the rollups and kept in memory (the window cache),
 *    against the same counts grouped on the fly from the events.
 *
 *   DATABASE_URL=postgres://…/bench_risk npm run bench:risk -- [--events 10000000] [--batch 1000000]
 *                 [--points 1000000] [--requests 50] [--runs 3]
 *
 * Seeds the Qixia demo into an empty database. The seed's own demo events are removed before the
 * bench's are ingested (their ids would collide); a database that already holds a bench batch
 * keeps it and skips step 1. Temporary NDJSON files go to the OS temp folder and are removed.
 * Requests carry an admin API token (every area) made for the run in the database and revoked at its end.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { multiPolygon } from '@turf/helpers';
import { cellToParent, getResolution } from 'h3-js';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpuUsage } from 'node:process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app';
import { EVERYWHERE } from '../server/auth/scope';
import { createApiToken, revokeApiToken } from '../server/auth/tokens.repo';
import { progressBar } from '../server/cli/progress';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/knex';
import { DEMO_EVENT_PERIOD } from '../server/demo/event-calendar';
import { loadEventPlaces } from '../server/demo/event-places';
import { generateDemoEvents } from '../server/demo/events';
import { isEmpty, seedDemo } from '../server/demo/seed';
import { readEventRow, type EventRow } from '../server/events/event-row';
import { insertEvents, type AssignedEvent } from '../server/events/events.repo';
import { GridIndex } from '../server/events/grid-index';
import { PolygonIndex, type MultiPolygonCoords } from '../server/events/polygon-index';
import { recordsFrom } from '../server/events/record-streams';
import { h3ParentSql, rollUp } from '../server/events/rollups';
import { JobRegistry } from '../server/jobs/job-registry';
import { bboxOverlap } from '../server/risk/study-area';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    batch: { type: 'string', default: '1000000' },
    points: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
  },
});
const [EVENTS, BATCH, POINTS, REQUESTS, RUNS] = [values.events, values.batch, values.points, values.requests, values.runs].map(Number);
if (![EVENTS, BATCH, POINTS, REQUESTS, RUNS].every((n) => Number.isSafeInteger(n) && n > 0)) {
  console.error('error: --events, --batch, --points, --requests and --runs take whole numbers > 0');
  process.exit(1);
}
if (!process.env.DATABASE_URL) {
  console.error('error: bench:risk measures PostgreSQL + PostGIS, what a command centre runs; set DATABASE_URL to a database of your own\n'
    + "  (createdb bench_risk && psql -d bench_risk -c 'create extension postgis'). The embedded database is single-threaded WASM and is not benchmarked.");
  process.exit(1);
}

const BENCH_SOURCE = 'bench';
const SEED = 4242;
/** The ingest writes in chunks of this many events (server/events/ingest.ts). */
const INGEST_CHUNK = 5000;
const PROFILE_SAMPLE = 20_000;
/** The slow baselines run on this share of the points (turf) or this many requests (on the fly). */
const TURF_SHARE = 1 / 50;
const ON_THE_FLY_RUNS = 5;
const WARM_UP = 3;
const DAY_MS = 86_400_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = async <T>(f: () => Promise<T> | T): Promise<[number, T]> => {
  const t = performance.now();
  const r = await f();
  return [(performance.now() - t) / 1000, r];
};
/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
const machineBusy = () => {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100; // minus idle and iowait; USER_HZ = 100
};
const nodeBusy = () => { const u = cpuUsage(); return (u.user + u.system) / 1e6; };

const db = await openDb({ url: process.env.DATABASE_URL });
const { knex } = db;
const { rows: [pg] } = await knex.raw(`select current_setting('server_version') as version, postgis_lib_version() as postgis`);
console.log(`database: PostgreSQL ${pg.version}, PostGIS ${pg.postgis}; ${os.cpus().length} cores, node ${process.version}`);
if (await isEmpty(db)) {
  const bar = progressBar('seeding Qixia demo');
  await seedDemo(db, (pct, stage) => bar.update(pct, stage));
  bar.done();
}
// every request needs credentials: an admin token of every area (events:write for the ingest; events:read, so
// the heatmaps are not suppressed and count what the on-the-fly query counts); each run makes a token of its own,
// revoked at its end
const token = await createApiToken(knex, { name: `bench-risk ${new Date().toISOString()}`, role: 'admin', areaCode: null });
const AUTH = { authorization: `Bearer ${token.secret}` };
// the rate limit counts per token: the heatmap step alone sends 24 × (--requests + 3) requests. Two servers: one
// reads every heatmap window from the rollups (no window cache), the other keeps windows in memory as the server does
const serve = async (env: Record<string, string>) => {
  const listening = buildApp({ db, config: loadConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '0', ...env }), jobs: new JobRegistry() }).listen(0, '127.0.0.1');
  await once(listening, 'listening');
  return listening;
};
const [server, cachingServer] = [await serve({ HEATMAP_CACHE_CELLS: '0' }), await serve({})];
const [port, cachingPort] = [server, cachingServer].map((s) => (s.address() as AddressInfo).port);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-risk-'));
const places = await loadEventPlaces(knex);
try {
  const files = await ingestStep();
  await profileStep(files[0]);
  await assignmentStep();
  await heatmapStep();
} finally {
  rmSync(tmp, { recursive: true, force: true });
  server.close();
  cachingServer.close();
  await revokeApiToken(knex, token.id, EVERYWHERE);
  await db.close();
}

/** Generated events in NDJSON files of --batch events each. */
async function writeEventFiles(): Promise<string[]> {
  const files: string[] = [];
  let out: ReturnType<typeof createWriteStream> | null = null;
  let block = '';
  const flush = async () => { if (out && !out.write(block)) await once(out, 'drain'); block = ''; };
  const bar = progressBar(`generating ${fmt(EVENTS)} events`);
  let n = 0;
  for (const event of generateDemoEvents(places, { seed: SEED, count: EVENTS })) {
    if (n % BATCH === 0) {
      await flush();
      if (out) { out.end(); await once(out, 'finish'); }
      files.push(path.join(tmp, `events-${files.length}.ndjson`));
      out = createWriteStream(files.at(-1)!);
    }
    block += JSON.stringify(event) + '\n';
    if (block.length > 1 << 20) await flush();
    if (++n % 50_000 === 0) bar.update((100 * n) / EVENTS);
  }
  await flush();
  out!.end();
  await once(out!, 'finish');
  bar.done();
  return files;
}

/** Streams one NDJSON file to the bulk route; the answer's JSON. */
function postFile(file: string, onBytes: (n: number) => void): Promise<{ accepted: number; rows: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: `/api/events/bulk?format=ndjson&mode=all&source=${BENCH_SOURCE}`, headers: { ...AUTH, 'content-type': 'application/x-ndjson' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => (res.statusCode! < 300 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode}: ${body.slice(0, 500)}`))));
    });
    req.on('error', reject);
    createReadStream(file).on('data', (c) => onBytes(c.length)).pipe(req);
  });
}

async function ingestStep(): Promise<string[]> {
  const { rows: [held] } = await knex.raw(`select count(*)::int as batches, coalesce(sum(accepted), 0)::int as events from event_batches where source = ?`, [BENCH_SOURCE]);
  const [tGenerate, files] = await seconds(writeEventFiles);
  console.log(`\ngenerated ${fmt(EVENTS)} events in ${fmt(tGenerate, 1)} s (${fmt(EVENTS / tGenerate)}/s; not counted below)`);
  if (held.batches) {
    console.log(`\n## 1. Bulk ingest: skipped, the database already holds ${fmt(held.events)} bench events (use a fresh database to measure it)`);
    return files;
  }
  await knex.raw('truncate events, event_cells, event_status_history, event_batches restart identity cascade');
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const bar = progressBar(`ingesting over HTTP (${files.length} requests of ≤ ${fmt(BATCH)})`);
  let sent = 0;
  const [cpu0, busy0] = [nodeBusy(), machineBusy()];
  const [wall, accepted] = await seconds(async () => {
    let n = 0;
    for (const file of files) n += (await postFile(file, (b) => bar.update((100 * (sent += b)) / bytes))).accepted;
    return n;
  });
  const [cpuNode, cpuAll] = [nodeBusy() - cpu0, machineBusy() - busy0];
  bar.done();
  const rate = accepted / wall;
  console.log(`\n## 1. Bulk ingest over HTTP (NDJSON streamed to POST /api/events/bulk, mode=all, ${files.length} request(s) of ≤ ${fmt(BATCH)} events, ${fmt(bytes / 2 ** 20)} MiB)`);
  console.log('| figure | measured | target | measured / target |\n|---|---:|---:|---:|');
  console.log(`| events accepted | ${fmt(accepted)} | ${fmt(EVENTS)} | |`);
  console.log(`| wall time, s | ${fmt(wall, 1)} | | |`);
  console.log(`| events/s | ${fmt(rate)} | 50,000 | ${(rate / 50_000).toFixed(3)} |`);
  console.log(`| node CPU (server, parse + assign + SQL client), s | ${fmt(cpuNode, 1)} (${fmt((100 * cpuNode) / wall)} % of a core) | | |`);
  console.log(`| rest of the machine (PostgreSQL), CPU s | ${fmt(cpuAll - cpuNode, 1)} (${fmt((100 * (cpuAll - cpuNode)) / wall)} % of a core) | | |`);
  return files;
}

/** Each ingest stage on its own, on a sample of the first file: where the time goes. */
async function profileStep(file: string) {
  const sample = Math.min(PROFILE_SAMPLE, EVENTS, BATCH);
  const records: Record<string, unknown>[] = [];
  const [tParse] = await seconds(async () => {
    for await (const r of recordsFrom(createReadStream(file), 'ndjson')) {
      if ('record' in r) records.push(r.record);
      if (records.length === sample) break;
    }
  });
  const [tRead, rows] = await seconds(() => records.map((r) => (readEventRow(r, 'wgs84', BENCH_SOURCE) as { row: EventRow }).row));
  const index = await GridIndex.load(knex);
  const [tAssign, assigned] = await seconds(() => rows.map((r): AssignedEvent => ({ ...r, ...index.assign(r.lng, r.lat), externalId: `profile-${r.externalId}` })));
  const chunks = Array.from({ length: Math.ceil(assigned.length / INGEST_CHUNK) }, (_, i) => assigned.slice(i * INGEST_CHUNK, (i + 1) * INGEST_CHUNK));
  /** Wall and node CPU seconds of inserting every chunk and then rolling them up, in a transaction that is rolled back. */
  const inRolledBack = async (): Promise<[[number, number], [number, number]]> => {
    let timing: [[number, number], [number, number]] = [[0, 0], [0, 0]];
    await knex.transaction(async (trx) => {
      let cpu = nodeBusy();
      const ids: number[] = [];
      const [tInsert] = await seconds(async () => { for (const chunk of chunks) ids.push(...(await insertEvents(trx, null, chunk)).inserted.map((r) => r.id)); });
      const insert: [number, number] = [tInsert, nodeBusy() - cpu];
      cpu = nodeBusy();
      const [tRollUp] = await seconds(() => rollUp(trx, { ids }));
      timing = [insert, [tRollUp, nodeBusy() - cpu]];
      await trx.rollback();
    }).catch(() => {});
    return timing;
  };
  const insertRuns: [number, number][] = [];
  const rollupRuns: [number, number][] = [];
  for (let i = 0; i < RUNS; i++) {
    const [insert, rolled] = await inRolledBack();
    insertRuns.push(insert);
    rollupRuns.push(rolled);
  }
  const [tInsert, cpuInsert] = [median(insertRuns.map((r) => r[0])), median(insertRuns.map((r) => r[1]))];
  const [tRollups, cpuRollups] = [median(rollupRuns.map((r) => r[0])), median(rollupRuns.map((r) => r[1]))];
  const stages: [string, number, string][] = [
    ['read NDJSON lines + JSON.parse (recordsFrom)', tParse, ''],
    ['check and convert (readEventRow)', tRead, ''],
    ['assign to every layer + H3 (GridIndex.assign)', tAssign, ''],
    ['insert events + status history (insertEvents)', tInsert, `${fmt((100 * cpuInsert) / tInsert)} % in node`],
    ['rollups, set-based over all of them (rollUp)', tRollups, `${fmt((100 * cpuRollups) / tRollups)} % in node`],
  ];
  const total = stages.reduce((s, [, t]) => s + t, 0);
  console.log(`\n### Where the ingest's time goes (each stage alone on ${fmt(sample)} events; writes in ${INGEST_CHUNK}-event chunks, rolled back, medians of ${RUNS})`);
  console.log('| stage | µs/event | events/s alone | share | note |\n|---|---:|---:|---:|---|');
  for (const [name, t, note] of stages) console.log(`| ${name} | ${fmt((1e6 * t) / sample, 1)} | ${fmt(sample / t)} | ${fmt((100 * t) / total)} % | ${note} |`);
  console.log(`| all stages, one after another | ${fmt((1e6 * total) / sample, 1)} | ${fmt(sample / total)} | 100 % | |`);
}

/** Published grids of a kind, as the event index reads them. */
async function publishedGrids(kind: string): Promise<{ key: string; coords: MultiPolygonCoords }[]> {
  const { rows } = await knex.raw(`select g.code as key, ST_AsGeoJSON(g.geom, 9)::json->'coordinates' as coords from grids g join grid_plans p on p.id = g.plan_id
    where p.status = 'published' and g.kind in (?, 'dedicated') order by g.code`, [kind]);
  return rows;
}

async function assignmentStep() {
  const points = [...generateDemoEvents(places, { seed: SEED + 1, count: POINTS })].map((e) => [e.lng, e.lat] as [number, number]);
  const grids = await publishedGrids('comprehensive');
  const gridIndex = await GridIndex.load(knex);
  const comprehensive = new PolygonIndex(grids);
  const timeRuns = (f: () => unknown) => median(Array.from({ length: RUNS }, () => { const t = performance.now(); f(); return (performance.now() - t) / 1000; }));
  const located = points.map(([x, y]) => comprehensive.locate(x, y));
  const tAssign = timeRuns(() => { for (const [x, y] of points) gridIndex.assign(x, y); });
  const tLocate = timeRuns(() => { for (const [x, y] of points) comprehensive.locate(x, y); });

  const turfPoints = points.slice(0, Math.max(1, Math.round(points.length * TURF_SHARE)));
  const features = grids.map((g) => multiPolygon(g.coords, { code: g.key }));
  const [tTurf, turfCodes] = await seconds(() => turfPoints.map((p) => features.find((f) => booleanPointInPolygon(p, f))?.properties.code ?? null));
  const turfAgree = turfCodes.filter((c, i) => c === located[i]).length / turfPoints.length;

  await knex.raw('drop table if exists bench_points');
  await knex.raw('create unlogged table bench_points (id int primary key, geom geometry(Point, 4326))');
  for (let i = 0; i < points.length; i += 100_000) {
    await knex.raw(`insert into bench_points select i, ST_SetSRID(ST_MakePoint(x, y), 4326) from json_to_recordset(?::json) as p(i int, x float8, y float8)`,
      [JSON.stringify(points.slice(i, i + 100_000).map(([x, y], k) => ({ i: i + k, x, y })))]);
  }
  await knex.raw('create index on bench_points using gist (geom)');
  await knex.raw('analyze bench_points');
  const joinSql = `select p.id, g.code from bench_points p join grids g on ST_Contains(g.geom, p.geom) join grid_plans pl on pl.id = g.plan_id
    where pl.status = 'published' and g.kind in ('comprehensive', 'dedicated')`;
  const sqlRuns: number[] = [];
  let joined: { id: number; code: string }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [t, r] = await seconds(() => knex.raw(joinSql));
    sqlRuns.push(t);
    joined = r.rows;
  }
  await knex.raw('drop table bench_points');
  const sqlAgree = joined.filter((r) => located[r.id] === r.code).length / points.length;

  console.log(`\n## 2. In-process assignment (${fmt(points.length)} points drawn like the events; ${grids.length} comprehensive grids; medians of ${RUNS} runs)`);
  console.log('| method | points | s | points/s | PolygonIndex is × faster | same grid as PolygonIndex |\n|---|---:|---:|---:|---:|---:|');
  const row = (name: string, n: number, t: number, agree: string) =>
    console.log(`| ${name} | ${fmt(n)} | ${fmt(t, 3)} | ${fmt(n / t)} | ${fmt(n / t > 0 ? (points.length / tLocate) / (n / t) : 0, 1)} | ${agree} |`);
  row('PolygonIndex.locate, comprehensive grids (lattice, then flatbush + point-in-polygon-hao)', points.length, tLocate, '100 %');
  row('GridIndex.assign: 8 layers + H3 res 12 cell (what the ingest does)', points.length, tAssign, '');
  row(`turf booleanPointInPolygon loop over all grids (${fmt(100 * TURF_SHARE)} % of the points)`, turfPoints.length, tTurf, `${fmt(100 * turfAgree, 2)} %`);
  row('PostGIS ST_Contains join, points table (gist) × grids, query only', points.length, median(sqlRuns), `${fmt(100 * sqlAgree, 2)} %`);
  console.log(`target: ≥ 1,000,000 points/s in process → PolygonIndex ${(points.length / tLocate / 1e6).toFixed(2)}×, GridIndex.assign ${(points.length / tAssign / 1e6).toFixed(2)}× of it`);
}

async function heatmapStep() {
  const { rows: sample } = await knex.raw(`select to_hex(h3) as h3, ${[6, 8, 10].map((r) => `to_hex(${h3ParentSql('h3', String(r))}) as p${r}`).join(', ')} from events where h3 is not null order by id limit 1000`);
  const parentsMatch = sample.filter((s: Record<string, string>) => [6, 8, 10].every((r) => s[`p${r}`] === cellToParent(s.h3, r))).length;
  console.log(`\n## 3. Heatmap latency\nSQL parent of events.h3 (bit arithmetic) = h3-js cellToParent on ${parentsMatch} of ${sample.length} sampled cells at res 6, 8 and 10 (stored res ${sample.length ? getResolution(sample[0].h3) : '–'})`);
  const extent = async (level: string, code?: string) => {
    const { rows: [b] } = await knex.raw(`select ST_XMin(e) as x1, ST_YMin(e) as y1, ST_XMax(e) as x2, ST_YMax(e) as y2 from (select ST_Extent(geom) as e from admin_areas where level = ? ${code ? 'and code = ?' : ''}) s`, code ? [level, code] : [level]);
    return { minLng: b.x1, minLat: b.y1, maxLng: b.x2, maxLat: b.y2 };
  };
  const endDay = DEMO_EVENT_PERIOD.end;
  const fromDay = new Date(Date.parse(endDay) - DEMO_EVENT_PERIOD.days * DAY_MS).toISOString().slice(0, 10);
  const { rows: [{ n: windowEvents }] } = await knex.raw(`select count(*)::int as n from events where occurred_at >= ?::date::timestamp at time zone 'Asia/Shanghai' and occurred_at < ?::date::timestamp at time zone 'Asia/Shanghai'`, [fromDay, endDay]);
  const street = await extent('street', '320113003000');
  // 100 days do not start on a month: their first days come from day rows (res 8) or the events (res 10)
  const hundredDaysFrom = new Date(Date.parse(endDay) - 100 * DAY_MS).toISOString().slice(0, 10);
  const cases = [
    { label: 'city-wide (district bbox), a year, res 8', bbox: await extent('district'), res: 8, from: fromDay },
    { label: 'one street (迈皋桥 bbox), a year, res 10', bbox: street, res: 10, from: fromDay },
    { label: `city-wide, 100 days (from ${hundredDaysFrom}), res 8`, bbox: await extent('district'), res: 8, from: hundredDaysFrom },
    { label: `one street, 100 days (from ${hundredDaysFrom}), res 10`, bbox: street, res: 10, from: hundredDaysFrom },
  ];
  console.log(`${fmt(windowEvents)} events in the window ${fromDay} … ${endDay} (exclusive); ${REQUESTS} requests per API row after ${WARM_UP} warm-ups, ${ON_THE_FLY_RUNS} runs on the fly`);
  console.log('| query | metric | cells | API p50, ms | API p95, ms | cached p50, ms | cached p95, ms | on the fly p50, ms | on the fly p95, ms | API × faster (p50) | cached × faster (p50) | same counts |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const c of cases) {
    const bbox = [c.bbox.minLng, c.bbox.minLat, c.bbox.maxLng, c.bbox.maxLat].join(',');
    const fly = await onTheFly(c.bbox, c.res, c.from, endDay);
    for (const metric of ['count', 'risk', 'hotspot']) {
      const query = `/api/heatmap?bbox=${bbox}&from=${c.from}&to=${endDay}&res=${c.res}&metric=${metric}`;
      const [api, cached] = [await latencies(port, query), await latencies(cachingPort, query)];
      const faster = (t: { p50: number }) => fmt(fly.p50 / t.p50, 2);
      const baseline = metric === 'count'
        ? `${fmt(fly.p50)} | ${fmt(fly.p95)} | ${faster(api)} | ${faster(cached)} | ${[api, cached].map((t) => sameCounts(t.answer, fly.counts)).join(', ')}`
        : '| | | | |';
      console.log(`| ${c.label} | ${metric} | ${fmt(api.answer.cells.length)} | ${fmt(api.p50, 1)} | ${fmt(api.p95, 1)} | ${fmt(cached.p50, 1)} | ${fmt(cached.p95, 1)} | ${baseline} |`);
    }
  }
  console.log('targets: city-wide p95 ≤ 100 ms with 10 M events; ≥ 20× faster than on the fly');
}

/** Latency of --requests GETs of a heatmap after WARM_UP more, and the last answer. */
async function latencies(port: number, query: string) {
  const get = async () => {
    const r = await fetch(`http://127.0.0.1:${port}${query}`, { headers: AUTH });
    if (!r.ok) throw new Error(`${r.status}: ${await r.text()}`);
    return r.json() as Promise<{ cells: string[]; counts: number[] }>;
  };
  for (let i = 0; i < WARM_UP; i++) await get();
  const times: number[] = [];
  let answer = { cells: [] as string[], counts: [] as number[] };
  for (let i = 0; i < REQUESTS; i++) {
    const [t, a] = await seconds(get);
    times.push(1000 * t);
    answer = a;
  }
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), answer };
}

/** The count heatmap grouped from the raw events: parent cell of events.h3, cells overlapping the bbox. */
async function onTheFly(bbox: { minLng: number; minLat: number; maxLng: number; maxLat: number }, res: number, from: string, to: string) {
  const overlaps = bboxOverlap(bbox, res);
  const margin = 0.02; // degrees: more than a res-8 cell, so every event of a cell overlapping the bbox is read
  const sql = `select to_hex(${h3ParentSql('h3', String(res))}) as cell, count(*)::int as n from events
    where occurred_at >= ?::date::timestamp at time zone 'Asia/Shanghai' and occurred_at < ?::date::timestamp at time zone 'Asia/Shanghai'
      and geom && ST_MakeEnvelope(?, ?, ?, ?, 4326) and h3 is not null group by 1`;
  const times: number[] = [];
  let counts = new Map<string, number>();
  for (let i = 0; i < ON_THE_FLY_RUNS; i++) {
    const [t, r] = await seconds(() => knex.raw(sql, [from, to, bbox.minLng - margin, bbox.minLat - margin, bbox.maxLng + margin, bbox.maxLat + margin]));
    times.push(1000 * t);
    counts = new Map((r.rows as { cell: string; n: number }[]).filter((row) => overlaps(row.cell)).map((row) => [row.cell, row.n]));
  }
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), counts };
}

function sameCounts(answer: { cells: string[]; counts: number[] }, counts: Map<string, number>): string {
  const differing = answer.cells.filter((c, i) => counts.get(c) !== answer.counts[i]).length + [...counts.keys()].filter((c) => !answer.cells.includes(c)).length;
  return differing ? `no: ${differing} cells differ` : 'yes';
}

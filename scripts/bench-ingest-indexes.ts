/**
 * What the events-by-area indexes of migration 013 (district, street and community code with
 * occurred_at) cost the ingest, measured in one process, alternating with and without them:
 * 1. bench:risk's ingest path: --events generated demo events streamed as one NDJSON request to
 *    POST /api/events/bulk of the real app (in process), into emptied event tables, --runs times
 *    each variant in the order with, without, without, with, …; "without" drops the three indexes
 *    (the migration's own `down`) and they are made again (its `up`) before the next "with" run
 *    and at the end;
 * 2. insertEvents alone (events + first history row, no rollups) on --sample of the events, in a
 *    transaction that is rolled back; "without" drops the indexes inside that transaction.
 *
 *   DATABASE_URL=postgres://…/scratch npx tsx scripts/bench-ingest-indexes.ts [--events 200000] [--runs 3] [--sample 20000]
 *
 * Use a scratch database: it empties events, rollups and batches (it refuses a database holding
 * events of other sources than the demo's and the benches'), and seeds the Qixia demo into an
 * empty one. Requests carry an admin API token made for the run and revoked at its end.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app';
import { EVERYWHERE } from '../server/auth/scope';
import { createApiToken, revokeApiToken } from '../server/auth/tokens.repo';
import { progressBar } from '../server/cli/progress';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/knex';
import { down as dropAreaIndexes, up as createAreaIndexes } from '../server/db/migrations/013_events_by_area';
import { loadEventPlaces } from '../server/demo/event-places';
import { generateDemoEvents } from '../server/demo/events';
import { DEMO_EVENT_SOURCE, isEmpty, seedDemo } from '../server/demo/seed';
import { readEventRow, type EventRow } from '../server/events/event-row';
import { insertEvents, type AssignedEvent } from '../server/events/events.repo';
import { GridIndex } from '../server/events/grid-index';
import { JobRegistry } from '../server/jobs/job-registry';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    sample: { type: 'string', default: '20000' },
  },
});
const [EVENTS, RUNS, SAMPLE] = [values.events, values.runs, values.sample].map(Number);
if (![EVENTS, RUNS, SAMPLE].every((n) => Number.isSafeInteger(n) && n > 0)) {
  console.error('error: --events, --runs and --sample take whole numbers > 0');
  process.exit(1);
}
if (!process.env.DATABASE_URL) {
  console.error('error: set DATABASE_URL to a scratch PostgreSQL + PostGIS database of your own');
  process.exit(1);
}

/** Thrown to roll a measuring transaction back. */
class Rollback extends Error {}

const SOURCE = 'bench-indexes';
const SEED = 4242; // bench:risk's events
const INGEST_CHUNK = 5000;
const AREA_INDEXES = ['events_district_time', 'events_street_time', 'events_community_time'];
const VARIANTS = ['with 013 indexes', 'without them'] as const;
type Variant = (typeof VARIANTS)[number];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
const machineBusy = () => {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100;
};

const db = await openDb({ url: process.env.DATABASE_URL });
const { knex } = db;
// a batch's source is the one it was sent under (?source=); a single event's is its own
const { rows: others } = await knex.raw(`select distinct coalesce(b.source, e.source) as source from events e left join event_batches b on b.id = e.batch_id
  where coalesce(b.source, e.source) <> all(?)`, [[DEMO_EVENT_SOURCE, 'bench', SOURCE]]);
if (others.length) {
  console.error(`error: this bench empties the events; the database holds events of ${others.map((r: { source: string }) => r.source).join(', ')}: use a scratch database`);
  process.exit(1);
}
const { rows: [pg] } = await knex.raw(`select current_setting('server_version') as version, postgis_lib_version() as postgis`);
console.log(`database: PostgreSQL ${pg.version}, PostGIS ${pg.postgis}; ${os.cpus().length} cores, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (await isEmpty(db)) {
  const bar = progressBar('seeding Qixia demo');
  await seedDemo(db, (pct, stage) => bar.update(pct, stage));
  bar.done();
}
const present = async () => {
  const { rows: [r] } = await knex.raw(`select count(*)::int as n from pg_indexes where tablename = 'events' and indexname = any(?)`, [AREA_INDEXES]);
  return r.n as number;
};
if (!(await present())) await createAreaIndexes(knex);
else if ((await present()) !== AREA_INDEXES.length) throw new Error(`some of ${AREA_INDEXES.join(', ')} are missing: migrate the database`);

const token = await createApiToken(knex, { name: `bench-ingest-indexes ${new Date().toISOString()}`, role: 'admin', areaCode: null });
const AUTH = { authorization: `Bearer ${token.secret}` };
const app = buildApp({ db, config: loadConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '0' }), jobs: new JobRegistry() });
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-indexes-'));
const file = path.join(tmp, 'events.ndjson');

try {
  const places = await loadEventPlaces(knex);
  const out = createWriteStream(file);
  let block = '';
  for (const event of generateDemoEvents(places, { seed: SEED, count: EVENTS })) {
    block += JSON.stringify(event) + '\n';
    if (block.length > 1 << 20) { if (!out.write(block)) await once(out, 'drain'); block = ''; }
  }
  out.end(block);
  await once(out, 'finish');
  console.log(`generated ${fmt(EVENTS)} events (${fmt(statSync(file).size / 2 ** 20)} MiB)`);

  // -- 1. the whole ingest over HTTP ----------------------------------------------------------
  const ingest: Record<Variant, { rate: number; wall: number; elsewhere: number }[]> = { 'with 013 indexes': [], 'without them': [] };
  const order: Variant[] = Array.from({ length: RUNS }, (_, i) => (i % 2 === 0 ? [...VARIANTS] : [...VARIANTS].reverse())).flat();
  for (const [i, variant] of order.entries()) {
    await knex.raw('truncate events, event_cells, event_status_history, event_batches restart identity cascade');
    if (variant === 'without them' && (await present())) await dropAreaIndexes(knex);
    if (variant === 'with 013 indexes' && !(await present())) await createAreaIndexes(knex);
    await knex.raw('checkpoint').catch(() => {}); // each run starts with no dirty buffers of the one before (superuser only)
    const [busy0, cpu0, t0] = [machineBusy(), process.cpuUsage(), performance.now()];
    const accepted = await postFile();
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (accepted !== EVENTS) throw new Error(`${accepted} of ${EVENTS} events accepted`);
    const elsewhere = (machineBusy() - busy0 - (cpu.user + cpu.system) / 1e6) / wall;
    ingest[variant].push({ rate: accepted / wall, wall, elsewhere });
    console.log(`run ${i + 1}/${order.length}, ${variant}: ${fmt(accepted / wall)} events/s (${fmt(wall, 1)} s; cores busy outside node: ${elsewhere.toFixed(2)}, PostgreSQL and everything else)`);
  }

  // -- 2. insertEvents alone, rolled back ------------------------------------------------------
  if (!(await present())) await createAreaIndexes(knex);
  await knex.raw('analyze events');
  const rows: EventRow[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n', SAMPLE)) rows.push((readEventRow(JSON.parse(line), 'wgs84', SOURCE) as { row: EventRow }).row);
  const index = await GridIndex.load(knex);
  const assigned = rows.map((r): AssignedEvent => ({ ...r, ...index.assign(r.lng, r.lat), externalId: `sample-${r.externalId}` }));
  const chunks = Array.from({ length: Math.ceil(assigned.length / INGEST_CHUNK) }, (_, i) => assigned.slice(i * INGEST_CHUNK, (i + 1) * INGEST_CHUNK));
  const { rows: [{ n: held }] } = await knex.raw(`select count(*)::int as n from events`);
  const insert: Record<Variant, number[]> = { 'with 013 indexes': [], 'without them': [] };
  for (const variant of order) {
    let seconds = 0;
    await knex.transaction(async (trx) => {
      if (variant === 'without them') await dropAreaIndexes(trx);
      const t = performance.now();
      for (const chunk of chunks) await insertEvents(trx, null, chunk);
      seconds = (performance.now() - t) / 1000;
      throw new Rollback();
    }).catch((e) => { if (!(e instanceof Rollback)) throw e; });
    insert[variant].push(assigned.length / seconds);
  }
  if ((await present()) !== AREA_INDEXES.length) throw new Error('the rolled-back drop left the indexes missing');

  const med = (v: Variant) => median(ingest[v].map((r) => r.rate));
  console.log(`\n## Ingest with and without migration 013's indexes (${AREA_INDEXES.join(', ')})`);
  console.log(`Whole ingest: ${fmt(EVENTS)} events, one NDJSON request to POST /api/events/bulk (mode=all; chunks of ${INGEST_CHUNK}, rollups included) into emptied tables, `
    + `runs alternating ${order.map((v) => (v === VARIANTS[0] ? 'A' : 'B')).join('')}. insertEvents alone: ${fmt(assigned.length)} events in a rolled-back transaction, into the table holding ${fmt(held)}.`);
  console.log(`| variant | whole ingest, events/s per run | median events/s | cores busy outside node (median) | insertEvents alone, events/s per run | median |\n|---|---|---:|---:|---|---:|`);
  for (const v of VARIANTS) {
    console.log(`| ${v} | ${ingest[v].map((r) => fmt(r.rate)).join(', ')} | ${fmt(med(v))} | ${median(ingest[v].map((r) => r.elsewhere)).toFixed(2)} | ${insert[v].map((r) => fmt(r)).join(', ')} | ${fmt(median(insert[v]))} |`);
  }
  const [a, b] = [med(VARIANTS[0]), med(VARIANTS[1])];
  const [ia, ib] = [median(insert[VARIANTS[0]]), median(insert[VARIANTS[1]])];
  console.log(`| with / without | | ${(a / b).toFixed(3)} (${fmt(100 * (a / b - 1), 1)} %) | | | ${(ia / ib).toFixed(3)} (${fmt(100 * (ia / ib - 1), 1)} %) |`);
  console.log(`per event, the indexes cost ${fmt(1e6 / a - 1e6 / b, 1)} µs of the whole ingest's wall time and ${fmt(1e6 / ia - 1e6 / ib, 1)} µs of insertEvents'`);
} finally {
  if ((await present()) !== AREA_INDEXES.length) {
    await dropAreaIndexes(knex);
    await createAreaIndexes(knex);
  }
  rmSync(tmp, { recursive: true, force: true });
  server.close();
  await revokeApiToken(knex, token.id, EVERYWHERE);
  await db.close();
}

/** Streams the NDJSON file to the bulk route; the events accepted. */
function postFile(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: `/api/events/bulk?format=ndjson&mode=all&source=${SOURCE}`, headers: { ...AUTH, 'content-type': 'application/x-ndjson' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => (res.statusCode! < 300 ? resolve(JSON.parse(body).accepted) : reject(new Error(`${res.statusCode}: ${body.slice(0, 500)}`))));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

/**
 * Crash test a: the server SIGKILLed in the middle of a bulk ingest (POST /api/events/bulk),
 * started again on the same database; the killed batch left nothing or all of itself, the
 * rollups, batch counts and status histories still agree with the events, and sending the same
 * batch again ingests it whole with no duplicates.
 */
import http from 'node:http';
import { loadEventPlaces } from '../../server/demo/event-places';
import { generateDemoEvents } from '../../server/demo/events';
import { batchMismatches, historyMismatches, rollupMismatches } from './invariants';
import { api, openTransactions, seconds, startCrashServer, waitFor, type CrashRun } from './support';

/** The generated events' seed (not the demo's: these are other events). */
const EVENTS_SEED = 6006;
/** Share of the batch's bytes sent before the kill may come (the server has read most of it by then). */
const KILL_AFTER_SHARE = 0.4;

interface Sending { sent: number; total: number; done: Promise<{ status: number; body: string } | { error: string }> }

/** The batch as NDJSON blocks of about 1 MiB: generated demo events, with the batch's source. */
async function batchBlocks(run: CrashRun, count: number, source: string): Promise<Buffer[]> {
  const places = await loadEventPlaces(run.knex);
  const blocks: Buffer[] = [];
  let block = '';
  for (const event of generateDemoEvents(places, { seed: EVENTS_SEED, count })) {
    block += JSON.stringify({ ...event, source }) + '\n';
    if (block.length >= 1 << 20) { blocks.push(Buffer.from(block)); block = ''; }
  }
  if (block) blocks.push(Buffer.from(block));
  return blocks;
}

/** Streams the blocks as one chunked request body, as fast as the server reads it. */
function sendBatch(run: CrashRun, blocks: Buffer[], source: string): Sending {
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const sending: Sending = { sent: 0, total, done: Promise.resolve({ error: '' }) };
  sending.done = new Promise((resolve) => {
    const req = http.request(`${run.server.baseUrl}/api/events/bulk?format=ndjson&source=${encodeURIComponent(source)}`, {
      method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${run.token}` },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
    void (async () => {
      for (const block of blocks) {
        if (req.destroyed) return;
        const more = req.write(block);
        sending.sent += block.length;
        if (!more) {
          await new Promise<void>((resolve) => {
            const go = () => { req.off('drain', go); req.off('close', go); resolve(); };
            req.on('drain', go).on('close', go);
          });
        }
      }
      req.end();
    })();
  });
  return sending;
}

const eventsOf = async (run: CrashRun, source: string) =>
  Number((await run.knex.raw('select count(*) as n from events where source = ?', [source])).rows[0].n);
const batchOf = async (run: CrashRun, source: string) =>
  (await run.knex.raw('select id, rows, accepted, duplicates, rejected from event_batches where source = ?', [source])).rows as
    { id: number; rows: number; accepted: number; duplicates: number; rejected: number }[];
const eventIdsDrawn = async (run: CrashRun) =>
  Number((await run.knex.raw(`select last_value from events_id_seq`)).rows[0].last_value);

/** The rollups, batch counts and histories agree with the events; `when` names the moment. */
async function checkInvariants(run: CrashRun, when: string) {
  const { checks } = run;
  const t0 = performance.now();
  const rollups = await rollupMismatches(run.knex);
  checks.check(`${when}: event_cells rollups equal the sums recomputed from the events (${rollups.keys.toLocaleString('en')} keys over ${rollups.events.toLocaleString('en')} events, ${seconds(performance.now() - t0)})`,
    rollups.mismatched === 0, `${rollups.mismatched} keys differ, e.g. ${JSON.stringify(rollups.sample)}`);
  const batches = await batchMismatches(run.knex);
  checks.check(`${when}: every batch's counts match its events (${batches.batches} batches: rows = accepted + duplicates + rejected, accepted = its events)`,
    batches.mismatched === 0, `${batches.mismatched} batches disagree: ${JSON.stringify(batches.sample)}`);
  const history = await historyMismatches(run.knex);
  checks.check(`${when}: status history holds exactly one first row per event (${history.events.toLocaleString('en')} events), none of a missing event`,
    history.mismatched === 0 && history.orphans === 0, `${history.mismatched} events without exactly one first row, ${history.orphans} rows of missing events`);
}

export async function bulkIngestCrash(run: CrashRun, count: number): Promise<void> {
  const { checks } = run;
  const source = `crash-bulk-${Date.now().toString(36)}`;
  const t0 = performance.now();
  const blocks = await batchBlocks(run, count, source);
  const mib = blocks.reduce((n, b) => n + b.length, 0) / 2 ** 20;
  console.log(`    batch: ${count.toLocaleString('en')} events, ${mib.toFixed(1)} MiB of NDJSON (generated in ${seconds(performance.now() - t0)}), source ${source}`);

  // send, and kill the server once it has read a good part and is writing it in its transaction
  const idsBefore = await eventIdsDrawn(run);
  const tSend = performance.now();
  const sending = sendBatch(run, blocks, source);
  const inserting = await waitFor('the server to be inserting the batch with 40 % of it sent', async () => {
    if (sending.sent < KILL_AFTER_SHARE * sending.total) return undefined;
    const open = await openTransactions(run);
    return open.find((t) => /into events/i.test(t.query));
  }, 300_000, 200).catch((e: Error) => e);
  if (inserting instanceof Error) {
    checks.fail('bulk ingest: the server was killed while writing the batch', inserting);
    await sending.done;
    return;
  }
  const drawn = (await eventIdsDrawn(run)) - idsBefore;
  const sentShare = sending.sent / sending.total;
  await run.server.kill('SIGKILL');
  const tKill = performance.now();
  const answer = await sending.done;
  checks.check(`bulk ingest: SIGKILL after ${seconds(tKill - tSend)}, ${(100 * sentShare).toFixed(0)} % of the body sent, with the server inside its transaction (${drawn.toLocaleString('en')} of ${count.toLocaleString('en')} event ids drawn, ${inserting.state})`,
    drawn > 0 && drawn < count && 'error' in answer, `ids drawn ${drawn}, the client's answer ${JSON.stringify(answer).slice(0, 200)}`);

  // PostgreSQL ends the dead server's session and rolls its transaction back
  const ended = await waitFor('the killed server\'s transaction to end', async () => ((await openTransactions(run)).length === 0 ? true : undefined), 60_000, 200)
    .then(() => true, () => false);
  checks.check(`bulk ingest: PostgreSQL ended the killed server's open transaction (${seconds(performance.now() - tKill)})`, ended,
    JSON.stringify(await openTransactions(run)));

  const tStart = performance.now();
  run.server = await startCrashServer(run.dbUrl);
  checks.check(`bulk ingest: the server starts again on the same database (${seconds(performance.now() - tStart)})`, run.server.running());

  const kept = await eventsOf(run, source);
  const batch = await batchOf(run, source);
  const whole = batch.length === 1 && batch[0].accepted === kept && batch[0].rows === count && batch[0].rejected === 0;
  checks.check(`bulk ingest: the killed batch left nothing (no batch row, no events) or all of itself — ${batch.length} batch rows, ${kept.toLocaleString('en')} events of its source`,
    (batch.length === 0 && kept === 0) || whole, `batch rows ${JSON.stringify(batch)}, events ${kept}`);
  await checkInvariants(run, 'after the kill');

  // the same batch again, on the restarted server
  const tResend = performance.now();
  const again = await sendBatch(run, blocks, source).done;
  const result = 'status' in again ? (() => { try { return JSON.parse(again.body); } catch { return again.body; } })() : again;
  const stored = await eventsOf(run, source);
  checks.check(`bulk ingest: the same batch sent again is ingested whole, no duplicates (${seconds(performance.now() - tResend)}: ${'status' in again ? again.status : 'no answer'}, accepted ${result?.accepted?.toLocaleString?.('en')}, duplicates ${result?.duplicates}, ${stored.toLocaleString('en')} events of its source)`,
    'status' in again && again.status === 201 && result.accepted + result.duplicates === count && result.duplicates === kept && stored === count,
    JSON.stringify(result).slice(0, 300));
  await checkInvariants(run, 'after sending again');
  const health = await api(run, '/api/health');
  checks.check('bulk ingest: the restarted server answers /api/health', health.status === 200, JSON.stringify(health.body));
}

/**
 * The crash tests (issue 6): `npm run test:crash`, on PostgreSQL + PostGIS (DATABASE_URL).
 * Makes a fresh database on that server with the Qixia demo seeded, starts `tsx server/main.ts`
 * on it as a child process, and
 *   a. SIGKILLs it in the middle of a bulk ingest, starts it again, checks the events, rollups,
 *      batches and histories, and sends the batch again;
 *   b. SIGKILLs it while a partition job writes its plan, starts it again, checks the job is
 *      failed (interrupted) and nothing of the plan was kept;
 *   c. restarts PostgreSQL itself under steady traffic (last: it is the shared server; only when
 *      DATABASE_URL is on this machine) and checks the service rides it out.
 * Prints a check list; exits non-zero if any check failed. The database is dropped at the end.
 *
 *   DATABASE_URL=postgres://…/any npm run test:crash -- [--events 200000] [--only bulk,partition,postgres]
 */
import { parseArgs } from 'node:util';
import { Checks } from '../e2e/support/checks';
import { bulkIngestCrash } from './bulk-ingest';
import { partitionCrash } from './partition';
import { isLocalDatabase, postgresRestart } from './postgres-restart';
import { checkerKnex, createRunDatabase, saveServerLogs, seconds, startCrashServer, type CrashRun } from './support';

const STEPS = ['bulk', 'partition', 'postgres'] as const;
const { values: flags } = parseArgs({ options: { events: { type: 'string', default: '200000' }, only: { type: 'string', default: STEPS.join(',') } } });
const eventCount = Number(flags.events);
const only = new Set(flags.only.split(','));
if (!Number.isSafeInteger(eventCount) || eventCount < 10_000 || [...only].some((s) => !(STEPS as readonly string[]).includes(s))) {
  console.error(`error: --events must be a whole number ≥ 10000 (got '${flags.events}'), --only a list of ${STEPS.join(', ')} (got '${flags.only}')`);
  process.exit(1);
}
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error('error: the crash tests kill the server and restart PostgreSQL: set DATABASE_URL to a PostgreSQL + PostGIS server\n'
    + '  (a fresh database is made on it for the run and dropped after; e.g. postgres://postgres:postgres@127.0.0.1:5432/gridatlas_ci)');
  process.exit(1);
}

const checks = new Checks();
const tRun = performance.now();
const timings: string[] = [];
const made = await createRunDatabase(adminUrl);
console.log(`database: ${made.dbName} (made for this run, dropped after)`);
timings.push(`seed ${seconds(performance.now() - tRun)}`);
const knex = checkerKnex(made.dbUrl);
let run: CrashRun | undefined;
const stopAll = async () => {
  await run?.server.stop().catch(() => undefined);
  await knex.destroy().catch(() => undefined);
  await made.drop().catch((e: Error) => console.error(`could not drop ${made.dbName}: ${e.message}`));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().finally(() => process.exit(130)));

/** Runs one step, a thrown error being a failed check; notes its time. */
async function step(name: string, title: string, fn: () => Promise<void>) {
  if (!only.has(name)) return;
  console.log(`\n${title}`);
  const t0 = performance.now();
  try {
    await fn();
  } catch (e) {
    checks.fail(`${name}: ran to its end`, e);
  }
  if (run && !run.server.running()) run.server = await startCrashServer(made.dbUrl); // for the next step
  timings.push(`${name} ${seconds(performance.now() - t0)}`);
}

try {
  run = { adminUrl, dbName: made.dbName, dbUrl: made.dbUrl, knex, token: made.token, checks, server: await startCrashServer(made.dbUrl) };
  const r = run;
  await step('bulk', `a. SIGKILL during a bulk ingest of ${eventCount.toLocaleString('en')} events`, () => bulkIngestCrash(r, eventCount));
  await step('partition', 'b. SIGKILL while a partition job writes its plan', () => partitionCrash(r));
  if (only.has('postgres') && !isLocalDatabase(adminUrl)) {
    console.log(`\nc. PostgreSQL restart: skipped — DATABASE_URL names ${new URL(adminUrl).hostname}, not this machine; the test restarts PostgreSQL and runs only against a local one`);
  } else {
    // last: it restarts the PostgreSQL every other database on this machine lives in
    await step('postgres', 'c. PostgreSQL restarted under traffic (pg_ctlcluster stop, 3 s down, start)', () => postgresRestart(r));
  }
} catch (e) {
  checks.fail('the server under test starts', e);
} finally {
  await stopAll();
}
console.log(`\n${checks.summary('crash')} in ${seconds(performance.now() - tRun)} (${timings.join(', ')}); the servers' output: ${saveServerLogs()}/`);
process.exitCode = checks.failed === 0 ? 0 : 1;

import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { progressBar } from './cli/progress';
import { loadConfig } from './config';
import { openDb } from './db/knex';
import { isEmpty, seedDemo } from './demo/seed';
import { describeDemoUsers } from './demo/demo-users';
import { JobRegistry } from './jobs/job-registry';

const config = loadConfig();
const db = await openDb({ url: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite'), statementTimeoutMs: config.STATEMENT_TIMEOUT_MS });
console.log(`database: ${db.backend}${db.backend === 'embedded' ? ` (${path.resolve(config.DATA_DIR, 'pglite')})` : ''}`);

if (config.SEED_DEMO && (await isEmpty(db))) {
  const bar = progressBar('seeding Qixia demo');
  const t0 = Date.now();
  const seeded = await seedDemo(db, (pct, stage) => bar.update(pct, stage));
  bar.done(`in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(describeDemoUsers(seeded.users).join('\n'));
}

// jobs a killed process left running are marked failed (interrupted): their writes were rolled back
const jobs = await JobRegistry.open(db.knex, {
  onInterrupted: (ids) => console.log(`jobs: ${ids.length} left running by a stopped server marked failed (interrupted): ${ids.join(', ')}`),
});

const server = buildApp({ db, config, jobs }).listen(config.PORT, config.HOST, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`gridatlas listening on http://${config.HOST}:${port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing`);
  server.close();
  server.closeAllConnections();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

/**
 * Seeds the Qixia demo into the configured database (DATABASE_URL, else the embedded one in
 * $DATA_DIR/pglite) — what the first `npm start` does. Refuses a database that holds areas.
 *
 *   npm run seed
 */
import path from 'node:path';
import { progressBar } from '../server/cli/progress';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/knex';
import { isEmpty, seedDemo } from '../server/demo/seed';
import { describeDemoUsers } from '../server/demo/demo-users';

const config = loadConfig();
const db = await openDb({ url: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
try {
  if (!(await isEmpty(db))) {
    console.error('error: the database already holds administrative areas; seed an empty one');
    process.exitCode = 1;
  } else {
    const bar = progressBar('seeding Qixia demo');
    const t0 = Date.now();
    const result = await seedDemo(db, (pct, stage) => bar.update(pct, stage));
    bar.done(`in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const r of result.imports) console.log(JSON.stringify(r));
    const { planId, grids, households, inRangeShare, seconds } = result.comprehensive;
    console.log(JSON.stringify({ comprehensivePlan: { planId, grids, households, inRangeShare, seconds }, policePlanId: result.policePlanId }));
    console.log(describeDemoUsers(result.users).join('\n'));
  }
} finally {
  await db.close();
}

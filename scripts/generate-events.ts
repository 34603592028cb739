/**
 * Writes generated demo events as NDJSON, one event per line, in time order, ready for
 * `POST /api/events/bulk?format=ndjson`:
 *
 *   npm run demo:events -- [--count 94200] [--seed 20211] [--out demo-events.ndjson]
 *
 * Events are placed over the address points and hazard sources of the demo in the configured
 * database (DATABASE_URL, else the embedded one in $DATA_DIR/pglite): seed it first
 * (`npm run seed`). The default count is a year's volume for the district; any count streams.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../server/cli/progress';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/knex';
import { EVENTS_PER_YEAR } from '../server/demo/event-mix';
import { loadEventPlaces } from '../server/demo/event-places';
import { generateDemoEvents } from '../server/demo/events';
import { DEMO_SEED } from '../server/demo/seed';

/** Lines are written in blocks of this many characters. */
const BLOCK = 1 << 20;

const { values: flags } = parseArgs({ options: { count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string', default: 'demo-events.ndjson' } } });
const count = flags.count === undefined ? EVENTS_PER_YEAR : Number(flags.count);
const seed = flags.seed === undefined ? DEMO_SEED : Number(flags.seed);
if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(seed)) {
  console.error(`error: --count must be a whole number ≥ 0 and --seed an integer, got '${flags.count}', '${flags.seed}'`);
  process.exit(1);
}

const config = loadConfig();
const db = await openDb({ url: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
const places = await loadEventPlaces(db.knex).finally(() => db.close());
if (!places.homes.length) {
  console.error('error: the database holds no address points; seed the demo first (npm run seed)');
  process.exit(1);
}

const out = createWriteStream(flags.out);
const bar = progressBar(`writing ${count.toLocaleString('en')} events`);
const t0 = performance.now();
let block = '';
let written = 0;
for (const event of generateDemoEvents(places, { seed, count })) {
  block += JSON.stringify(event) + '\n';
  if (++written % 10_000 === 0) bar.update((100 * written) / count);
  if (block.length >= BLOCK) {
    if (!out.write(block)) await once(out, 'drain');
    block = '';
  }
}
out.end(block);
await once(out, 'finish');
bar.done(`in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${flags.out}: ${written} events (seed ${seed}, ${places.homes.length} address points, ${places.hazards.length} hazard sources)`);

/**
 * Writes the generated part of the Qixia demo as GeoJSON files (WGS84), for inspection or for
 * loading elsewhere with `npm run import`:
 *
 *   npm run demo:generate -- [--seed 20211] [--out demo-out]
 *
 * → <out>/areas.geojson, barriers.geojson, address_points.geojson, police_grids.geojson,
 *   hazards.geojson, response_points.geojson
 * The geometry work runs in a throw-away embedded PostGIS; nothing is stored.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../server/cli/progress';
import { openDb } from '../server/db/knex';
import { generateQixiaDemo } from '../server/demo/generate';
import { DEMO_SEED } from '../server/demo/seed';

const { values: flags } = parseArgs({ options: { seed: { type: 'string' }, out: { type: 'string' } } });
const seed = flags.seed === undefined ? DEMO_SEED : Number(flags.seed);
if (!Number.isSafeInteger(seed)) {
  console.error(`error: --seed must be an integer, got '${flags.seed}'`);
  process.exit(1);
}
const out = flags.out ?? 'demo-out';

const db = await openDb({});
const bar = progressBar(`generating Qixia demo (seed ${seed})`);
try {
  const data = await generateQixiaDemo(db.knex, { seed, onProgress: (stage, pct) => bar.update(pct, stage) });
  bar.done();
  await mkdir(out, { recursive: true });
  const files = [
    ['areas', data.areas],
    ['barriers', data.barriers],
    ['address_points', data.addressPoints],
    ['police_grids', data.policeGrids],
    ['hazards', data.hazards],
    ['response_points', data.responsePoints],
  ] as const;
  for (const [name, fc] of files) {
    const file = path.join(out, `${name}.geojson`);
    await writeFile(file, JSON.stringify(fc));
    console.log(`${file}: ${fc.features.length} features`);
  }
} finally {
  await db.close();
}

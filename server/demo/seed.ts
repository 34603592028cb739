import type { Db } from '../db/knex';
import { importFeatures } from '../import/import.service';
import { generateQixiaDemo } from './generate';

export const DEMO_SEED = 20211;

export async function isEmpty(db: Db): Promise<boolean> {
  const { rows } = await db.knex.raw('select not exists (select 1 from admin_areas) as empty');
  return rows[0].empty;
}

/**
 * Seeds the Qixia demo district through the same validated import path users take:
 * areas, then barriers, then address points (each its own transaction).
 */
export async function seedDemo(db: Db, onProgress: (pct: number, stage: string) => void = () => {}) {
  const data = await generateQixiaDemo(db.knex, {
    seed: DEMO_SEED,
    onProgress: (stage, pct) => onProgress(pct * 0.5, stage),
  });
  const steps = [
    ['areas', data.areas],
    ['barriers', data.barriers],
    ['address_points', data.addressPoints],
  ] as const;
  const results = [];
  for (const [i, [target, fc]] of steps.entries()) {
    const base = 50 + (i * 50) / steps.length;
    results.push(await importFeatures(db, target, fc, {
      crs: 'wgs84',
      repair: false,
      filename: `demo:${target}`,
      format: 'geojson',
      onProgress: (pct) => onProgress(base + (pct * 50) / steps.length / 100, `import ${target}`),
    }));
  }
  return results;
}

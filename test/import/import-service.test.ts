import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../server/http/errors';
import type { Db } from '../../server/db/knex';
import { importFeatures } from '../../server/import/import.service';
import { createTestDb } from '../helpers/db';
import { area, countRows, fc, feature, point, polygon, resetImportTables, square } from './import-helpers';

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
});
beforeEach(() => resetImportTables(db));
afterAll(async () => {
  await db?.close();
});

/** n address points on a ~10 m lattice in Qixia. */
const addressPoints = (n: number, prefix = 'p') =>
  fc(...Array.from({ length: n }, (_, i) => feature(point(118.85 + (i % 200) * 1e-4, 32.1 + Math.floor(i / 200) * 1e-4), { id: `${prefix}-${i}`, households: 1 + (i % 5) })));

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('importFeatures in-process', () => {
  it('when 40,000 points are imported, then all land in one transaction within a few seconds', async () => {
    const points = addressPoints(40_000);
    const progress: number[] = [];
    const t0 = performance.now();
    const result = await importFeatures(db, 'address_points', points, { crs: 'wgs84', filename: 'demo', onProgress: (pct) => progress.push(pct) });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`40,000 address points imported on ${db.backend} in ${seconds.toFixed(2)} s`);
    expect(result).toMatchObject({ target: 'address_points', inserted: 40_000, repaired: 0 });
    expect(await countRows(db, 'address_points')).toBe(40_000);
    const [{ households }] = (await db.knex.raw('select sum(households)::int as households from address_points')).rows;
    expect(households).toBe(40_000 * 3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    expect(seconds).toBeLessThan(20);
  });

  it('when a coordinate is NaN in memory, then it is rejected as not finite', async () => {
    const e = await rejection(importFeatures(db, 'address_points', fc(feature(point(118.8, 32.1)), feature(point(118.8, Number.NaN), { id: 'n' })), {}));
    expect(e.status).toBe(400);
    expect(e.message).toBe("feature 1 (id 'n'): coordinate is not finite (NaN or Infinity) (in [118.8, NaN])");
  });

  it('when parent codes form a cycle, then the areas are rejected', async () => {
    const a = area('320113001001', polygon(square(118.86, 32.11)), { parent_code: '320113001002' });
    const b = area('320113001002', polygon(square(118.88, 32.11)), { parent_code: '320113001001' });
    const e = await rejection(importFeatures(db, 'areas', fc(a, b)));
    expect(e.message).toBe("feature 0 (id '320113001001'): parent_code forms a cycle: 320113001001 → 320113001002 → 320113001001; and 1 more error");
    expect(await countRows(db, 'admin_areas')).toBe(0);
  });

  it('when a bowtie cannot be kept as a polygon, then repair=true still rejects what ST_MakeValid reduces to a line', async () => {
    const flat = area('320113001001', polygon([[118.8, 32.0], [118.81, 32.0], [118.82, 32.0], [118.8, 32.0]]));
    const e = await rejection(importFeatures(db, 'areas', fc(flat), { repair: true }));
    expect(e.message).toMatch(/^feature 0 \(id '320113001001'\): .* \(ST_MakeValid leaves nothing of this geometry type\)$/);
  });

  it('when two imports race for the same keys, then one lands whole and the other writes nothing', async () => {
    const outcomes = await Promise.allSettled([
      importFeatures(db, 'address_points', addressPoints(3000)),
      importFeatures(db, 'address_points', addressPoints(3000)),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(AppError);
    expect(failed.reason.status).toBe(409);
    expect(await countRows(db, 'address_points')).toBe(3000);
    expect(await countRows(db, 'imports')).toBe(1);
  });

  it('when called inside a caller transaction, then its rows commit or roll back with it', async () => {
    await db.knex
      .transaction(async (trx) => {
        await importFeatures({ ...db, knex: trx }, 'address_points', addressPoints(10));
        expect(await countRows({ ...db, knex: trx }, 'address_points')).toBe(10);
        throw new Error('caller rolls back');
      })
      .catch(() => {});
    expect(await countRows(db, 'address_points')).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { isEmpty, seedDemo, type SeedResult } from '../../server/demo/seed';
import { exposurePlan } from '../../server/hazards/exposure.repo';
import { alignment } from '../../server/overlay/alignment.repo';
import { createTestDb } from '../helpers/db';

/** Qixia: 9 streets divided into 929 grids (DOMAIN.md); the demo's 400,000 households make a few more. */
const COMPREHENSIVE_GRIDS = { min: 800, max: 1300 };

let db: Db;
let result: SeedResult;
let seedingMs: number;
const progress: number[] = [];

const rows = async <T>(sql: string, bindings: (string | number)[] = []): Promise<T[]> => (await db.knex.raw(sql, bindings)).rows;

beforeAll(async () => {
  db = await createTestDb();
  const t0 = performance.now();
  result = await seedDemo(db, (pct) => progress.push(pct));
  seedingMs = performance.now() - t0;
  console.info(`Qixia demo seeded in ${(seedingMs / 1000).toFixed(1)} s on ${db.backend} (partition ${result.comprehensive.seconds.toFixed(1)} s)`);
});

afterAll(async () => {
  await db?.close();
});

describe('seedDemo', () => {
  it('when seeded, then it took well under two minutes and the progress only went forward, to the end', () => {
    expect(seedingMs).toBeLessThan(120_000);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    expect(progress.at(-1)).toBeGreaterThan(99);
    expect(progress.at(-1)).toBeLessThanOrEqual(100);
  });

  it('when seeded, then every import landed whole and the database is no longer empty', async () => {
    expect(result.imports.map((r) => r.target)).toEqual(['areas', 'barriers', 'address_points', 'grids', 'hazards', 'response_points']);
    for (const r of result.imports) expect(r.inserted, r.target).toBeGreaterThan(0);
    expect(await isEmpty(db)).toBe(false);
  });

  it('when seeded, then a comprehensive plan of the whole district, the police plan and generated emergency and safety plans are published', async () => {
    const plans = await rows<{ layer: string; kind: string; id: number; status: string; grids: number }>(
      `select l.name as layer, l.kind, p.id, p.status, (select count(*)::int from grids g where g.plan_id = p.id) as grids
         from grid_plans p join grid_layers l on l.id = p.layer_id order by p.id`,
    );
    expect(plans).toEqual([
      { layer: '警格', kind: 'police', id: result.policePlanId, status: 'published', grids: result.imports[3].inserted },
      { layer: '综合网格', kind: 'comprehensive', id: result.comprehensive.planId, status: 'published', grids: result.comprehensive.grids },
      { layer: '应急格', kind: 'emergency', id: expect.any(Number), status: 'published', grids: 129 }, // one per community
      { layer: '安监格', kind: 'safety', id: expect.any(Number), status: 'published', grids: 52 },
    ]);
    expect(result.comprehensive.grids).toBeGreaterThanOrEqual(COMPREHENSIVE_GRIDS.min);
    expect(result.comprehensive.grids).toBeLessThanOrEqual(COMPREHENSIVE_GRIDS.max);
    expect(result.comprehensive.microGrids).toBe(0);
    const ratio = result.comprehensive.grids / result.imports[3].inserted;
    expect(ratio).toBeGreaterThan(6);
    expect(ratio).toBeLessThan(10);
    expect(await exposurePlan(db.knex)).toBe(result.comprehensive.planId);
  });

  it('when seeded, then the police grids disagree with the comprehensive grids, as the police view should show', async () => {
    const { figures } = await alignment(db.knex, result.comprehensive.planId, result.policePlanId, { mismatch: false });
    expect(figures.grids).toBe(result.comprehensive.grids);
    expect(figures.splitGrids).toBeGreaterThan(figures.grids / 10);
    expect(figures.wholeShare).toBeLessThan(0.9);
  });
});

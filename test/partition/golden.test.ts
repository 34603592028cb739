/**
 * Golden fixtures for the partition: hand-made communities in test/fixtures/partition/<case>/
 * in.geojson (areas, barriers and address points, each feature tagged with its import target)
 * → out.geojson (the grids; REGEN=1 rewrites it, styled by balance so it opens as a map).
 * Each case also checks the geometry a planner relies on: exact tiling, household totals,
 * boundaries on barriers, and what the case is about.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import type { ImportTarget } from '../../server/import/import.schema';
import { importFeatures } from '../../server/import/import.service';
import { partitionArea, type PartitionResult } from '../../server/partition/partition.service';
import { planFigures, type PlanFigures } from '../../server/partition/plan-figures';
import { partitionRequest } from '../../server/planning/planning.schema';
import { createTestDb } from '../helpers/db';

const COMMUNITY = '320113001001';
const FIXTURES = path.resolve('test/fixtures/partition');

interface GridOut { code: string; households: number; area_m2: number; parts: number; in_range: boolean; geometry: unknown }

let db: Db;
beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => { await db?.close(); });

/** Loads a case into an emptied database, partitions its community, returns the grids. */
async function runCase(name: string): Promise<{ result: PartitionResult; grids: GridOut[]; figures: PlanFigures; input: Feature[] }> {
  for (const table of ['grid_layers', 'address_points', 'barriers', 'admin_areas']) await db.knex.raw(`delete from ${table}`);
  const input = (JSON.parse(readFileSync(path.join(FIXTURES, name, 'in.geojson'), 'utf8')) as FeatureCollection).features;
  for (const target of ['areas', 'barriers', 'address_points'] as ImportTarget[]) {
    const features = input.filter((f) => f.properties?.target === target);
    if (features.length) await importFeatures(db, target, { type: 'FeatureCollection', features }, {});
  }
  const request = partitionRequest.parse({ areaCode: COMMUNITY, micro: false, plan: name });
  const result = await partitionArea(db, request, { signal: new AbortController().signal, progress: () => {} });
  const { rows } = await db.knex.raw(
    `select code, households, round(ST_Area(ST_Transform(geom, 32650))::numeric, 1)::float8 as area_m2, ST_NumGeometries(geom) as parts,
            households between (properties->>'target_min')::int and (properties->>'target_max')::int as in_range,
            ST_AsGeoJSON(geom, 9)::json as geometry
     from grids where plan_id = ? order by code`,
    [result.planId],
  );
  return { result, grids: rows, figures: await planFigures(db.knex, result.planId, COMMUNITY), input };
}

/** Compares with out.geojson (codes, households, parts exactly; areas to 0.5 m²), or writes it with REGEN=1. */
function matchGolden(name: string, grids: GridOut[]) {
  const file = path.join(FIXTURES, name, 'out.geojson');
  const features = grids.map(({ geometry, ...p }) => ({
    type: 'Feature', geometry,
    properties: { ...p, fill: p.in_range ? '#4caf50' : '#e53935', 'fill-opacity': 0.5, stroke: '#222' },
  }));
  if (process.env.REGEN || !existsSync(file)) writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }, null, 1) + '\n');
  const golden = (JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection).features.map((f) => f.properties as GridOut);
  expect(grids.map((g) => [g.code, g.households, g.parts, g.in_range])).toEqual(golden.map((g) => [g.code, g.households, g.parts, g.in_range]));
  grids.forEach((g, i) => expect(Math.abs(g.area_m2 - golden[i].area_m2), g.code).toBeLessThan(0.5));
}

function expectExactTiling(figures: PlanFigures, input: Feature[], grids: GridOut[]) {
  expect(figures.coverageError).toBeLessThan(1e-9);
  expect(figures.overlapM2).toBeLessThan(0.01);
  const households = input.filter((f) => f.properties?.target === 'address_points').reduce((s, f) => s + f.properties!.households, 0);
  expect(grids.reduce((s, g) => s + g.households, 0)).toBe(households);
  for (const g of grids) expect(g.code).toMatch(new RegExp(`^${COMMUNITY}\\d{3}$`));
}

describe('partition golden fixtures', () => {
  it('when a community is a lattice of 16 road-bounded blocks of 100 households, then 4 grids of 400 follow the roads', async () => {
    const { grids, figures, input } = await runCase('block-grid');
    expectExactTiling(figures, input, grids);
    expect(grids.map((g) => g.households)).toEqual([400, 400, 400, 400]);
    expect(grids.every((g) => g.parts === 1)).toBe(true);
    expect(figures.boundaryOnBarrierShare).toBeGreaterThan(0.99);
    const mean = grids.reduce((s, g) => s + g.area_m2, 0) / 4; // four 2 × 2-block squares of equal size
    for (const g of grids) expect(Math.abs(g.area_m2 - mean) / mean).toBeLessThan(1e-3);
    matchGolden('block-grid', grids);
  });

  it('when a river runs through a community of 850 households, then the two grids meet along the river', async () => {
    const { grids, figures, input } = await runCase('river');
    expectExactTiling(figures, input, grids);
    expect(grids.map((g) => g.households).sort()).toEqual([400, 450]);
    expect(figures.boundaryOnBarrierShare).toBeGreaterThan(0.99);
    matchGolden('river', grids);
  });

  it('when a community has an island of 300 households, then the island is a grid of its own and the mainland grids stay single-part', async () => {
    const { grids, figures, input } = await runCase('island');
    expectExactTiling(figures, input, grids);
    const island = grids.find((g) => g.households === 300 && g.parts === 1 && Math.abs(g.area_m2 - 90_000) < 2_000);
    expect(island, JSON.stringify(grids.map((g) => [g.households, g.area_m2]))).toBeDefined();
    expect(grids.every((g) => g.parts === 1)).toBe(true);
    expect(grids.every((g) => g.in_range)).toBe(true);
    matchGolden('island', grids);
  });

  it('when one building holds 2,000 households, then it stays whole in a grid of its own and the rest is one grid in range', async () => {
    const { grids, figures, input } = await runCase('huge-building');
    expectExactTiling(figures, input, grids);
    expect(grids.map((g) => [g.households, g.in_range]).sort()).toEqual([[2000, false], [300, true]]);
    matchGolden('huge-building', grids);
  });

  it('when a community holds fewer households than the minimum, then it is one grid flagged under range, not an error', async () => {
    const { result, grids, figures, input } = await runCase('under-minimum');
    expectExactTiling(figures, input, grids);
    expect(grids).toHaveLength(1);
    expect(grids[0]).toMatchObject({ households: 120, in_range: false, parts: 1 });
    expect(result.inRangeShare).toBe(1); // infeasible communities do not count against the share
    matchGolden('under-minimum', grids);
  });
});

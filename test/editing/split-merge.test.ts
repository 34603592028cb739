import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { client, fig } from './http-client';
import {
  buildPlan, code, insertEditingWorld, latticeHouseholds, latticeX, latticeY, NE, NW, nwUnits, planState, pointHouseholds, tiling,
  type BuiltPlan, type Frame,
} from './plan-fixture';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let api: ReturnType<typeof client>;
let o: Frame;

beforeAll(async () => {
  db = await createTestDb();
  o = await insertEditingWorld(db.knex);
  http = await serveApp(db);
  api = client(http);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

const line = (...pts: [number, number][]) => ({ type: 'LineString', coordinates: pts });
/** A point in lattice coordinates (columns i, rows j of 西北社区; fractions allowed). */
const at = (i: number, j: number): [number, number] => [latticeX(o, i), latticeY(o, j)];

/** Each non-micro grid of the plan equals the union of its units, is valid, and the units of each grid are listed. */
async function gridsMatchUnits(planId: number) {
  const { rows } = await db.knex.raw(
    `select g.code, ST_IsValid(g.geom) as valid, ST_Equals(g.geom, u.geom) as equal, g.households = u.households as sums, u.n
       from grids g join (select grid_code, ST_Union(geom) as geom, sum(households)::int as households, count(*)::int as n
                            from grid_units where plan_id = ? group by grid_code) u on u.grid_code = g.code
      where g.plan_id = ? and g.kind <> 'micro' order by g.code`,
    [planId, planId],
  );
  return rows as { code: string; valid: boolean; equal: boolean; sums: boolean; n: number }[];
}

async function expectTiled(planId: number, community = NW) {
  const t = await tiling(db.knex, planId, community);
  expect(t.symDiffM2).toBeLessThan(1e-6 * t.communityM2);
  expect(t.overlapM2).toBeLessThan(0.01);
  for (const g of await gridsMatchUnits(planId)) expect(g, g.code).toMatchObject({ valid: true, equal: true, sums: true });
}

describe('splitting a grid along a drawn line', () => {
  it('when A is cut north–south through its western units, then the western quarter keeps the code, the rest becomes …004, the crossed units are cut and recounted, a point on the line counted once', async () => {
    const p = await buildPlan(db.knex, o);
    const res = await api.edit(p.planId, { op: 'split', grid: code.A, line: line(at(0.5, 1.6), at(0.5, 4.4)) });
    expect(res.status).toBe(201);
    const newCode = `${NW}004`;
    expect(res.body.edit).toMatchObject({ seq: 1, op: 'split', args: { grid: code.A, newGrid: newCode } });
    expect(res.body.before.map((g: any) => g.code)).toEqual([code.A]);
    expect(res.body.after.map((g: any) => g.code)).toEqual([code.A, newCode]);
    const before = fig(res.body.before, code.A);
    const [west, east] = [fig(res.body.after, code.A), fig(res.body.after, newCode)];
    // a strip of a lat/lng rectangle has a share of its area exactly proportional to its width
    expect(west.area_m2 / before.area_m2).toBeCloseTo(0.25, 6);
    expect(east.area_m2 / before.area_m2).toBeCloseTo(0.75, 6);
    // west: the SW-quarter points of units (0,2) and (0,3), and (0,3)'s centre point, which lies on the line
    const u02 = nwUnits(o).find((u) => u.i === 0 && u.j === 2)!, u03 = nwUnits(o).find((u) => u.i === 0 && u.j === 3)!;
    expect(west.households).toBe(pointHouseholds(u02)[0] + pointHouseholds(u03)[0] + 7);
    expect(west.households + east.households).toBe(before.households);
    expect(west.population + east.population).toBe(before.population);
    expect(east).toMatchObject({ kind: 'comprehensive', target_min: 50, target_max: 150 });
    expect(res.body.microGridsRemoved).toBe(2);

    const cut = res.body.edit.args.unitsCut;
    expect(cut.map((c: any) => c.id).sort()).toEqual([p.unit(0, 2), p.unit(0, 3)].sort());
    const { rows: units } = await db.knex.raw(`select id, grid_code, households from grid_units where plan_id = ? and grid_code in (?, ?) order by id`, [p.planId, code.A, newCode]);
    expect(units.filter((u: any) => u.grid_code === code.A)).toHaveLength(2);
    expect(units.filter((u: any) => u.grid_code === newCode)).toHaveLength(4);
    expect(units.map((u: any) => Number(u.id))).not.toContain(p.unit(0, 2));
    const { rows: [micro] } = await db.knex.raw(`select count(*)::int as n from grids where plan_id = ? and kind = 'micro'`, [p.planId]);
    expect(micro.n).toBe(0);
    await expectTiled(p.planId);
  });

  it('when B is cut east–west along a lattice line, then the northern half keeps the code and no unit is cut', async () => {
    const p = await buildPlan(db.knex, o);
    const res = await api.edit(p.planId, { op: 'split', grid: code.B, line: line(at(1.8, 3), at(4.2, 3)) });
    expect(res.status).toBe(201);
    expect(res.body.edit.args.unitsCut).toEqual([]);
    const newCode = `${NW}004`;
    expect(fig(res.body.after, code.B).households).toBe(latticeHouseholds(o, [[2, 3], [3, 3]]));
    expect(fig(res.body.after, newCode).households).toBe(latticeHouseholds(o, [[2, 2], [3, 2]]));
    const { rows } = await db.knex.raw(`select id, grid_code from grid_units where plan_id = ? and id in (?, ?)`, [p.planId, p.unit(2, 3), p.unit(2, 2)]);
    expect(Object.fromEntries(rows.map((r: any) => [Number(r.id), r.grid_code]))).toEqual({ [p.unit(2, 3)]: code.B, [p.unit(2, 2)]: newCode });
    await expectTiled(p.planId);
  });

  it('when the dedicated L-shaped grid is cut, then the new part takes the next dedicated serial …902', async () => {
    const p = await buildPlan(db.knex, o);
    const res = await api.edit(p.planId, { op: 'split', grid: code.D, line: line(at(2.5, -0.4), at(2.5, 1.5)) });
    expect(res.status).toBe(201);
    const newCode = `${NW}902`;
    expect(res.body.edit.args.newGrid).toBe(newCode);
    const u20 = nwUnits(o).find((u) => u.i === 2 && u.j === 0)!;
    expect(fig(res.body.after, code.D).households).toBe(latticeHouseholds(o, [[1, 0]]) + pointHouseholds(u20)[0]);
    expect(fig(res.body.after, newCode)).toMatchObject({ kind: 'dedicated', households: latticeHouseholds(o, [[3, 0], [3, 1]]) + pointHouseholds(u20)[1] });
    await expectTiled(p.planId);
  });

  it('when the grid lies in two separate pieces, then the split is refused with split_multipart and nothing is written', async () => {
    const p = await buildPlan(db.knex, o);
    // hand A the far corner unit (3,0) behind the editor's back: A is now two polygons
    await db.knex.raw(`update grid_units set grid_code = ? where id = ?`, [code.A, p.unit(3, 0)]);
    await db.knex.raw(
      `update grids g set geom = (select ST_Multi(ST_Union(geom)) from grid_units u where u.plan_id = g.plan_id and u.grid_code = g.code)
        where plan_id = ? and code in (?, ?)`, [p.planId, code.A, code.D]);
    const before = await planState(db.knex, p.planId);
    const res = await api.edit(p.planId, { op: 'split', grid: code.A, line: line(at(0.5, 1.6), at(0.5, 4.4)) });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'split_multipart', details: { grid: code.A, parts: 2 } });
    expect(res.body.error.message).toContain(`grid ${code.A} consists of 2 separate polygons`);
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });

  it.each([
    ['a line ending inside the grid', () => ({ op: 'split', grid: code.A, line: line(at(-0.2, 3.5), at(1, 3.5)) }), 400, 'split_line_invalid', `does not cut grid ${code.A} in two`],
    ['a line crossing the grid twice', () => ({ op: 'split', grid: code.A, line: line(at(0.4, 4.4), at(0.4, 1.6), at(0.8, 1.6), at(0.8, 4.4)) }), 400, 'split_line_invalid', `cuts grid ${code.A} into 3 parts`],
    ['a line missing the grid', () => ({ op: 'split', grid: code.A, line: line(at(2.5, 1.6), at(2.5, 4.4)) }), 400, 'split_line_invalid', 'does not cut'],
    ['a line of one position', () => ({ op: 'split', grid: code.A, line: { type: 'LineString', coordinates: [at(0, 0)] } }), 400, 'invalid_body', 'line.coordinates'],
    ['an unknown grid', () => ({ op: 'split', grid: `${NW}444`, line: line(at(0.5, 1.6), at(0.5, 4.4)) }), 404, 'not_found', `grid ${NW}444`],
  ])('when the split names %s, then it is refused with a message and nothing is written', async (_what, body, status, errCode, message) => {
    const p = await buildPlan(db.knex, o);
    const before = await planState(db.knex, p.planId);
    const res = await api.edit(p.planId, body());
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(errCode);
    expect(res.body.error.message).toContain(message);
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });
});

describe('merging two grids', () => {
  it('when A and B are merged, then A keeps its code and holds both: area and households add up, B is gone, the tiling holds', async () => {
    const p = await buildPlan(db.knex, o);
    const res = await api.edit(p.planId, { op: 'merge', grids: [code.B, code.A] });
    expect(res.status).toBe(201);
    expect(res.body.edit).toMatchObject({ op: 'merge', args: { grids: [code.B, code.A], kept: code.A, removed: code.B } });
    expect(res.body.edit.args.sharedBoundaryM).toBeGreaterThan(240); // two unit edges of ≈125 m
    const [a, b] = [fig(res.body.before, code.A), fig(res.body.before, code.B)];
    expect(res.body.after).toHaveLength(1);
    const merged = res.body.after[0];
    expect(merged.code).toBe(code.A);
    expect(merged.households).toBe(a.households + b.households);
    expect(merged.area_m2).toBeCloseTo(a.area_m2 + b.area_m2, 3);
    expect(res.body.microGridsRemoved).toBe(2);
    const { rows } = await db.knex.raw(`select count(*)::int as n from grids where plan_id = ? and code = ?`, [p.planId, code.B]);
    expect(rows[0].n).toBe(0);
    await expectTiled(p.planId);
  });

  it('when a dedicated grid is merged with a comprehensive one, then the lower (comprehensive) code is kept', async () => {
    const p = await buildPlan(db.knex, o);
    const res = await api.edit(p.planId, { op: 'merge', grids: [code.D, code.C] });
    expect(res.status).toBe(201);
    expect(res.body.after.map((g: any) => [g.code, g.kind])).toEqual([[code.C, 'comprehensive']]);
    expect(res.body.after[0].households).toBe(latticeHouseholds(o, [[0, 0], [1, 0], [2, 0], [3, 0], [0, 1], [1, 1], [2, 1], [3, 1]]));
    await expectTiled(p.planId);
  });

  it.each([
    ['grids that do not touch', () => [code.A, code.D], 409, 'not_adjacent', `grids ${code.A} and ${code.D} share no boundary`],
    ['grids of two communities', () => [code.C, code.E], 409, 'other_community', `grid ${code.C} lies in community ${NW} and grid ${code.E} in 320113002002`],
    ['one grid twice', () => [code.A, code.A], 400, 'invalid_body', 'the two grids must differ'],
  ])('when the merge names %s, then it is refused and nothing is written', async (_what, grids, status, errCode, message) => {
    const p = await buildPlan(db.knex, o);
    const before = await planState(db.knex, p.planId);
    const res = await api.edit(p.planId, { op: 'merge', grids: grids() });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(errCode);
    expect(res.body.error.message).toContain(message);
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });
});

describe('tiling check', () => {
  let p: BuiltPlan;
  beforeAll(async () => {
    p = await buildPlan(db.knex, o, { brokenNe: true });
  });

  it('when an edit leaves a community not covered by its grids, then it is rolled back with 409 tiling_broken naming the gap', async () => {
    const before = await planState(db.knex, p.planId);
    const res = await api.edit(p.planId, { op: 'merge', grids: [`${NE}001`, `${NE}002`] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('tiling_broken');
    expect(res.body.error.message).toMatch(new RegExp(`tiling of community ${NE}: its grids differ from the community by \\d+`));
    expect(res.body.error.details.symDiffM2).toBeGreaterThan(0.2e6); // half of ≈0.5 km²
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });

  it('when another community of the same plan is edited, then its tiling alone is checked and the edit lands', async () => {
    const res = await api.edit(p.planId, { op: 'merge', grids: [code.A, code.B] });
    expect(res.status).toBe(201);
  });
});

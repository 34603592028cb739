import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { client, fig } from './http-client';
import { buildPlan, code, insertEditingWorld, latticeHouseholds, NW, planState, tiling, unitsAreaM2, type Frame } from './plan-fixture';

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


describe('units for the paint tool', () => {
  it('when the units of one grid are asked, then its four units come back as GeoJSON with ids and figures', async () => {
    const p = await buildPlan(db.knex, o);
    const { status, type, body } = await api.get(`/api/plans/${p.planId}/units?grid=${code.A}`);
    expect(status).toBe(200);
    expect(type).toContain('application/geo+json');
    expect(body.features).toHaveLength(4);
    const ids = body.features.map((f: any) => f.properties.id).sort((a: number, b: number) => a - b);
    expect(ids).toEqual([p.unit(0, 2), p.unit(1, 2), p.unit(0, 3), p.unit(1, 3)].sort((a, b) => a - b));
    const f03 = body.features.find((f: any) => f.id === p.unit(0, 3));
    expect(f03.properties).toMatchObject({ grid_code: code.A, area_code: NW, households: 57, population: 171 });
    expect(f03.geometry.type).toBe('MultiPolygon');
  });

  it('when units are filtered by bbox, then only those it touches come back, and an unknown plan is a 404', async () => {
    const p = await buildPlan(db.knex, o);
    const x = o.x0 + o.dx / 8, y = o.y0 + (0.5 + 1 / 16) * o.dy; // inside unit (0,0)
    const { body } = await api.get(`/api/plans/${p.planId}/units?bbox=${[x, y, x + 1e-6, y + 1e-6].join(',')}`);
    expect(body.features.map((f: any) => f.id)).toEqual([p.unit(0, 0)]);
    const missing = await api.get('/api/plans/999999/units');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('plan 999999');
  });
});

describe('moving units (paint)', () => {
  it('when B\'s western column is painted into A, then A grows by two units, B shrinks by as much, households are conserved and the tiling holds', async () => {
    const p = await buildPlan(db.knex, o);
    const moved = [p.unit(2, 2), p.unit(2, 3)];
    const res = await api.edit(p.planId, { op: 'move_units', unitIds: moved, toGrid: code.A });
    expect(res.status).toBe(201);
    expect(res.body.edit).toMatchObject({ seq: 1, op: 'move_units', undone: false, args: { unitIds: [...moved].sort((a, b) => a - b), toGrid: code.A, fromGrids: [code.B] } });
    const [aBefore, bBefore] = [fig(res.body.before, code.A), fig(res.body.before, code.B)];
    const [aAfter, bAfter] = [fig(res.body.after, code.A), fig(res.body.after, code.B)];
    expect(aBefore.households).toBe(latticeHouseholds(o, [[0, 2], [1, 2], [0, 3], [1, 3]]));
    expect(aAfter.households - aBefore.households).toBe(latticeHouseholds(o, [[2, 2], [2, 3]]));
    expect(aAfter.households + bAfter.households).toBe(aBefore.households + bBefore.households);
    expect(aAfter.population + bAfter.population).toBe(aBefore.population + bBefore.population);
    const movedM2 = await unitsAreaM2(db.knex, moved);
    expect(aAfter.area_m2 - aBefore.area_m2).toBeCloseTo(movedM2, 3);
    expect(bBefore.area_m2 - bAfter.area_m2).toBeCloseTo(movedM2, 3);
    expect(aAfter.area_m2 / aBefore.area_m2).toBeCloseTo(1.5, 4);
    expect(aAfter.area_m2 + bAfter.area_m2).toBeCloseTo(aBefore.area_m2 + bBefore.area_m2, 3);
    expect(aBefore.polsby_popper).toBeGreaterThan(aAfter.polsby_popper); // 2:1 rectangle → 3:1
    expect(aAfter).toMatchObject({ target_min: 50, target_max: 150, in_range: false });
    expect(res.body.microGridsRemoved).toBe(2);

    const t = await tiling(db.knex, p.planId, NW);
    expect(t.symDiffM2).toBeLessThan(1e-6 * t.communityM2);
    expect(t.overlapM2).toBeLessThan(0.01);
    const { rows } = await db.knex.raw(`select code, households, ST_NumGeometries(geom) as parts from grids where plan_id = ? and kind <> 'micro' order by code`, [p.planId]);
    expect(rows.find((r: any) => r.code === code.A)).toMatchObject({ households: aAfter.households, parts: 1 });
  });

  it('when a chain of units reaches the target only through each other, then they move together', async () => {
    const p = await buildPlan(db.knex, o);
    const res = await api.edit(p.planId, { op: 'move_units', unitIds: [p.unit(3, 3), p.unit(2, 3)], toGrid: code.A });
    expect(res.status).toBe(201);
    const movedM2 = await unitsAreaM2(db.knex, [p.unit(3, 3), p.unit(2, 3)]);
    expect(fig(res.body.before, code.B).area_m2 - fig(res.body.after, code.B).area_m2).toBeCloseTo(movedM2, 3);
    expect(fig(res.body.after, code.A).households).toBe(latticeHouseholds(o, [[0, 2], [1, 2], [0, 3], [1, 3], [2, 3], [3, 3]]));
  });

  it.each([
    ['a unit not bordering the target', (p: any) => ({ op: 'move_units', unitIds: [p.unit(3, 3)], toGrid: code.A }), 409, 'not_adjacent', (p: any) => `unit ${p.unit(3, 3)} does not border grid ${code.A}`],
    ['a unit touching the target only at a corner', (p: any) => ({ op: 'move_units', unitIds: [p.unit(2, 1)], toGrid: code.A }), 409, 'not_adjacent', (p: any) => `unit ${p.unit(2, 1)} does not border grid ${code.A}`],
    ['a move cutting the source L in two', (p: any) => ({ op: 'move_units', unitIds: [p.unit(1, 1)], toGrid: code.A }), 409, 'grid_would_split', () => `grid ${code.C} into 2 pieces`],
    ['a unit of another community', (p: any) => ({ op: 'move_units', unitIds: [p.swUnits[0]], toGrid: code.C }), 409, 'other_community', (p: any) => `unit ${p.swUnits[0]} lies in community 320113002002`],
    ['a move emptying a grid', (p: any) => ({ op: 'move_units', unitIds: [p.swUnits[1]], toGrid: code.E }), 409, 'grid_emptied', () => `leave grid ${code.F} empty`],
    ['a unit already in the target', (p: any) => ({ op: 'move_units', unitIds: [p.unit(0, 2)], toGrid: code.A }), 400, 'already_in_grid', (p: any) => `unit ${p.unit(0, 2)} already belongs to grid ${code.A}`],
    ['an unknown unit', () => ({ op: 'move_units', unitIds: [987654], toGrid: code.A }), 404, 'not_found', () => 'unit 987654'],
    ['an unknown target grid', (p: any) => ({ op: 'move_units', unitIds: [p.unit(2, 2)], toGrid: `${NW}555` }), 404, 'not_found', () => `grid ${NW}555`],
    ['a micro-grid as target', (p: any) => ({ op: 'move_units', unitIds: [p.unit(2, 2)], toGrid: `${code.A}01` }), 400, 'invalid_body', () => 'toGrid'],
    ['an empty unit list', () => ({ op: 'move_units', unitIds: [], toGrid: code.A }), 400, 'invalid_body', () => 'unitIds'],
  ])('when the paint names %s, then it is refused with a message naming it and nothing is written', async (_what, body, status, errCode, message) => {
    const p = await buildPlan(db.knex, o);
    const before = await planState(db.knex, p.planId);
    const res = await api.edit(p.planId, body(p));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(errCode);
    expect(res.body.error.message).toContain(message(p));
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });

  it('when the plan is published, then edits are refused with its status named and nothing is written', async () => {
    const p = await buildPlan(db.knex, o);
    await db.knex.raw(`update grid_plans set status = 'published', published_at = now() where id = ?`, [p.planId]);
    const before = await planState(db.knex, p.planId);
    const res = await api.edit(p.planId, { op: 'move_units', unitIds: [p.unit(2, 2)], toGrid: code.A });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'plan_not_draft', message: `plan ${p.planId} is published; only draft plans can be edited` });
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });

  it('when the body is not JSON or names no known op, then it is a 400 naming the problem', async () => {
    const p = await buildPlan(db.knex, o);
    const bad = await fetch(http.url(`/api/plans/${p.planId}/edits`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"op":' });
    expect(bad.status).toBe(400);
    const none = await fetch(http.url(`/api/plans/${p.planId}/edits`), { method: 'POST' });
    expect(none.status).toBe(400);
    expect((await none.json()).error.code).toBe('invalid_body');
    const unknown = await api.edit(p.planId, { op: 'rotate', grid: code.A });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('op');
  });
});

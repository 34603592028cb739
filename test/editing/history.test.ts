import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { client, fig } from './http-client';
import { buildPlan, code, insertEditingWorld, latticeX, latticeY, NW, planState, tiling, type Frame } from './plan-fixture';

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

const splitA = () => ({
  op: 'split', grid: code.A,
  line: { type: 'LineString', coordinates: [[latticeX(o, 0.5), latticeY(o, 1.6)], [latticeX(o, 0.5), latticeY(o, 4.4)]] },
});
/** Grid and unit rows without the history count. */
const rowsOf = async (planId: number) => {
  const { grids, units } = await planState(db.knex, planId);
  return { grids, units };
};
/** Whether every grid of `saved` is, by ST_Equals, the same geometry as the plan's grid of that code now. */
async function allEqualTo(planId: number, saved: { code: string; hex: string }[]) {
  const out: boolean[] = [];
  for (const g of saved) {
    const { rows } = await db.knex.raw(`select ST_Equals(geom, ?::geometry) as eq from grids where plan_id = ? and code = ?`, [g.hex, planId, g.code]);
    out.push(rows[0]?.eq === true);
  }
  return out.every(Boolean);
}

describe('undo and redo', () => {
  it('when a split is undone, then the grid, its units (same ids) and its micro-grids come back exactly, and redo brings the split back exactly', async () => {
    const p = await buildPlan(db.knex, o);
    const original = await rowsOf(p.planId);
    const edit = await api.edit(p.planId, splitA());
    expect(edit.status).toBe(201);
    const split = await rowsOf(p.planId);

    const undone = await api.undo(p.planId);
    expect(undone.status).toBe(200);
    expect(undone.body.edit).toMatchObject({ seq: 1, op: 'split', undone: true });
    expect(undone.body.before.map((g: any) => g.code)).toEqual([code.A, `${NW}004`]);
    expect(undone.body.after.map((g: any) => g.code)).toEqual([code.A]);
    expect(fig(undone.body.after, code.A)).toEqual(fig(edit.body.before, code.A));
    expect(undone.body.microGridsRestored).toBe(2);
    expect(await rowsOf(p.planId)).toEqual(original); // byte-identical geometry (hex EWKB), same ids and figures
    expect(await allEqualTo(p.planId, original.grids)).toBe(true);
    const t = await tiling(db.knex, p.planId, NW);
    expect(t.symDiffM2).toBeLessThan(1e-6 * t.communityM2);

    const redone = await api.redo(p.planId);
    expect(redone.status).toBe(200);
    expect(redone.body.edit).toMatchObject({ seq: 1, op: 'split', undone: false });
    expect(redone.body.after).toEqual(edit.body.after);
    expect(redone.body.microGridsRemoved).toBe(2);
    expect(await rowsOf(p.planId)).toEqual(split);
  });

  it('when there is nothing to undo or redo, then each answers 409 saying so and writes nothing', async () => {
    const p = await buildPlan(db.knex, o);
    const before = await planState(db.knex, p.planId);
    const u = await api.undo(p.planId);
    expect(u.status).toBe(409);
    expect(u.body.error).toMatchObject({ code: 'nothing_to_undo', message: `plan ${p.planId} has no edit to undo` });
    const r = await api.redo(p.planId);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('nothing_to_redo');
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });

  it('when edits are undone back to the start and one redone, then a new edit drops the redo stack, seqs are not reused, and the list says so', async () => {
    const p = await buildPlan(db.knex, o);
    const original = await rowsOf(p.planId);
    expect((await api.edit(p.planId, { op: 'move_units', unitIds: [p.unit(2, 2), p.unit(2, 3)], toGrid: code.A })).status).toBe(201);
    const afterMove = await rowsOf(p.planId);
    const merge = await api.edit(p.planId, { op: 'merge', grids: [code.C, code.D] });
    expect(merge.body.edit.seq).toBe(2);

    expect((await api.undo(p.planId)).body.edit).toMatchObject({ seq: 2, op: 'merge' });
    expect(await rowsOf(p.planId)).toEqual(afterMove);
    expect((await api.undo(p.planId)).body.edit).toMatchObject({ seq: 1, op: 'move_units' });
    expect(await rowsOf(p.planId)).toEqual(original);
    expect((await api.undo(p.planId)).status).toBe(409);

    let list = await api.get(`/api/plans/${p.planId}/edits`);
    expect(list.body).toMatchObject({ planId: p.planId, canUndo: false, canRedo: true });
    expect(list.body.edits.map((e: any) => [e.seq, e.op, e.undone])).toEqual([[1, 'move_units', true], [2, 'merge', true]]);

    expect((await api.redo(p.planId)).body.edit).toMatchObject({ seq: 1, op: 'move_units', undone: false });
    expect(await rowsOf(p.planId)).toEqual(afterMove);

    const split = await api.edit(p.planId, splitA());
    expect(split.status).toBe(201);
    expect(split.body.edit.seq).toBe(3);
    list = await api.get(`/api/plans/${p.planId}/edits`);
    expect(list.body).toMatchObject({ canUndo: true, canRedo: false });
    expect(list.body.edits.map((e: any) => [e.seq, e.op, e.undone])).toEqual([[1, 'move_units', false], [3, 'split', false]]);
    expect(list.body.edits[1]).toMatchObject({ beforeGrids: [code.A], afterGrids: [code.A, `${NW}004`], args: { newGrid: `${NW}004` } });
    expect(list.body.edits[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const redo = await api.redo(p.planId);
    expect(redo.status).toBe(409);
    expect(redo.body.error.code).toBe('nothing_to_redo');
  });

  it('when the grids of an edit were changed outside the editor, then undo refuses with history_stale and writes nothing', async () => {
    const p = await buildPlan(db.knex, o);
    expect((await api.edit(p.planId, { op: 'merge', grids: [code.A, code.B] })).status).toBe(201);
    await db.knex.raw(`update grids set name = 'renamed by hand' where plan_id = ? and code = ?`, [p.planId, code.A]);
    const before = await planState(db.knex, p.planId);
    const res = await api.undo(p.planId);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('history_stale');
    expect(res.body.error.message).toContain(`grids ${code.A} changed since edit 1`);
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });

  it('when the plan is no longer a draft, then undo and redo are refused naming its status', async () => {
    const p = await buildPlan(db.knex, o);
    expect((await api.edit(p.planId, { op: 'merge', grids: [code.A, code.B] })).status).toBe(201);
    await db.knex.raw(`update grid_plans set status = 'archived' where id = ?`, [p.planId]);
    const before = await planState(db.knex, p.planId);
    for (const res of [await api.undo(p.planId), await api.redo(p.planId)]) {
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'plan_not_draft', message: `plan ${p.planId} is archived; only draft plans can be edited` });
    }
    expect(await planState(db.knex, p.planId)).toEqual(before);
  });

  it('when an unknown plan is named, then undo and the edit list answer 404', async () => {
    expect((await api.undo(999999)).status).toBe(404);
    const list = await api.get('/api/plans/999999/edits');
    expect(list.status).toBe(404);
    expect(list.body.error.message).toBe('plan 999999 not found');
  });
});

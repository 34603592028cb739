import { describe, expect, it } from 'vitest';
import { editingWorld } from './editing-world';
import { buildPlan, code, planState } from './plan-fixture';

const w = editingWorld();

const planTag = (planId: number, version: number) => `"plan-${planId}-v${version}"`;
const gridTag = (planId: number, grid: string, version: number) => `"grid-${planId}-${grid}-v${version}"`;
/** Unit (1,2) of grid A borders grid B: painting it into B is a valid edit of the fixture. */
const paint = (p: { unit: (i: number, j: number) => number }) => ({ op: 'move_units', unitIds: [p.unit(1, 2)], toGrid: code.B });
/** Plan and grid versions as stored. */
async function versions(planId: number) {
  const { rows: [plan] } = await w.db.knex.raw('select version from grid_plans where id = ?', [planId]);
  const { rows } = await w.db.knex.raw('select code, version from grids where plan_id = ? order by code', [planId]);
  return { plan: Number(plan.version), grids: Object.fromEntries(rows.map((r: any) => [r.code, Number(r.version)])) as Record<string, number> };
}

describe('versions as ETags', () => {
  it('when a plan and one of its grids are read, then each answers a strong ETag that is also in its body', async () => {
    const p = await buildPlan(w.db.knex, w.o);
    const plan = await w.api.get(`/api/plans/${p.planId}`);
    expect(plan.status).toBe(200);
    expect(plan.etag).toBe(planTag(p.planId, 1));
    expect(plan.body).toMatchObject({ version: 1, etag: planTag(p.planId, 1) });

    const grid = await w.api.get(`/api/plans/${p.planId}/grids/${code.A}`);
    expect(grid.status).toBe(200);
    expect(grid.type).toContain('application/geo+json');
    expect(grid.etag).toBe(gridTag(p.planId, code.A, 1));
    expect(grid.body).toMatchObject({ type: 'Feature', properties: { code: code.A, kind: 'comprehensive', version: 1, etag: gridTag(p.planId, code.A, 1) } });
    expect((await w.api.get(`/api/plans/${p.planId}/grids/${code.A}01`)).body.properties).toMatchObject({ kind: 'micro', parent_grid_code: code.A });

    const missing = await w.api.get(`/api/plans/${p.planId}/grids/320113002001777`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(`grid 320113002001777 in plan ${p.planId} not found`);
    expect((await w.api.get(`/api/plans/${p.planId}/grids/12345`)).status).toBe(400);
  });
});

describe('edits with If-Match', () => {
  it("when an edit is sent with the plan's current ETag, then it lands, the plan's version goes up by one and the grids it wrote take that version", async () => {
    const p = await buildPlan(w.db.knex, w.o);
    const res = await w.api.edit(p.planId, paint(p), planTag(p.planId, 1));
    expect(res.status).toBe(201);
    expect(res.etag).toBe(planTag(p.planId, 2));
    expect(res.body.versions.plan).toEqual({ id: p.planId, version: 2, etag: planTag(p.planId, 2) });
    expect(res.body.versions.grids).toEqual([code.A, code.B].map((g) => ({ code: g, version: 2, etag: gridTag(p.planId, g, 2) })));
    expect(await versions(p.planId)).toEqual({ plan: 2, grids: { [code.A]: 2, [code.B]: 2, [code.C]: 1, [code.D]: 1, [code.E]: 1, [code.F]: 1 } });
    expect((await w.api.get(`/api/plans/${p.planId}`)).etag).toBe(planTag(p.planId, 2));
  });

  it("when an edit is sent with a stale plan ETag, then it is a 409 naming both versions, carrying the current ETag, and nothing is written", async () => {
    const p = await buildPlan(w.db.knex, w.o);
    expect((await w.api.edit(p.planId, { op: 'merge', grids: [code.C, code.D] })).status).toBe(201); // no If-Match: accepted as before
    const before = await planState(w.db.knex, p.planId);

    const res = await w.api.edit(p.planId, paint(p), planTag(p.planId, 1));
    expect(res.status).toBe(409);
    expect(res.etag).toBe(planTag(p.planId, 2));
    expect(res.body.error.code).toBe('stale_version');
    expect(res.body.error.message).toContain(`plan ${p.planId} is at version 2, not 1`);
    expect(res.body.error.details.plan).toEqual({ id: p.planId, version: 2, etag: planTag(p.planId, 2) });
    expect(res.body.error.details.grids).toEqual([code.A, code.B].map((g) => ({ code: g, version: 1, etag: gridTag(p.planId, g, 1) })));
    expect(res.body.error.details.sent).toEqual([planTag(p.planId, 1)]);
    expect(await planState(w.db.knex, p.planId)).toEqual(before);
    expect((await versions(p.planId)).plan).toBe(2);
  });

  it('when an edit names its grids by their ETags, then edits of other grids in between do not make it stale, but one of its own grids does', async () => {
    const p = await buildPlan(w.db.knex, w.o);
    const tags = `${gridTag(p.planId, code.A, 1)}, ${gridTag(p.planId, code.B, 1)}`;
    expect((await w.api.edit(p.planId, { op: 'merge', grids: [code.E, code.F] }, `${gridTag(p.planId, code.E, 1)}, ${gridTag(p.planId, code.F, 1)}`)).status).toBe(201);

    const first = await w.api.edit(p.planId, paint(p), tags);
    expect(first.status).toBe(201);
    expect(first.body.versions.grids.map((g: any) => g.version)).toEqual([3, 3]);

    const before = await planState(w.db.knex, p.planId);
    const again = await w.api.edit(p.planId, { op: 'move_units', unitIds: [p.unit(1, 3)], toGrid: code.B }, tags);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(`grid ${code.A} is at version 3, not 1`);
    expect(again.body.error.message).toContain(`grid ${code.B} is at version 3, not 1`);
    expect(await planState(w.db.knex, p.planId)).toEqual(before);
  });

  it('when If-Match names only some of the grids an edit changes, then it is a 409 naming the others', async () => {
    const p = await buildPlan(w.db.knex, w.o);
    const before = await planState(w.db.knex, p.planId);
    const res = await w.api.edit(p.planId, paint(p), gridTag(p.planId, code.B, 1));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('stale_version');
    expect(res.body.error.message).toContain(`the edit changes grid ${code.A}, which If-Match does not name`);
    expect(await planState(w.db.knex, p.planId)).toEqual(before);
  });

  it('when If-Match is *, then the edit lands whatever the versions', async () => {
    const p = await buildPlan(w.db.knex, w.o);
    expect((await w.api.edit(p.planId, paint(p), '*')).status).toBe(201);
  });

  it('when If-Match is malformed, weak, or an ETag of another plan, then it is a 400 saying so and nothing is written', async () => {
    const p = await buildPlan(w.db.knex, w.o);
    const before = await planState(w.db.knex, p.planId);
    const cases: [string, string][] = [
      ['plan-1-v1', 'comma-separated list of quoted ETags'],
      [`W/${planTag(p.planId, 1)}`, 'is weak'],
      ['"abc"', '"abc" is not an ETag of this API'],
      [planTag(p.planId + 1000, 1), `is an ETag of plan ${p.planId + 1000}, not of plan ${p.planId}`],
      [`${planTag(p.planId, 1)} x`, 'comma-separated list of quoted ETags'],
    ];
    for (const [header, message] of cases) {
      const res = await w.api.edit(p.planId, paint(p), header);
      expect(res.status, header).toBe(400);
      expect(res.body.error.code).toBe('invalid_if_match');
      expect(res.body.error.message).toContain(message);
    }
    expect(await planState(w.db.knex, p.planId)).toEqual(before);
  });
});

describe('undo, redo and publish with If-Match', () => {
  it('when an edit is undone, then the restored grids take a new version, so ETags from before the edit stay stale', async () => {
    const p = await buildPlan(w.db.knex, w.o);
    expect((await w.api.edit(p.planId, paint(p), planTag(p.planId, 1))).status).toBe(201);
    expect((await w.api.undo(p.planId, planTag(p.planId, 1))).status).toBe(409);

    const undone = await w.api.undo(p.planId, planTag(p.planId, 2));
    expect(undone.status).toBe(200);
    expect(undone.etag).toBe(planTag(p.planId, 3));
    expect(undone.body.versions.grids).toEqual([code.A, code.B].map((g) => ({ code: g, version: 3, etag: gridTag(p.planId, g, 3) })));
    expect((await versions(p.planId)).grids).toMatchObject({ [code.A]: 3, [`${code.A}01`]: 3, [code.B]: 3, [code.C]: 1 });
    // same content as before the edit, but not the same version
    const stale = await w.api.edit(p.planId, paint(p), `${gridTag(p.planId, code.A, 1)}, ${gridTag(p.planId, code.B, 1)}`);
    expect(stale.status).toBe(409);

    expect((await w.api.redo(p.planId, gridTag(p.planId, code.A, 3))).body.error.code).toBe('invalid_if_match');
    const redone = await w.api.redo(p.planId, planTag(p.planId, 3));
    expect(redone.status).toBe(200);
    expect(redone.body.versions.plan.version).toBe(4);
  });

  it('when a draft is published with a stale ETag, then it is a 409; with the current one it is published, and its version and the archived plan\'s go up', async () => {
    const old = await buildPlan(w.db.knex, w.o);
    const { rows: [{ layer_id: layerId }] } = await w.db.knex.raw('select layer_id from grid_plans where id = ?', [old.planId]);
    expect((await w.api.post(`/api/plans/${old.planId}/publish`, undefined, planTag(old.planId, 1))).status).toBe(200);
    const { rows: [next] } = await w.db.knex.raw(`insert into grid_plans (layer_id, name) values (?, 'next') returning id`, [layerId]);
    const planId = Number(next.id);

    const stale = await w.api.post(`/api/plans/${planId}/publish`, undefined, planTag(planId, 7));
    expect(stale.status).toBe(409);
    expect(stale.etag).toBe(planTag(planId, 1));
    expect(stale.body.error.details.plan.version).toBe(1);
    expect((await w.api.get(`/api/plans/${planId}`)).body.status).toBe('draft');

    const done = await w.api.post(`/api/plans/${planId}/publish`, undefined, planTag(planId, 1));
    expect(done.status).toBe(200);
    expect(done.etag).toBe(planTag(planId, 2));
    expect(done.body).toMatchObject({ plan: { status: 'published', version: 2 }, archived: [old.planId] });
    expect((await w.api.get(`/api/plans/${old.planId}`)).body).toMatchObject({ status: 'archived', version: 3 });
  });
});

import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { editingWorld } from './editing-world';
import { latticeY, NW, planState, tiling } from './plan-fixture';

const w = editingWorld();

const COLS = 8;
const ROWS = 4;
/** Grid of lattice unit (i, j): pairs of units side by side, 16 grids numbered row by row. */
const gridAt = (i: number, j: number) => `${NW}${String(j * (COLS / 2) + Math.floor(i / 2) + 1).padStart(3, '0')}`;

/**
 * A draft plan over 西北社区 (its own area) cut into 8 × 4 units of ≈130 m × 110 m, two units
 * side by side to a grid. Moving any one unit into a neighbouring grid is a valid edit of it:
 * the source keeps one unit, the target grows to three in one piece.
 */
async function latticePlan(knex: Knex) {
  const { rows: [layer] } = await knex.raw(`insert into grid_layers (name, kind) values ('concurrency layer', 'comprehensive') returning id`);
  const { rows: [plan] } = await knex.raw(`insert into grid_plans (layer_id, name, area_code) values (?, 'concurrency plan', ?) returning id`, [layer.id, NW]);
  const planId = Number(plan.id);
  const unit = new Map<string, number>();
  for (let j = 0; j < ROWS; j++) {
    for (let i = 0; i < COLS; i++) {
      const box = [w.o.x0 + (i / COLS) * w.o.dx, latticeY(w.o, j), w.o.x0 + ((i + 1) / COLS) * w.o.dx, latticeY(w.o, j + 1)];
      const { rows: [u] } = await knex.raw(
        `insert into grid_units (plan_id, grid_code, area_code, households, population, geom)
         values (?, ?, ?, 10, 30, ST_Multi(ST_MakeEnvelope(${box.join(', ')}, 4326))) returning id`,
        [planId, gridAt(i, j), NW],
      );
      unit.set(`${i},${j}`, Number(u.id));
    }
  }
  await knex.raw(
    `insert into grids (plan_id, code, kind, area_code, households, population, geom)
     select plan_id, grid_code, 'comprehensive', area_code, sum(households), sum(population), ST_Multi(ST_Union(geom))
       from grid_units where plan_id = ? group by plan_id, grid_code, area_code`,
    [planId],
  );
  return { planId, unit: (i: number, j: number) => unit.get(`${i},${j}`)! };
}

/** Every (unit, neighbouring grid) move of the initial lattice, in a fixed shuffled order. */
function candidateMoves(unit: (i: number, j: number) => number) {
  const moves: { unitId: number; from: string; to: string }[] = [];
  for (let j = 0; j < ROWS; j++) {
    for (let i = 0; i < COLS; i++) {
      const to = new Set<string>();
      for (const [di, dj] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
        const [ni, nj] = [i + di, j + dj];
        if (ni >= 0 && ni < COLS && nj >= 0 && nj < ROWS && gridAt(ni, nj) !== gridAt(i, j)) to.add(gridAt(ni, nj));
      }
      for (const grid of to) moves.push({ unitId: unit(i, j), from: gridAt(i, j), to: grid });
    }
  }
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = moves.length - 1; k > 0; k--) {
    const r = Math.floor(random() * (k + 1));
    [moves[k], moves[r]] = [moves[r], moves[k]];
  }
  return moves;
}

/** Grid ETags by code, as GET /api/plans/:id/grids answers them. */
async function gridTags(planId: number): Promise<Map<string, string>> {
  const { body } = await w.api.get(`/api/plans/${planId}/grids`);
  return new Map(body.features.map((f: any) => [f.properties.code, f.properties.etag]));
}

async function owners(planId: number): Promise<Map<number, string>> {
  const { body } = await w.api.get(`/api/plans/${planId}/units`);
  return new Map(body.features.map((f: any) => [f.id as number, f.properties.grid_code as string]));
}

/** The plan's tiling is exact: no gap, overlap, grid outside or across its community, or grid in pieces; the union is the community. */
async function expectExactTiling(planId: number, when: string) {
  const { body } = await w.api.get(`/api/plans/${planId}/topology`);
  const { gap, overlap, outside_parent, across_parent, multipart } = body.counts;
  expect({ gap, overlap, outside_parent, across_parent, multipart }, when).toEqual({ gap: 0, overlap: 0, outside_parent: 0, across_parent: 0, multipart: 0 });
  const t = await tiling(w.db.knex, planId, NW);
  expect(t.symDiffM2, when).toBeLessThan(0.01);
  expect(t.overlapM2, when).toBeLessThan(0.01);
}

describe('concurrent edits of neighbouring grids', () => {
  it('when 40 edits of neighbouring grids arrive at once, half with stale ETags, then the stale ones and the losers of each race change nothing, every accepted one lands, and the tiling is exact after each', async () => {
    const p = await latticePlan(w.db.knex);
    const staleTags = await gridTags(p.planId); // version 1 everywhere

    // every grid edited and the edit undone: the content is as built, every version has moved on
    let planEtag = (await w.api.get(`/api/plans/${p.planId}`)).etag!;
    for (let j = 0; j < ROWS; j++) {
      for (const i of [1, 5]) {
        const edit = await w.api.edit(p.planId, { op: 'move_units', unitIds: [p.unit(i, j)], toGrid: gridAt(i + 1, j) }, planEtag);
        expect(edit.status).toBe(201);
        const undone = await w.api.undo(p.planId, edit.etag!);
        expect(undone.status).toBe(200);
        planEtag = undone.etag!;
      }
    }
    const start = await planState(w.db.knex, p.planId);
    const startOwners = await owners(p.planId);
    const freshTags = await gridTags(p.planId);
    for (const [code, tag] of freshTags) expect(tag, code).not.toBe(staleTags.get(code));

    const moves = candidateMoves(p.unit).slice(0, 40).map((m, k) => ({ ...m, stale: k % 2 === 1 }));
    const answers = await Promise.all(moves.map((m) => {
      const tags = m.stale ? staleTags : freshTags;
      return w.api.edit(p.planId, { op: 'move_units', unitIds: [m.unitId], toGrid: m.to }, `${tags.get(m.from)}, ${tags.get(m.to)}`);
    }));

    const outcomes = moves.map((m, k) => ({ ...m, ...answers[k] }));
    for (const r of outcomes) {
      if (r.stale) expect(r.status, `stale edit of unit ${r.unitId}`).toBe(409);
      else expect([201, 409], `edit of unit ${r.unitId}: ${JSON.stringify(r.body.error)}`).toContain(r.status);
      if (r.status !== 409) continue;
      expect(r.body.error.code).toBe('stale_version');
      expect(r.etag).toBe(r.body.error.details.plan.etag);
      // the current ETags of the grids named, and of the unit's grid now if an accepted edit moved it
      const current = r.body.error.details.grids.map((g: any) => g.code);
      expect(current).toEqual(expect.arrayContaining([r.from, r.to]));
    }
    const accepted = outcomes.filter((r) => r.status === 201).sort((a, b) => a.body.edit.seq - b.body.edit.seq);
    expect(accepted.length).toBeGreaterThan(0);
    // all fresh edits were sent with the same versions: two that share a grid cannot both win
    const won = accepted.flatMap((r) => [r.from, r.to]);
    expect(new Set(won).size).toBe(won.length);
    // each accepted edit raised the plan's version by one, the rejected ones not at all
    const startVersion = 1 + 2 * ROWS * 2; // built, then 8 edits and 8 undos
    expect(planEtag).toBe(`"plan-${p.planId}-v${startVersion}"`);
    expect(accepted.map((r) => r.body.versions.plan.version)).toEqual(accepted.map((_, k) => startVersion + k + 1));

    // no lost update: each accepted move is there, nothing else moved
    const expected = new Map(startOwners);
    for (const r of accepted) expected.set(r.unitId, r.to);
    expect(await owners(p.planId)).toEqual(expected);
    const { body: grids } = await w.api.get(`/api/plans/${p.planId}/grids`);
    for (const f of grids.features) {
      const winner = accepted.find((r) => r.from === f.properties.code || r.to === f.properties.code);
      expect(f.properties.etag, f.properties.code).toBe(winner ? winner.body.versions.grids.find((g: any) => g.code === f.properties.code).etag : freshTags.get(f.properties.code));
    }
    const { body: history } = await w.api.get(`/api/plans/${p.planId}/edits`);
    expect(history.edits.map((e: any) => e.seq)).toEqual(accepted.map((r) => r.body.edit.seq));

    // the tiling after the last accepted edit, and after each one before it (undoing back to the start)
    planEtag = accepted.at(-1)!.etag!;
    await expectExactTiling(p.planId, `after edit ${accepted.at(-1)!.body.edit.seq}`);
    for (const r of [...accepted].reverse()) {
      const undone = await w.api.undo(p.planId, planEtag);
      expect(undone.status).toBe(200);
      expect(undone.body.edit.seq).toBe(r.body.edit.seq);
      planEtag = undone.etag!;
      await expectExactTiling(p.planId, `before edit ${r.body.edit.seq}`);
    }
    const back = await planState(w.db.knex, p.planId);
    expect(back.grids).toEqual(start.grids);
    expect(back.units).toEqual(start.units);
  });
});

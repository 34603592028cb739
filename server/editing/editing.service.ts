import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import type { Scope } from '../auth/scope';
import { recordAudit } from '../audit/audit.repo';
import { gridChangeEntries, gridStates } from '../audit/grid-changes';
import type { Db } from '../db/knex';
import { conflict, notFound } from '../http/errors';
import { checkIfMatch, gridsNamed, gridVersion, planVersion, type IfMatch } from '../plans/versions';
import * as repo from './editing.repo';
import { requireEditInScope, requirePlanVisible, requireSnapshotsInScope } from './edit-scope';
import type { EditOp, EditRequest, EditResponse, EditSummary, ListUnitsQuery } from './editing.schema';
import { inRange, polsbyPopper, type GridFigures } from './figures';
import { prepareMerge } from './merge-grids';
import { prepareMoveUnits } from './move-units';
import type { PreparedEdit } from './prepared-edit';
import { prepareSplit } from './split-grid';

/**
 * Tiling tolerance: the union of a community's grids may differ from the community by this
 * share of its area (floating-point noise of unions and cuts), and never less than 0.01 m².
 */
export const TILING_RELATIVE_TOLERANCE = 1e-6;
export const TILING_ABSOLUTE_TOLERANCE_M2 = 0.01;

/** The plan's units in the scope as a GeoJSON FeatureCollection, for the client's paint tool. */
export async function unitsOf(db: Db, planId: number, q: ListUnitsQuery, scope: Scope) {
  if (!(await repo.getPlan(db.knex, planId, scope))) throw notFound(`plan ${planId}`);
  return repo.listUnits(db.knex, planId, q, scope);
}

/**
 * Applies one edit to a draft plan, checks the community's tiling and records it, all in one
 * transaction. The plan row and then the grids the edit changes (in id order) are locked
 * before If-Match is checked against their versions, so of two edits sent with one version
 * only the first can pass; the edit raises the plan's version and stamps the grids it wrote.
 * A grid or unit it touches outside the scope is a 403 out_of_scope.
 */
export async function applyEdit(db: Db, planId: number, req: EditRequest, scope: Scope, ifMatch?: IfMatch): Promise<EditResponse> {
  return db.knex.transaction(async (trx) => {
    const plan = await lockedPlan(trx, planId, scope);
    const touched = await gridsTouched(trx, planId, req);
    await requireEditInScope(trx, planId, req, touched, scope);
    const grids = await repo.lockGrids(trx, planId, [...touched, ...gridsNamed(ifMatch)]);
    checkIfMatch(ifMatch, { planId, plan: plan.version, grids }, touched);
    draft(plan);
    const prepared = await prepare(trx, planId, req);
    const before = await figures(trx, planId, prepared.beforeCodes);
    const beforeRows = await repo.snapshot(trx, planId, prepared.beforeCodes);
    const audited = await gridStates(trx, planId, prepared.beforeCodes);

    await prepared.apply();
    const invalid = await repo.invalidUnions(trx, planId, prepared.afterCodes);
    if (invalid.length) {
      throw conflict('tiling_broken', `the edit would make grid ${invalid[0].code} invalid: ${invalid[0].reason}`, { invalid });
    }
    await repo.recomputeGrids(trx, planId, prepared.afterCodes);
    const microGridsRemoved = await repo.deleteMicroGrids(trx, planId, prepared.beforeCodes);
    await checkTiling(trx, planId, prepared.community);
    const version = await repo.bumpVersions(trx, planId, prepared.afterCodes);

    const afterRows = await repo.snapshot(trx, planId, prepared.afterCodes);
    const seq = await repo.nextSeq(trx, planId);
    await repo.discardUndone(trx, planId);
    const row = await repo.insertEdit(trx, planId, seq, { op: req.op, ...prepared.args }, beforeRows, afterRows);
    await recordAudit(trx, gridChangeEntries(planId, `grid.${req.op}`, audited, await gridStates(trx, planId, prepared.afterCodes)));
    return {
      edit: summary(row),
      before,
      after: await figures(trx, planId, prepared.afterCodes),
      microGridsRemoved,
      microGridsRestored: 0,
      versions: versionsOf(planId, version, prepared.afterCodes),
    };
  });
}

/**
 * Restores the rows the latest edit replaced, exactly as they were; If-Match takes the plan's
 * ETag. A 403 out_of_scope when that edit touched a grid outside the scope.
 */
export async function undo(db: Db, planId: number, scope: Scope, ifMatch?: IfMatch): Promise<EditResponse> {
  return db.knex.transaction(async (trx) => {
    await wholePlanWrite(trx, planId, scope, ifMatch);
    const edit = await repo.lastDone(trx, planId);
    if (!edit) throw conflict('nothing_to_undo', `plan ${planId} has no edit to undo`);
    requireSnapshotsInScope(edit.seq, [edit.before, edit.after], scope, 'undo');
    return revert(trx, planId, edit, edit.after, edit.before, true);
  });
}

/** Re-applies the edit undone last, writing exactly the rows it wrote; If-Match takes the plan's ETag; out of scope as undo. */
export async function redo(db: Db, planId: number, scope: Scope, ifMatch?: IfMatch): Promise<EditResponse> {
  return db.knex.transaction(async (trx) => {
    await wholePlanWrite(trx, planId, scope, ifMatch);
    const edit = await repo.firstUndone(trx, planId);
    if (!edit) throw conflict('nothing_to_redo', `plan ${planId} has no undone edit to redo`);
    requireSnapshotsInScope(edit.seq, [edit.before, edit.after], scope, 'redo');
    return revert(trx, planId, edit, edit.before, edit.after, false);
  });
}

/**
 * A plan's edit history, oldest first, and whether undo/redo are possible: of the edits that
 * touched a grid in the scope (the plan's history is one stack: undo may still meet, and refuse,
 * a later edit of another area).
 */
export async function history(db: Db, planId: number, scope: Scope) {
  if (!(await repo.getPlan(db.knex, planId, scope))) throw notFound(`plan ${planId}`);
  const rows = await repo.listEdits(db.knex, planId, scope);
  return {
    planId,
    canUndo: rows.some((r) => !r.undone),
    canRedo: rows.some((r) => r.undone),
    edits: rows.map((r) => ({ ...summary(r), beforeGrids: r.before_grids, afterGrids: r.after_grids })),
  };
}

// ---------------------------------------------------------------------------------------

async function lockedPlan(trx: Knex.Transaction, planId: number, scope: Scope) {
  const plan = await repo.lockPlan(trx, planId);
  if (!plan) throw notFound(`plan ${planId}`);
  await requirePlanVisible(trx, planId, scope);
  return plan;
}

function draft(plan: repo.PlanRow) {
  if (plan.status !== 'draft') {
    throw conflict('plan_not_draft', `plan ${plan.id} is ${plan.status}; only draft plans can be edited`, { plan: plan.id, status: plan.status });
  }
}

/** Undo and redo: the plan locked, If-Match checked against its version, a draft. */
async function wholePlanWrite(trx: Knex.Transaction, planId: number, scope: Scope, ifMatch: IfMatch | undefined) {
  const plan = await lockedPlan(trx, planId, scope);
  checkIfMatch(ifMatch, { planId, plan: plan.version, grids: new Map() });
  draft(plan);
}

/**
 * The existing grids an edit will change, known before it is checked: the target and the
 * grids of the units moved, the grid split, the two grids merged.
 */
async function gridsTouched(trx: Knex.Transaction, planId: number, req: EditRequest): Promise<string[]> {
  switch (req.op) {
    case 'move_units': return [req.toGrid, ...(await repo.unitsById(trx, planId, req.unitIds)).map((u) => u.grid_code)];
    case 'split': return [req.grid];
    case 'merge': return [...req.grids];
  }
}

const versionsOf = (planId: number, version: number, codes: string[]) => ({
  plan: planVersion(planId, version),
  grids: codes.map((code) => gridVersion(planId, code, version)),
});

function prepare(trx: Knex.Transaction, planId: number, req: EditRequest): Promise<PreparedEdit> {
  switch (req.op) {
    case 'move_units': return prepareMoveUnits(trx, planId, req.unitIds, req.toGrid);
    case 'split': return prepareSplit(trx, planId, req.grid, req.line);
    case 'merge': return prepareMerge(trx, planId, req.grids);
  }
}

/**
 * Swaps the rows of snapshot `from` (what the plan holds now) for `to`, after checking the
 * plan still holds `from` exactly, so an undo never overwrites changes made around the editor.
 */
async function revert(
  trx: Knex.Transaction, planId: number, edit: repo.EditRow, from: repo.Snapshot, to: repo.Snapshot, undone: boolean,
): Promise<EditResponse> {
  const fromCodes = editableCodes(from);
  const toCodes = editableCodes(to);
  await repo.lockGrids(trx, planId, fromCodes);
  const now = await repo.snapshot(trx, planId, fromCodes);
  if (!isDeepStrictEqual(now, from)) {
    throw conflict('history_stale', `grids ${fromCodes.join(', ')} changed since edit ${edit.seq}; it can no longer be ${undone ? 'undone' : 'redone'}`,
      { seq: edit.seq, grids: fromCodes });
  }
  const before = await figures(trx, planId, fromCodes);
  const audited = await gridStates(trx, planId, fromCodes);
  const version = await repo.bumpVersions(trx, planId, []);
  await repo.restoreSnapshot(trx, planId, from, to, version);
  await repo.setUndone(trx, edit.id, undone);
  await recordAudit(trx, gridChangeEntries(planId, undone ? 'grid.undo' : 'grid.redo', audited, await gridStates(trx, planId, toCodes)));
  const micro = (s: repo.Snapshot) => s.grids.filter((g) => g.kind === 'micro').length;
  return {
    edit: summary({ ...edit, undone }),
    before,
    after: await figures(trx, planId, toCodes),
    microGridsRemoved: Math.max(0, micro(from) - micro(to)),
    microGridsRestored: Math.max(0, micro(to) - micro(from)),
    versions: versionsOf(planId, version, toCodes),
  };
}

const editableCodes = (s: repo.Snapshot) =>
  [...new Set(s.grids.filter((g) => g.kind !== 'micro').map((g) => g.code as string))].sort();

async function checkTiling(trx: Knex.Transaction, planId: number, community: string) {
  const t = await repo.tilingReport(trx, planId, community);
  const tolerance = Math.max(TILING_RELATIVE_TOLERANCE * t.communityM2, TILING_ABSOLUTE_TOLERANCE_M2);
  const problems: string[] = [];
  if (t.symDiffM2 > tolerance) {
    problems.push(`its grids differ from the community by ${t.symDiffM2.toFixed(3)} m² (tolerance ${tolerance.toFixed(3)} m²)`);
  }
  for (const o of t.overlaps) problems.push(`grids ${o.a} and ${o.b} overlap by ${o.areaM2.toFixed(3)} m²`);
  for (const i of t.invalid) problems.push(`grid ${i.code} is invalid: ${i.reason}`);
  if (problems.length) {
    throw conflict('tiling_broken', `the edit would break the tiling of community ${community}: ${problems.join('; ')}; nothing was changed`,
      { community, ...t, toleranceM2: tolerance });
  }
}

async function figures(k: Knex, planId: number, codes: string[]): Promise<GridFigures[]> {
  const rows = await repo.figureRows(k, planId, codes);
  return rows.map(({ perimeter_m, ...r }) => ({
    ...r,
    polsby_popper: polsbyPopper(r.area_m2, perimeter_m),
    in_range: inRange(r.households, r.target_min, r.target_max),
  }));
}

function summary(r: { seq: number; op: Record<string, unknown> & { op: string }; undone: boolean; created_at: string }): EditSummary {
  const { op, ...args } = r.op;
  return { seq: r.seq, op: op as EditOp, args, undone: r.undone, createdAt: r.created_at };
}

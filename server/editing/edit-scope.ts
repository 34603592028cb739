import type { Knex } from 'knex';
import { inScope, outOfScope, type Scope } from '../auth/scope';
import { notFound } from '../http/errors';
import { planVisibleSql } from '../plans/plans.repo';
import type { EditRequest } from './editing.schema';
import type { Snapshot } from './editing.repo';

/** A 404 unless the plan is visible in the scope (a plan the caller cannot see does not exist for it). */
export async function requirePlanVisible(k: Knex, planId: number, scope: Scope): Promise<void> {
  if (scope.prefix === '') return;
  const { rows } = await k.raw(`select 1 from grid_plans p join grid_layers l on l.id = p.layer_id where p.id = ? and ${planVisibleSql(scope)}`, [planId]);
  if (!rows.length) throw notFound(`plan ${planId}`);
}

/**
 * A 403 out_of_scope, naming the area, when an edit touches a grid outside the scope: the grids
 * it names (`touched`: target, sources, the grid split, the grids merged) and, when it moves
 * units, their communities. Names that are no grid or unit are left to the edit's own checks.
 */
export async function requireEditInScope(trx: Knex.Transaction, planId: number, req: EditRequest, touched: string[], scope: Scope): Promise<void> {
  if (scope.prefix === '') return;
  const codes = [...new Set(touched)];
  if (codes.length) {
    const { rows } = await trx.raw(
      `select code, area_code from grids where plan_id = ? and code in (${codes.map(() => '?').join(', ')}) order by code`,
      [planId, ...codes],
    );
    const outside = (rows as { code: string; area_code: string | null }[]).find((g) => !inScope(scope, g.area_code));
    if (outside) throw outOfScope(scope, outside.area_code, `grid ${outside.code}`);
  }
  if (req.op === 'move_units' && req.unitIds.length) {
    const ids = [...new Set(req.unitIds)];
    const { rows } = await trx.raw(
      `select id, area_code from grid_units where plan_id = ? and id in (${ids.map(() => '?').join(', ')}) order by id`,
      [planId, ...ids],
    );
    const outside = (rows as { id: number; area_code: string | null }[]).find((u) => !inScope(scope, u.area_code));
    if (outside) throw outOfScope(scope, outside.area_code, `unit ${outside.id}`);
  }
}

/** A 403 out_of_scope when undoing or redoing an edit would write a grid outside the scope (what it replaced or wrote). */
export function requireSnapshotsInScope(seq: number, snapshots: Snapshot[], scope: Scope, verb: 'undo' | 'redo'): void {
  for (const s of snapshots) {
    for (const g of s.grids) {
      const area = (g.area_code as string | null) ?? null;
      if (!inScope(scope, area)) throw outOfScope(scope, area, `${verb === 'undo' ? 'undoing' : 'redoing'} edit ${seq}: grid ${String(g.code)}`);
    }
  }
}

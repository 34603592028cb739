import type { Knex } from 'knex';
import { areaVisible, geomInScopeCondition, inScope, type Scope } from '../auth/scope';
import { AppError } from '../http/errors';
import { listed } from '../editing/edit-errors';
import type { ImportTarget } from './import.schema';

/** One feature of an upload, as the scope check needs it. */
export interface ScopedEntry {
  index: number;
  id: string | null;
  values: Record<string, unknown>;
  geometry?: unknown;
}

/** Targets whose features carry an area code (the column), checked against the scope. */
const AREA_COLUMN: Partial<Record<ImportTarget, string>> = { areas: 'code', address_points: 'area_code', grids: 'area_code' };

/** Targets located by geometry only, in the scope when they intersect its area (as hazards read them). */
const LOCATED: readonly ImportTarget[] = ['hazards', 'response_points'];

/**
 * A 403 out_of_scope when a bounded scope imports outside itself, naming the areas and the
 * features: areas whose code, address points and grids whose area_code (none counts as outside)
 * lie outside the scope; hazard sources and response points that do not touch the scope's area;
 * barriers at all (shared infrastructure, one network for every area); grids into a layer not
 * visible in the scope. Nothing is written.
 */
export async function requireImportInScope(knex: Knex, target: ImportTarget, entries: ScopedEntry[], scope: Scope, layer?: string): Promise<void> {
  if (scope.prefix === '') return;
  const refuse = (outside: { index: number; id: string | null; area: string | null }[]) => {
    const areas = [...new Set(outside.map((o) => o.area ?? 'none'))];
    throw new AppError(403, 'out_of_scope',
      `${listed('feature', outside.map((o) => o.index))} ${outside.length === 1 ? 'names' : 'name'} ${listed('area', areas)}, outside your scope (area ${scope.areaCode}); nothing was imported`,
      { scope: scope.areaCode, areas, features: outside.slice(0, 100) });
  };
  if (target === 'barriers') {
    throw new AppError(403, 'out_of_scope',
      `barriers are shared by every area: only a user or token with no area (every area) may import them, not one scoped to area ${scope.areaCode}`,
      { scope: scope.areaCode, area: null });
  }
  const column = AREA_COLUMN[target];
  if (column) {
    const outside = entries
      .filter((e) => column in e.values) // a feature whose values could not be read is a 400 of its own
      .map((e) => ({ index: e.index, id: e.id, area: typeof e.values[column] === 'string' ? (e.values[column] as string) : null }))
      .filter((e) => !inScope(scope, e.area));
    if (outside.length) refuse(outside);
  }
  if (target === 'grids' && layer !== undefined) {
    const { rows: [l] } = await knex.raw('select id, area_code from grid_layers where name = ?', [layer]);
    if (l && !areaVisible(scope, l.area_code)) {
      throw new AppError(403, 'out_of_scope', `layer ${l.id} (${layer}) lies in area ${l.area_code}, outside your scope (area ${scope.areaCode})`,
        { area: l.area_code, scope: scope.areaCode });
    }
  }
  if (LOCATED.includes(target)) {
    const located = entries.filter((e) => e.geometry).map((e) => ({ i: e.index, g: e.geometry }));
    if (!located.length) return;
    const { rows } = await knex.raw(
      `select t.i from json_to_recordset(?::json) as t(i int, g json)
        where not ${geomInScopeCondition('ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(t.g::text), 4326))', scope)} order by t.i`,
      [JSON.stringify(located)],
    );
    const byIndex = new Map(entries.map((e) => [e.index, e]));
    const outside = (rows as { i: number }[]).map((r) => ({ index: r.i, id: byIndex.get(r.i)?.id ?? null, area: null }));
    if (outside.length) {
      throw new AppError(403, 'out_of_scope',
        `${listed('feature', outside.map((o) => o.index))} lie${outside.length === 1 ? 's' : ''} outside area ${scope.areaCode}, your scope; nothing was imported`,
        { scope: scope.areaCode, area: scope.areaCode, features: outside.slice(0, 100) });
    }
  }
}

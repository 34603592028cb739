import type { Knex } from 'knex';
import { areaVisibleCondition, geomInScopeCondition, scopeCondition, type Scope } from '../auth/scope';
import type { AREA_LEVELS } from '../db/migrations/001_core_schema';
import { AppError, notFound } from '../http/errors';
import { gridExportSql, planHead } from '../plans/plans.repo';
import type { ExportColumn, ExportLayer } from './layer';

// The exportable layers: admin areas, a plan's grids (any layer kind), hazard sources, response
// points; each holds only what lies in the caller's scope.

type AreaLevel = (typeof AREA_LEVELS)[number];

/** GridProperties as columns; the shapefile cuts polsby_popper and parent_grid_code to 10 characters. */
export const GRID_COLUMNS: ExportColumn[] = [
  { name: 'code', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'area_code', type: 'text', dbf: { length: 12 } },
  { name: 'name', type: 'text' },
  { name: 'households', type: 'integer' },
  { name: 'population', type: 'integer' },
  { name: 'area_m2', type: 'double', dbf: { decimals: 2 } },
  { name: 'polsby_popper', type: 'double', dbf: { name: 'polsby_pop', length: 10 } },
  { name: 'target_min', type: 'double', dbf: { length: 12, decimals: 0 } },
  { name: 'target_max', type: 'double', dbf: { length: 12, decimals: 0 } },
  { name: 'in_range', type: 'boolean' },
  { name: 'parent_grid_code', type: 'text', dbf: { name: 'parent_gri' } },
];

export const AREA_COLUMNS: ExportColumn[] = [
  { name: 'code', type: 'text', dbf: { length: 12 } },
  { name: 'name', type: 'text' },
  { name: 'level', type: 'text' },
  { name: 'parent_code', type: 'text', dbf: { name: 'parent_cod', length: 12 } },
];

/** `id` is the external id (ext_id), the key an import matches on. */
export const HAZARD_COLUMNS: ExportColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'level', type: 'text' },
  { name: 'name', type: 'text' },
];

export const RESPONSE_POINT_COLUMNS: ExportColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'name', type: 'text' },
];

const LEVEL_NAMES: Record<AreaLevel, string> = { district: '区县', street: '街道', community: '社区' };

/** Admin areas in the scope, all or one level: "行政区划-街道". */
export function areasLayer(scope: Scope, level?: AreaLevel): ExportLayer {
  return {
    name: level ? `行政区划-${LEVEL_NAMES[level]}` : '行政区划',
    title: level ? `行政区划 ${LEVEL_NAMES[level]}` : '行政区划',
    table: 'admin_areas',
    description: level ? `administrative areas, ${level} level` : 'administrative areas',
    geometryType: 'MULTIPOLYGON',
    columns: AREA_COLUMNS,
    sql: {
      select: 'a.code, a.name, a.level, a.parent_code',
      from: 'admin_areas a',
      where: `(cast(? as text) is null or a.level = cast(? as text)) and ${scopeCondition('a.code', scope)}`,
      bindings: [level ?? null, level ?? null],
      key: 'a.code',
      geom: 'a.geom',
    },
  };
}

/** A plan's grids in the scope, optionally one kind: "<layer>-<plan>[-<kind>]"; 404 for an unknown plan or one not visible in the scope. */
export async function planGridsLayer(knex: Knex, planId: number, scope: Scope, kind?: string): Promise<ExportLayer> {
  const plan = await planHead(knex, planId, scope);
  if (!plan) throw notFound(`plan ${planId}`);
  return {
    name: `${plan.layer_name}-${plan.name}${kind ? `-${kind}` : ''}`,
    title: `${plan.layer_name} ${plan.name}`,
    table: 'grids',
    description: `grid plan ${plan.id}${kind ? `, ${kind} grids` : ''}`,
    geometryType: 'MULTIPOLYGON',
    columns: GRID_COLUMNS,
    sql: gridExportSql(plan.id, scope, kind),
  };
}

/**
 * The published plan of a grid layer (comprehensive, police, emergency, …), its grids in the
 * scope; 404 for an unknown layer, one not visible in the scope, or one with no published plan.
 */
export async function layerGridsLayer(knex: Knex, layerId: number, scope: Scope, kind?: string): Promise<ExportLayer> {
  const { rows } = await knex.raw(
    `select l.name, p.id as plan_id from grid_layers l left join grid_plans p on p.layer_id = l.id and p.status = 'published'
      where l.id = ? and ${areaVisibleCondition('l.area_code', scope)}`,
    [layerId],
  );
  if (!rows.length) throw notFound(`layer ${layerId}`);
  if (rows[0].plan_id === null) {
    throw new AppError(404, 'no_published_plan', `layer ${layerId} (${rows[0].name}) has no published plan; export one of its plans with GET /api/plans/:id/export`);
  }
  return planGridsLayer(knex, Number(rows[0].plan_id), scope, kind);
}

/** Hazard sources (风险源) in the scope (by location): points, lines and polygons in one layer. */
export const hazardsLayer = (scope: Scope): ExportLayer => ({
  name: '风险源',
  title: '风险源',
  table: 'hazard_sources',
  description: 'hazard sources',
  geometryType: 'GEOMETRY',
  columns: HAZARD_COLUMNS,
  sql: { select: 'h.ext_id as id, h.type, h.level, h.name', from: 'hazard_sources h', where: geomInScopeCondition('h.geom', scope), bindings: [], key: 'h.id', geom: 'h.geom' },
});

/** Quick-response points (快速反应点) in the scope (by location). */
export const responsePointsLayer = (scope: Scope): ExportLayer => ({
  name: '快速反应点',
  title: '快速反应点',
  table: 'response_points',
  description: 'quick-response points: police stations, quick-response posts, patrol points, fire stations',
  geometryType: 'POINT',
  columns: RESPONSE_POINT_COLUMNS,
  sql: { select: 'r.ext_id as id, r.kind, r.name', from: 'response_points r', where: geomInScopeCondition('r.geom', scope), bindings: [], key: 'r.id', geom: 'r.geom' },
});

import type { Knex } from 'knex';
import { commonArea } from '../auth/scope';
import { recordAudit } from '../audit/audit.repo';
import type { GridKind } from './import.schema';
import type { TargetSpec } from './targets';

/** Rows per insert statement: large enough to amortise the round trip, small enough for PGlite's memory. */
const INSERT_BATCH = 2000;

const asJsonArray = (values: string[]) => JSON.stringify(values);

/** Which of `keys` the target table already holds (for grids: within the plan). */
export async function existingKeys(knex: Knex, spec: TargetSpec, keys: string[], planId?: number): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const inPlan = planId === undefined ? '' : 'plan_id = ? and';
  const { rows } = await knex.raw(
    `select ${spec.key}::text as key from ${spec.table} where ${inPlan} ${spec.key} in (select jsonb_array_elements_text(?::jsonb))`,
    planId === undefined ? [asJsonArray(keys)] : [planId, asJsonArray(keys)],
  );
  return new Set((rows as { key: string }[]).map((r) => r.key));
}

/** Which of `codes` are admin areas in the database. */
export async function existingAreaCodes(knex: Knex, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const { rows } = await knex.raw(
    `select code::text as code from admin_areas where code in (select jsonb_array_elements_text(?::jsonb))`,
    [asJsonArray(codes)],
  );
  return new Set((rows as { code: string }[]).map((r) => r.code));
}

export async function findLayer(knex: Knex, name: string): Promise<{ id: number; kind: GridKind } | undefined> {
  const { rows } = await knex.raw('select id, kind from grid_layers where name = ?', [name]);
  return rows[0];
}

export async function findPlanId(knex: Knex, layerId: number, name: string): Promise<number | undefined> {
  const { rows } = await knex.raw('select id from grid_plans where layer_id = ? and name = ?', [layerId, name]);
  return rows[0]?.id;
}

/** A new layer (and plan, below) of imported grids takes the smallest loaded area holding them all, so planners of that area can publish it. */
export async function createLayer(knex: Knex, name: string, kind: GridKind, areaCode: string | null): Promise<number> {
  const { rows } = await knex.raw('insert into grid_layers (name, kind, area_code) values (?, ?, ?) returning id', [name, kind, areaCode]);
  await recordAudit(knex, { action: 'layer.create', entity: 'layer', entityId: String(rows[0].id), areaCode, after: { id: rows[0].id, name, kind, areaCode, by: 'import' } });
  return rows[0].id;
}

export async function createPlan(knex: Knex, layerId: number, name: string, areaCode: string | null): Promise<number> {
  const { rows } = await knex.raw('insert into grid_plans (layer_id, name, area_code) values (?, ?, ?) returning id', [layerId, name, areaCode]);
  await recordAudit(knex, { action: 'plan.create', entity: 'plan', entityId: String(rows[0].id), areaCode, after: { id: rows[0].id, layerId, name, status: 'draft', areaCode, by: 'import' } });
  return rows[0].id;
}

/** The smallest area in the database whose subtree holds all these area codes (see commonArea), or null. */
export async function loadedCommonArea(knex: Knex, codes: readonly (string | null | undefined)[]): Promise<string | null> {
  const code = commonArea(codes);
  return code && (await knex('admin_areas').where({ code }).first('code')) ? code : null;
}

/**
 * Inserts rows (column values + `properties` + GeoJSON `g`, already WGS84 and valid) in batches
 * through json_to_recordset; polygons get RFC 7946 winding (exterior counter-clockwise).
 */
export async function insertRows(
  knex: Knex,
  spec: TargetSpec,
  extraColumns: { column: string; sqlType: string }[],
  rows: Record<string, unknown>[],
  onBatch?: (done: number) => void,
): Promise<void> {
  const columns = [...spec.properties.map((p) => ({ column: p.column, sqlType: p.sqlType })), ...extraColumns];
  const names = columns.map((c) => c.column).join(', ');
  let geom = 'ST_SetSRID(ST_GeomFromGeoJSON(g::text), 4326)';
  if (spec.multi) geom = `ST_Multi(${geom})`;
  if (spec.geometryTypes.includes('Polygon')) geom = `ST_ForcePolygonCCW(${geom})`;
  const sql = `insert into ${spec.table} (${names}, properties, geom)
    select ${names}, properties, ${geom}
    from json_to_recordset(?::json) as t(${columns.map((c) => `${c.column} ${c.sqlType}`).join(', ')}, properties jsonb, g json)`;
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await knex.raw(sql, [JSON.stringify(rows.slice(start, start + INSERT_BATCH))]);
    onBatch?.(Math.min(start + INSERT_BATCH, rows.length));
  }
}

export async function logImport(
  knex: Knex,
  entry: { target: string; filename: string | null; format: string; crs: string; featureCount: number },
): Promise<number> {
  const { rows } = await knex.raw(
    'insert into imports (target, filename, format, crs, feature_count) values (?, ?, ?, ?, ?) returning id',
    [entry.target, entry.filename, entry.format, entry.crs, entry.featureCount],
  );
  return rows[0].id;
}

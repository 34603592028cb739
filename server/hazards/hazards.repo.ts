import type { Knex } from 'knex';
import { geomInScopeCondition, type Scope } from '../auth/scope';

/** `geomInScopeCondition` (auth/scope.ts) in the { sql, bindings } form of this module's queries. */
export const geomInScopeSql = (column: string, scope: Scope): { sql: string; bindings: string[] } => ({ sql: geomInScopeCondition(column, scope), bindings: [] });

export interface HazardSourceRow { id: number; ext_id: string | null; type: string; level: string | null; name: string | null; geometry: unknown }

/** The hazard sources in the scope (by location), GeoJSON geometry at 7 decimals, by id. */
export async function hazardSources(knex: Knex, scope: Scope): Promise<HazardSourceRow[]> {
  const within = geomInScopeSql('h.geom', scope);
  const { rows } = await knex.raw(
    `select h.id, h.ext_id, h.type, h.level, h.name, ST_AsGeoJSON(h.geom, 7)::json as geometry from hazard_sources h where ${within.sql} order by h.id`,
    within.bindings);
  return rows;
}

/** One hazard source in the scope (type, name, geometry as hex EWKB), or null: none with that id, or outside the scope. */
export async function hazardSourceInScope(knex: Knex, id: number, scope: Scope): Promise<{ type: string; name: string | null; geom: string } | null> {
  const within = geomInScopeSql('h.geom', scope);
  const { rows } = await knex.raw(`select h.type, h.name, ST_AsHexEWKB(h.geom) as geom from hazard_sources h where h.id = ? and ${within.sql}`, [id, ...within.bindings]);
  return rows[0] ?? null;
}

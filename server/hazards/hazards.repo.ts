import type { Knex } from 'knex';
import type { Scope } from '../auth/scope';

/**
 * SQL condition (with bindings) that a geometry column lies in the scope: it intersects the
 * geometry of the scope's root area (`admin_areas.geom` of `scope.areaCode`); 'true' for the
 * unbounded scope. For what has a location but no area code: hazard sources, response points,
 * address points. The area's geometry is a scalar subquery, evaluated once per statement, so a
 * GiST index on the column serves the condition (an index scan on `&&`, then the exact test);
 * a scope whose area is not loaded holds nothing.
 */
export function geomInScopeSql(column: string, scope: Scope): { sql: string; bindings: string[] } {
  if (scope.prefix === '') return { sql: 'true', bindings: [] };
  return { sql: `ST_Intersects(${column}, (select a.geom from admin_areas a where a.code = ?))`, bindings: [scope.areaCode!] };
}

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

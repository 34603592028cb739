import type { Knex } from 'knex';
import { EVERYWHERE, scopeCondition, type Scope } from '../auth/scope';
import { geomInScopeSql } from '../hazards/hazards.repo';
import { oneRow } from '../db/rows';
import type { GridOutside } from './reach.schema';
import type { RoadEdge } from './road-isochrone';

export interface ResponsePoint { id: number; kind: string; name: string | null; lng: number; lat: number }

/** The response points in the scope (by location), of the kinds given (default all), by id. */
export async function responsePoints(knex: Knex, kinds?: string[], scope: Scope = EVERYWHERE): Promise<ResponsePoint[]> {
  const within = geomInScopeSql('r.geom', scope);
  const { rows } = await knex.raw(
    `select r.id::int as id, r.kind, r.name, ST_X(r.geom) as lng, ST_Y(r.geom) as lat from response_points r
     where (cast(? as text[]) is null or r.kind = any(cast(? as text[]))) and ${within.sql} order by r.id`,
    [kinds ?? null, kinds ?? null, ...within.bindings],
  );
  return rows;
}

export interface ResponsePointFeatureRow { id: number; ext_id: string | null; kind: string; name: string | null; properties: Record<string, unknown>; geometry: unknown }

/** The response points in the scope (by location) with their properties and GeoJSON geometry (7 decimals), by id. */
export async function responsePointFeatures(knex: Knex, scope: Scope): Promise<ResponsePointFeatureRow[]> {
  const within = geomInScopeSql('r.geom', scope);
  const { rows } = await knex.raw(
    `select r.id::int as id, r.ext_id, r.kind, r.name, r.properties, ST_AsGeoJSON(r.geom, 7)::json as geometry from response_points r where ${within.sql} order by r.id`,
    within.bindings);
  return rows;
}

/**
 * The loaded roads, noded (cut where they cross, on a 1e-9° grid) so that roads meet only at
 * their ends, with geodesic lengths. Empty when no roads are loaded.
 */
export async function roadEdges(knex: Knex): Promise<RoadEdge[]> {
  const { rows: [loaded] } = await knex.raw(`select exists (select 1 from barriers where class = 'road') as any`);
  if (!loaded.any) return [];
  const row = await oneRow<{ edges: { c: [number, number][]; m: number }[] | null }>(knex,
    `select json_agg(json_build_object('c', ST_AsGeoJSON(d.geom, 9)::json->'coordinates', 'm', ST_Length(d.geom::geography))) as edges
     from (select (ST_Dump(ST_UnaryUnion(ST_Collect(geom), 1e-9))).geom from barriers where class = 'road') d
     where ST_GeometryType(d.geom) = 'ST_LineString'`,
    [], 'noding the road network');
  if (!row.edges) throw new Error('the geometry engine returned no roads while noding the road network');
  return row.edges.map((e) => ({ coords: e.c, lengthM: e.m }));
}

/**
 * Reach areas in metres (UTM `srid`): per budget, the reached road stretches buffered by
 * `offRoadM` and discs of min(offRoadM, budget) around the origins (road mode), or discs of
 * the budget around the origins (straight mode, `stretches` empty). GeoJSON in WGS84.
 */
export async function reachAreas(knex: Knex, srid: number, origins: [number, number][], budgets: { budgetM: number; stretches: [number, number][][]; offRoadM: number | null }[]): Promise<{ geometry: unknown; areaM2: number }[]> {
  const out = [];
  for (const b of budgets) {
    const discM = b.offRoadM === null ? b.budgetM : Math.min(b.offRoadM, b.budgetM);
    const row = await oneRow<{ geojson: string; m2: number }>(knex,
      `with parts as (
         select ST_Buffer(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:points), 4326), cast(:srid as int)), :disc, 'quad_segs=16') as g
         union all
         -- one buffer per stretch, then a cascaded union: buffering the whole MultiLineString at once is 40× slower
         select ST_Buffer(d.geom, :off, 'quad_segs=4')
         from ST_Dump(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:lines), 4326), cast(:srid as int))) d
         where cast(:off as float8) > 0 and cast(:hasLines as boolean)
       ), area as (select ST_Multi(ST_Union(g, 0.01)) as g from parts) -- snap-rounded to 1 cm: the embedded GEOS fails silently on floating unions
       select ST_AsGeoJSON(ST_Transform(g, 4326), 7) as geojson, ST_Area(g) as m2 from area`,
      {
        points: JSON.stringify({ type: 'MultiPoint', coordinates: origins }),
        lines: JSON.stringify({ type: 'MultiLineString', coordinates: b.stretches.length ? b.stretches : [[origins[0], origins[0]]] }),
        srid, disc: discM, off: b.offRoadM ?? 0, hasLines: b.stretches.length > 0,
      },
      'buffering the reach area');
    out.push({ geometry: JSON.parse(row.geojson), areaM2: row.m2 });
  }
  return out;
}

/**
 * The plan's comprehensive and dedicated grids not wholly within `area` (GeoJSON), with the
 * share of their area inside and the households at their address points outside. A bounded
 * scope checks only its grids (by `grids.area_code`).
 */
export async function gridsOutside(knex: Knex, planId: number, area: unknown, scope: Scope = EVERYWHERE): Promise<{ total: number; outside: GridOutside[] }> {
  const row = await oneRow<{ total: number; outside: GridOutside[] | null }>(knex,
    `with r as (select ST_Subdivide(ST_SetSRID(ST_GeomFromGeoJSON(:area), 4326), 128) as g),
     s as (
       select g.code, g.name, g.geom, ST_Area(g.geom) as area,
              (select coalesce(sum(ST_Area(ST_Intersection(g.geom, r.g, 1e-9))), 0) from r where r.g && g.geom) as inside
       from grids g where g.plan_id = :plan and g.kind in ('comprehensive', 'dedicated') and ${scopeCondition('g.area_code', scope)}
     ),
     o as (
       select s.code, s.name, least(1, s.inside / s.area) as share, h.households, h.households - h.reached as outside
       from s cross join lateral (
         select coalesce(sum(p.households), 0)::int as households,
                coalesce(sum(p.households) filter (where s.inside > 0 and exists (select 1 from r where r.g && p.geom and ST_Covers(r.g, p.geom))), 0)::int as reached
         from address_points p where p.geom && s.geom and ST_Covers(s.geom, p.geom)
       ) h
       where s.inside < s.area * (1 - 1e-6)
     )
     select (select count(*)::int from s) as total,
            (select json_agg(json_build_object('code', code, 'name', name, 'households', households, 'reachShare', share, 'householdsOutside', outside)
                             order by outside desc, share, code) from o) as outside`,
    { area: JSON.stringify(area), plan: planId },
    'measuring the grids outside the reach');
  return { total: row.total, outside: row.outside ?? [] };
}

import type { Knex } from 'knex';
import { areaVisibleCondition, inScope, scopeCondition, whereInScope, type Scope } from '../auth/scope';
import type { Bbox } from '../http/validate';
import type { ListAreasQuery, ListGridsQuery } from './areas.schema';

const bboxFilter = (q: Knex.QueryBuilder, bbox: Bbox | undefined, column = 'geom') =>
  bbox ? q.whereRaw(`${column} && ST_MakeEnvelope(?, ?, ?, ?, 4326)`, [bbox.minLng, bbox.minLat, bbox.maxLng, bbox.maxLat]) : q;

/** Areas in the scope (its subtree, by code). */
export async function listAreas(knex: Knex, q: ListAreasQuery, scope: Scope) {
  const base = knex('admin_areas').modify((b) => {
    whereInScope(b, 'code', scope);
    if (q.level) b.where('level', q.level);
    if (q.parent) b.where('parent_code', q.parent);
    bboxFilter(b, q.bbox);
  });
  const geometry = q.geometry === 'label' ? 'ST_AsGeoJSON(ST_PointOnSurface(geom), 6)' : 'ST_AsGeoJSON(geom, 7)';
  const [rows, [{ n }]] = await Promise.all([
    base.clone().select('code', 'name', 'level', 'parent_code', knex.raw(`${geometry} as geojson`))
      .orderBy('code').limit(q.limit).offset(q.offset),
    base.clone().select(knex.raw('count(*)::int as n')),
  ]);
  return { rows, numberMatched: n as number };
}

/** One area with what lies inside it: households and population of its address points, area in m²; undefined outside the scope. */
export async function getArea(knex: Knex, code: string, scope: Scope) {
  if (!inScope(scope, code)) return undefined;
  const { rows } = await knex.raw(
    `select a.code, a.name, a.level, a.parent_code, a.properties,
            ST_Area(a.geom::geography) as "areaM2",
            ST_AsGeoJSON(a.geom, 7) as geojson,
            (select count(*)::int from admin_areas c where c.parent_code = a.code) as children,
            s.households, s.population, s."addressPoints"
       from admin_areas a
       cross join lateral (
         select coalesce(sum(p.households), 0)::int as households, coalesce(sum(p.population), 0)::int as population,
                count(*)::int as "addressPoints"
           from address_points p where ST_Intersects(a.geom, p.geom)
       ) s
      where a.code = ?`,
    [code],
  );
  return rows[0] as Record<string, unknown> | undefined;
}

/**
 * Layers and their plans visible in the scope (no area, an area within it or holding it), with
 * the number of their grids in the scope.
 */
export async function listLayers(knex: Knex, scope: Scope) {
  const { rows } = await knex.raw(
    `select l.id, l.name, l.kind, l.area_code, p.id as plan_id, p.name as plan_name, p.status,
            (select count(*)::int from grids g where g.plan_id = p.id and ${scopeCondition('g.area_code', scope)}) as grids
       from grid_layers l left join grid_plans p on p.layer_id = l.id and ${areaVisibleCondition('p.area_code', scope)}
      where ${areaVisibleCondition('l.area_code', scope)}
      order by l.id, p.id`,
  );
  return rows as Record<string, unknown>[];
}

/** A layer's grids in the scope (by grids.area_code: one with none only in the unbounded scope). */
export async function listGrids(knex: Knex, layerId: number, q: ListGridsQuery, scope: Scope) {
  const base = knex('grids as g').join('grid_plans as p', 'p.id', 'g.plan_id').where('p.layer_id', layerId).modify((b) => {
    whereInScope(b, 'g.area_code', scope);
    if (q.plan) b.where('g.plan_id', q.plan);
    if (q.area) b.where('g.area_code', q.area);
    bboxFilter(b, q.bbox, 'g.geom');
  });
  const [rows, [{ n }]] = await Promise.all([
    base.clone().select('g.code', 'g.kind', 'g.name', 'g.area_code', 'g.plan_id', 'g.properties', knex.raw('ST_AsGeoJSON(g.geom, 7) as geojson'))
      .orderBy('g.code').limit(q.limit).offset(q.offset),
    base.clone().select(knex.raw('count(*)::int as n')),
  ]);
  return { rows, numberMatched: n as number };
}

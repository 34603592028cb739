import type { Knex } from 'knex';
import type { GridMove } from './plans.schema';

type Row = Record<string, unknown>;

/** A grid whose symmetric difference with its namesake exceeds this has been reshaped. */
export const RESHAPE_THRESHOLD_M2 = 1;

export interface CodeChange {
  code: string;
  change: 'added' | 'removed' | 'same';
  /** same code: area in `to` − area in `from`, m² */
  areaChangeM2: number | null;
  /** same code: area of the symmetric difference, m² (0 when the geometries are identical) */
  symDiffM2: number | null;
}

/** Every grid code of either plan, paired by code, with the change in area and shape. */
export async function codeChanges(knex: Knex, from: number, to: number): Promise<CodeChange[]> {
  const { rows } = await knex.raw(
    `select coalesce(a.code, b.code) as code,
            case when a.id is null then 'added' when b.id is null then 'removed' else 'same' end as change,
            case when a.id is not null and b.id is not null then ST_Area(b.geom::geography) - ST_Area(a.geom::geography) end as area_change_m2,
            case when a.id is not null and b.id is not null then
              case when ST_OrderingEquals(a.geom, b.geom) then 0 else ST_Area(ST_SymDifference(a.geom, b.geom)::geography) end
            end as sym_diff_m2
       from (select id, code, geom from grids where plan_id = ?) a
       full join (select id, code, geom from grids where plan_id = ?) b on b.code = a.code
      order by 1`,
    [from, to],
  );
  return (rows as Row[]).map((r) => ({
    code: String(r.code),
    change: r.change as CodeChange['change'],
    areaChangeM2: r.area_change_m2 === null ? null : Number(r.area_change_m2),
    symDiffM2: r.sym_diff_m2 === null ? null : Number(r.sym_diff_m2),
  }));
}

/**
 * Where households go: each address point is put in the grid of each plan that covers it (every
 * kind but micro, i.e. comprehensive or dedicated in a planning layer; on a shared edge the
 * dedicated grid, then the lowest code), and the points whose grid changes are summed per
 * (from, to) pair. A null code means no grid of that plan covers the point.
 */
export async function householdMoves(knex: Knex, from: number, to: number): Promise<GridMove[]> {
  const gridOf = (param: string) => `(
    select g.code from grids g
     where g.plan_id = ${param} and g.kind <> 'micro' and g.geom && p.geom and ST_Covers(g.geom, p.geom)
     order by g.kind = 'dedicated' desc, g.code limit 1)`;
  const { rows } = await knex.raw(
    `with ext as (
       select ST_SetSRID(ST_Extent(geom)::geometry, 4326) as box from grids where plan_id in (?, ?) and kind <> 'micro'
     ), placed as (
       select p.households, coalesce(p.population, 0) as population, ${gridOf('?')} as from_code, ${gridOf('?')} as to_code
         from address_points p, ext
        where p.geom && ext.box
     )
     select from_code, to_code, sum(households)::int as households, sum(population)::int as population, count(*)::int as points
       from placed
      where from_code is distinct from to_code
      group by from_code, to_code
      order by households desc, from_code, to_code`,
    [from, to, from, to],
  );
  return (rows as Row[]).map((r) => ({
    from: (r.from_code as string | null) ?? null,
    to: (r.to_code as string | null) ?? null,
    households: Number(r.households),
    population: Number(r.population),
    points: Number(r.points),
  }));
}

/**
 * The grids that changed, as GeoJSON-ready rows: added and reshaped grids of plan `to`, removed
 * grids of plan `from`, each with its `change`.
 */
export async function changedGrids(knex: Knex, from: number, to: number) {
  const { rows } = await knex.raw(
    `select b.id, b.plan_id, b.code, b.kind, b.name, b.area_code, b.households, b.population,
            case when a.id is null then 'added' else 'reshaped' end as change,
            case when a.id is null then null else ST_Area(b.geom::geography) - ST_Area(a.geom::geography) end as area_change_m2,
            ST_AsGeoJSON(b.geom, 7) as geojson
       from grids b left join grids a on a.plan_id = ? and a.code = b.code
      where b.plan_id = ?
        and (a.id is null or (not ST_OrderingEquals(a.geom, b.geom) and ST_Area(ST_SymDifference(a.geom, b.geom)::geography) > ${RESHAPE_THRESHOLD_M2}))
     union all
     select a.id, a.plan_id, a.code, a.kind, a.name, a.area_code, a.households, a.population,
            'removed', null, ST_AsGeoJSON(a.geom, 7)
       from grids a
      where a.plan_id = ? and not exists (select 1 from grids b where b.plan_id = ? and b.code = a.code)
      order by 3`,
    [from, to, from, to],
  );
  return (rows as Row[]).map((r) => ({
    id: Number(r.id),
    properties: {
      code: String(r.code),
      change: r.change as 'added' | 'removed' | 'reshaped',
      plan_id: Number(r.plan_id),
      kind: String(r.kind),
      name: (r.name as string | null) ?? null,
      area_code: (r.area_code as string | null) ?? null,
      households: Number(r.households),
      population: Number(r.population),
      areaChangeM2: r.area_change_m2 === null ? null : Number(r.area_change_m2),
    },
    geojson: String(r.geojson),
  }));
}

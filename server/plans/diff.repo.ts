import type { Knex } from 'knex';
import { scopeCondition, type Scope } from '../auth/scope';
import type { GridMove } from './plans.schema';
import { allRows } from '../db/rows';
import { OVERLAY_GRID_DEG } from './topology.repo';


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

/** Every grid code of either plan in the scope, paired by code, with the change in area and shape. */
export async function codeChanges(knex: Knex, from: number, to: number, scope: Scope): Promise<CodeChange[]> {
  const inScope = scopeCondition('area_code', scope);
  const rows = await allRows(
    knex,
    `select coalesce(a.code, b.code) as code,
            case when a.id is null then 'added' when b.id is null then 'removed' else 'same' end as change,
            case when a.id is not null and b.id is not null then ST_Area(b.geom::geography) - ST_Area(a.geom::geography) end as area_change_m2,
            case when a.id is not null and b.id is not null then
              case when ST_OrderingEquals(a.geom, b.geom) then 0 else ST_Area(ST_SymDifference(a.geom, b.geom, ${OVERLAY_GRID_DEG})::geography) end
            end as sym_diff_m2
       from (select id, code, geom from grids where plan_id = ? and ${inScope}) a
       full join (select id, code, geom from grids where plan_id = ? and ${inScope}) b on b.code = a.code
      order by 1`,
    [from, to],
    `comparing the grids of plans ${from} and ${to}`,
  );
  return rows.map((r) => ({
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
 * (from, to) pair. A null code means no grid of that plan in the scope covers the point: only
 * grids in the scope are counted.
 */
export async function householdMoves(knex: Knex, from: number, to: number, scope: Scope): Promise<GridMove[]> {
  // a join (not a per-point subquery) so the planner can drive it from either side's GiST index
  const placed = (param: string) => `
    select distinct on (p.id) p.id, g.code
      from grids g join address_points p on p.geom && g.geom and ST_Covers(g.geom, p.geom)
     where g.plan_id = ${param} and g.kind <> 'micro' and ${scopeCondition('g.area_code', scope)}
     order by p.id, g.kind = 'dedicated' desc, g.code`;
  const rows = await allRows(
    knex,
    `with a as (${placed('?')}), b as (${placed('?')}),
     moved as (
       select coalesce(a.id, b.id) as id, a.code as from_code, b.code as to_code
         from a full join b on b.id = a.id
        where a.code is distinct from b.code
     )
     select m.from_code, m.to_code, sum(p.households)::int as households, sum(coalesce(p.population, 0))::int as population, count(*)::int as points
       from moved m join address_points p on p.id = m.id
      group by m.from_code, m.to_code
      order by households desc, m.from_code, m.to_code`,
    [from, to],
    `placing address points in plans ${from} and ${to}`,
  );
  return rows.map((r) => ({
    from: (r.from_code as string | null) ?? null,
    to: (r.to_code as string | null) ?? null,
    households: Number(r.households),
    population: Number(r.population),
    points: Number(r.points),
  }));
}

/**
 * The grids in the scope that changed, as GeoJSON-ready rows: added and reshaped grids of plan
 * `to`, removed grids of plan `from`, each with its `change`.
 */
export async function changedGrids(knex: Knex, from: number, to: number, scope: Scope) {
  const inScope = (g: string) => scopeCondition(`${g}.area_code`, scope);
  const rows = await allRows(
    knex,
    `select b.id, b.plan_id, b.code, b.kind, b.name, b.area_code, b.households, b.population,
            case when a.id is null then 'added' else 'reshaped' end as change,
            case when a.id is null then null else ST_Area(b.geom::geography) - ST_Area(a.geom::geography) end as area_change_m2,
            ST_AsGeoJSON(b.geom, 7) as geojson
       from grids b left join grids a on a.plan_id = ? and a.code = b.code and ${inScope('a')}
      where b.plan_id = ? and ${inScope('b')}
        and (a.id is null or (not ST_OrderingEquals(a.geom, b.geom) and ST_Area(ST_SymDifference(a.geom, b.geom, ${OVERLAY_GRID_DEG})::geography) > ${RESHAPE_THRESHOLD_M2}))
     union all
     select a.id, a.plan_id, a.code, a.kind, a.name, a.area_code, a.households, a.population,
            'removed', null, ST_AsGeoJSON(a.geom, 7)
       from grids a
      where a.plan_id = ? and ${inScope('a')} and not exists (select 1 from grids b where b.plan_id = ? and b.code = a.code and ${inScope('b')})
      order by 3`,
    [from, to, from, to],
    `collecting the changed grids of plans ${from} and ${to}`,
  );
  return rows.map((r) => ({
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

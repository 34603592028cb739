import type { Knex } from 'knex';
import { GRID } from './units.repo';

/** The figures the partition bench reports for one plan over the communities under an area. */
export interface PlanFigures {
  grids: number;
  /** comprehensive grids in their range, of those in communities where the range is feasible */
  inRangeShare: number;
  /** single-part grids, of those in single-part communities */
  singlePartShare: number;
  /** Σ area(union of grids △ community) / Σ area(community), planar */
  coverageError: number;
  /** Σ area of pairwise overlaps between grids, m² */
  overlapM2: number;
  /** length of boundaries between grids within 5 m of a barrier / their total length */
  boundaryOnBarrierShare: number;
  meanPolsbyPopper: number;
}

/**
 * Measures a plan in PostGIS (UTM 50N for metres, EPSG:32650 — the demo's zone): tiling,
 * balance against each grid's stored target range, and how well boundaries follow barriers.
 * Overlays snap-round at GRID (1e-11°): GEOS's floating intersection of edges that coincide to
 * a micrometre invents slivers of square metres, which would swamp the figures.
 */
export async function planFigures(knex: Knex, planId: number, areaCode: string): Promise<PlanFigures> {
  const { rows } = await knex.raw(FIGURES_SQL, { plan: planId, area: areaCode });
  const r = rows[0];
  if (!r) throw new Error('the figures query answered no rows: a GEOS operation failed (the embedded PostGIS cannot recover from some); measure with DATABASE_URL on PostgreSQL');
  return {
    grids: r.grids,
    inRangeShare: r.feasible_grids ? r.in_range / r.feasible_grids : 1,
    singlePartShare: r.connected_grids ? r.single_part / r.connected_grids : 1,
    coverageError: r.coverage_error,
    overlapM2: r.overlap_m2,
    boundaryOnBarrierShare: r.internal_m ? r.on_barrier_m / r.internal_m : 0,
    meanPolsbyPopper: r.mean_pp,
  };
}

const FIGURES_SQL = `
with recursive tree as (
  select code from admin_areas where code = :area
  union all select a.code from admin_areas a join tree t on a.parent_code = t.code
),
communities as (select a.code, a.geom from admin_areas a join tree using (code) where a.level = 'community'),
g as (
  select g.id, g.area_code, g.geom, g.households,
         (g.properties->>'target_min')::int as lo, (g.properties->>'target_max')::int as hi
  from grids g join communities c on c.code = g.area_code
  where g.plan_id = :plan and g.kind in ('comprehensive', 'dedicated')
),
per_community as (
  select c.code, c.geom, ST_NumGeometries(c.geom) as parts, sum(g.households) as households,
         min(g.lo) as lo, min(g.hi) as hi, ST_Union(g.geom, ${GRID}) as covered,
         ST_Union(ST_Boundary(g.geom)) as boundaries
  from communities c join g on g.area_code = c.code group by c.code, c.geom
),
feasible as (
  select code from per_community where households = 0 or ceil(households::numeric / hi) <= floor(households::numeric / lo)
),
internal as (
  -- boundaries between grids: all grid edges but those along the community's outline (to 1e-7°, about 1 cm)
  select pc.code, ST_Transform(ST_CollectionExtract(ST_Difference(pc.boundaries, ST_Buffer(ST_Boundary(pc.geom), 1e-7)), 2), 32650) as lines
  from per_community pc
),
near_barriers as (
  select i.code, ST_Length(ST_Intersection(i.lines, ST_Buffer(ST_Union(ST_Transform(b.geom, 32650)), 5))) as on_m
  from internal i join per_community pc using (code) join barriers b on b.geom && pc.geom and ST_Intersects(b.geom, pc.geom)
  group by i.code, i.lines
)
select
  (select count(*)::int from g) as grids,
  (select count(*)::int from g join feasible f on f.code = g.area_code) as feasible_grids,
  (select count(*)::int from g join feasible f on f.code = g.area_code where g.households between g.lo and g.hi) as in_range,
  (select count(*)::int from g join per_community pc on pc.code = g.area_code where pc.parts = 1) as connected_grids,
  (select count(*)::int from g join per_community pc on pc.code = g.area_code where pc.parts = 1 and ST_NumGeometries(g.geom) = 1) as single_part,
  (select sum(ST_Area(ST_SymDifference(covered, geom, ${GRID}))) / sum(ST_Area(geom)) from per_community)::float8 as coverage_error,
  -- square degrees × metres per degree² at the pair's latitude: transforming micrometre-wide
  -- slivers to UTM distorts their area by orders of magnitude
  (select coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom, ${GRID})) * 111320 * cos(radians(ST_Y(ST_PointOnSurface(a.geom)))) * 110574), 0)
     from g a join g b on a.id < b.id and a.geom && b.geom and ST_Relate(a.geom, b.geom, '2********'))::float8 as overlap_m2,
  (select sum(ST_Length(lines)) from internal)::float8 as internal_m,
  (select coalesce(sum(on_m), 0) from near_barriers)::float8 as on_barrier_m,
  (select avg(4 * pi() * ST_Area(ST_Transform(geom, 32650)) / nullif(ST_Perimeter(ST_Transform(geom, 32650)), 0)^2) from g)::float8 as mean_pp
`;

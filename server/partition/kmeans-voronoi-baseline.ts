import type { Knex } from 'knex';
import type { HouseholdRange } from '../planning/planning.schema';
import { gridCode } from './grid-codes';
import { communitiesUnder, createPlan, ensureLayer } from './partition.repo';
import { isRural } from './partition.service';

/**
 * The classic PostGIS recipe, as a baseline for the bench: per community, address points →
 * ST_ClusterKMeans with k = households / 400 → cluster centroids → ST_VoronoiPolygons →
 * clipped to the community. Written as a draft plan so the same figures measure both.
 */
export async function kmeansVoronoiPlan(knex: Knex, areaCode: string, ranges: { urban: HouseholdRange; rural: HouseholdRange }, layer: string): Promise<number> {
  const { area, communities } = await communitiesUnder(knex, areaCode);
  return knex.transaction(async (trx) => {
    const layerId = await ensureLayer(trx, layer, area.code);
    const planId = await createPlan(trx, { layerId, areaCode, name: `k-means Voronoi ${Date.now()}`, params: { baseline: 'kmeans-voronoi' } });
    for (const c of communities) {
      const range = isRural(c) ? ranges.rural : ranges.urban;
      await trx.raw(BASELINE_SQL, { plan: planId, code: c.code, prefix: gridCode(c.code, 1).slice(0, 12), lo: range.min, hi: range.max });
    }
    return planId;
  });
}

const BASELINE_SQL = `
insert into grids (plan_id, code, kind, area_code, households, population, properties, geom)
with c as (select geom from admin_areas where code = :code),
pts as (select p.geom, p.households, coalesce(p.population, 0) as population from address_points p, c where p.geom && c.geom and ST_Covers(c.geom, p.geom)),
k as (select least(greatest(1, round(coalesce(sum(households), 0) / 400.0)), greatest(count(*), 1))::int as k from pts),
clusters as (select ST_ClusterKMeans(geom, (select k from k)) over () as cid, geom from pts),
centres as (select ST_Centroid(ST_Collect(geom)) as g from clusters group by cid),
cells as (
  select ST_Multi(ST_CollectionExtract(ST_Intersection(v.geom, c.geom), 3)) as geom
  from c, ST_Dump(ST_VoronoiPolygons((select ST_Collect(g) from centres), 0, (select geom from c))) v
  where ST_Intersects(v.geom, c.geom)
  union all select ST_Multi(c.geom) from c where not exists (select 1 from pts)
),
numbered as (select row_number() over (order by ST_YMax(geom) desc, ST_XMin(geom)) as n, geom from cells where not ST_IsEmpty(geom))
select :plan::int, :prefix::text || lpad(n::text, 3, '0'), 'comprehensive', :code,
       coalesce((select sum(households) from pts where ST_Covers(numbered.geom, pts.geom)), 0),
       coalesce((select sum(population) from pts where ST_Covers(numbered.geom, pts.geom)), 0),
       json_build_object('target_min', :lo::int, 'target_max', :hi::int)::jsonb, geom
from numbered`;

import type { Knex } from 'knex';
import type { Feature, Point } from 'geojson';
import type { HexWkb } from '../geo/hex-wkb';
import type { BarrierFeature } from './barriers';
import type { Building } from './households';
import type { Rng } from '../geo/prng';
import { queryRows } from './query-rows';

export interface AddressPointProperties {
  id: string;
  households: number;
  population: number;
  building_id: string;
  area_code: string;
}

export interface CommunityHomes { code: string; area: HexWkb; isVillage: boolean; buildings: Building[] }

/** Buildings keep this far from their community's boundary, so each point is strictly inside it. */
const BOUNDARY_INSET_M = 8;
/** Buildings keep off roads, streams and tracks by this much (from the centreline). */
const BARRIER_CLEARANCE_M = 12;
/** Village houses cluster in hamlets (自然村) of this radius, about this many houses each. */
const HAMLET_RADIUS_M = 220;
const HOUSES_PER_HAMLET = 40;
/** When clearing barriers or gathering hamlets leaves less room than this, fall back to the whole inset area. */
const MIN_BUILDABLE_M2 = 20_000;
const DECIMALS = 6;
/** Snap-rounding grid for the overlays below: fixed-precision overlay never fails on near-collinear road buffers. */
const GRID_SIZE_M = 0.01;

/**
 * Places each community's buildings as points: anywhere inside the community (inset from its
 * boundary) but off the barriers; in villages, gathered in a few hamlets. One set-based query;
 * ST_GeneratePoints is seeded from `rng`, so placement is deterministic. The CTEs are
 * materialized: inlined, each geometry expression would be recomputed at every reference.
 */
export async function placeAddressPoints(
  knex: Knex,
  communities: CommunityHomes[],
  barriers: BarrierFeature[],
  rng: Rng,
): Promise<Feature<Point, AddressPointProperties>[]> {
  const input = communities.map((c) => ({
    code: c.code,
    wkb: c.area,
    n: c.buildings.length,
    seed: rng.seed(),
    hamlets: c.isVillage ? Math.ceil(c.buildings.length / HOUSES_PER_HAMLET) : 0,
    hamlet_seed: rng.seed(),
  }));
  const expected = communities.reduce((sum, c) => sum + c.buildings.length, 0);
  const rows = await queryRows<{ code: string; i: number; lng: number; lat: number }>(
    knex,
    `with c as materialized (
       select code, n, seed, hamlets, hamlet_seed, ST_Buffer(ST_Transform(wkb::geometry, 32650), -?::float8) as inset
         from json_to_recordset(?::json) as c(code text, wkb text, n int, seed int, hamlets int, hamlet_seed int)
     ),
     b as materialized (
       select ST_Buffer(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326), 32650), ?::float8) as g
         from json_to_recordset(?::json) as b(geometry text)
     ),
     free as materialized (
       select c.*, ST_CollectionExtract(coalesce(ST_Difference(inset, (select ST_Union(b.g, ?::float8) from b where b.g && c.inset), ?::float8), inset), 3) as free
         from c
     ),
     settled as materialized (
       select free.*, case when hamlets > 0 and ST_Area(free) >= ?::float8
         then ST_CollectionExtract(ST_Intersection(free, ST_Buffer(ST_GeneratePoints(free, hamlets, hamlet_seed), ?::float8), ?::float8), 3)
         else free end as settled
       from free
     ),
     buildable as (
       select code, n, seed, case when ST_Area(settled) >= ?::float8 then settled
                                  when ST_Area(free) >= ?::float8 then free else inset end as g
         from settled
     )
     -- ST_GeneratePoints shares points among a MultiPolygon's parts by rounded area, so the count can
     -- be off by up to half a point per part: ask for one more per part and keep the first n
     select code, (d).path[1] as i, ST_X((d).geom) as lng, ST_Y((d).geom) as lat
       from (select code, n, ST_Dump(ST_Transform(ST_GeneratePoints(g, n + ST_NumGeometries(g), seed), 4326)) as d from buildable) p
      where (d).path[1] <= n
      order by code, i`,
    [
      BOUNDARY_INSET_M,
      JSON.stringify(input),
      BARRIER_CLEARANCE_M,
      JSON.stringify(barriers.map((f) => ({ geometry: JSON.stringify(f.geometry) }))),
      GRID_SIZE_M,
      GRID_SIZE_M,
      MIN_BUILDABLE_M2,
      HAMLET_RADIUS_M,
      GRID_SIZE_M,
      MIN_BUILDABLE_M2,
      MIN_BUILDABLE_M2,
    ],
    expected,
  );
  const byCode = new Map(communities.map((c) => [c.code, c]));
  const round = (x: number) => Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;
  return rows.map((r, k): Feature<Point, AddressPointProperties> => {
    const building = byCode.get(r.code)!.buildings[r.i - 1];
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [round(r.lng), round(r.lat)] },
      properties: {
        id: `ap-${String(k + 1).padStart(6, '0')}`,
        households: building.households,
        population: building.population,
        building_id: `${r.code}-${String(r.i).padStart(4, '0')}`,
        area_code: r.code,
      },
    };
  });
}

import type { Knex } from 'knex';
import type { HexWkb } from '../geo/hex-wkb';
import type { Rng } from '../geo/prng';
import type { LngLat, NamedPlace } from './qixia-layout';
import { queryRows } from './query-rows';

/** Points keep this far inside the district. */
const INSET_M = 100;
const DECIMALS = 6;

/**
 * `n` random points in each place (a disc) where it overlaps the district, at least INSET_M from
 * the district's edge. Seeded from `rng`. Throws when a place does not reach into the district.
 */
export async function pointsInPlaces(knex: Knex, district: HexWkb, wanted: { place: NamedPlace; n: number }[], rng: Rng): Promise<LngLat[][]> {
  const input = wanted.map((w, ord) => ({ ord, lng: w.place.centre[0], lat: w.place.centre[1], radius_m: w.place.radiusM, n: w.n, seed: rng.seed() }));
  const rows = await queryRows<{ ord: number; lng: number; lat: number }>(
    knex,
    `with district as materialized (select ST_Transform(?::geometry, 32650) as g),
          land as (
            select p.ord, p.n, p.seed,
                   ST_Buffer(ST_Intersection(d.g, ST_Buffer(ST_Transform(ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326), 32650), p.radius_m)), -?::float8) as g
              from json_to_recordset(?::json) as p(ord int, lng float8, lat float8, radius_m float8, n int, seed int), district d
          )
     -- as in address-points: ST_GeneratePoints may give a multi-part area one point short, so ask for more and keep n
     select ord, ST_X(ST_Transform((d).geom, 4326)) as lng, ST_Y(ST_Transform((d).geom, 4326)) as lat
       from (select ord, n, ST_Dump(ST_GeneratePoints(g, n + ST_NumGeometries(g), seed)) as d from land where not ST_IsEmpty(g)) p
      where (d).path[1] <= n
      order by ord, (d).path[1]`,
    [district, INSET_M, JSON.stringify(input)],
    wanted.reduce((s, w) => s + w.n, 0),
  );
  const round = (x: number) => Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;
  return wanted.map((_, ord) => rows.filter((r) => r.ord === ord).map((r): LngLat => [round(r.lng), round(r.lat)]));
}

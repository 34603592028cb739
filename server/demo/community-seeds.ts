import type { Knex } from 'knex';
import type { HexWkb } from '../geo/hex-wkb';
import type { LngLat } from './qixia-layout';
import type { Rng } from '../geo/prng';
import { kMeans } from './kmeans';
import { localMetres } from './local-metres';
import { queryRows } from './query-rows';

const CANDIDATES_PER_COMMUNITY = 60;
/** Around a town centre, candidate density rises by up to this factor, shrinking the communities there. */
export const CORE_BOOST = 8;
const CORE_RADIUS_M = 2500;

/**
 * Voronoi seeds for `count` communities of one street: k-means centres of random points in the
 * street, so communities come out of similar size, smaller near `core` when `coreBoost` > 0.
 * Sorted nearest to the core first (urban communities take those, villages the rest).
 */
export async function communitySeeds(
  knex: Knex,
  street: HexWkb,
  count: number,
  core: LngLat,
  coreBoost: number,
  rng: Rng,
): Promise<LngLat[]> {
  const rows = await queryRows<{ lng: number; lat: number }>(
    knex,
    `select ST_X(d.geom) as lng, ST_Y(d.geom) as lat from ST_Dump(ST_GeneratePoints(?::geometry, ?::int, ?::int)) d order by d.path`,
    [street, count * CANDIDATES_PER_COMMUNITY * (1 + coreBoost), rng.seed()],
  );
  const project = localMetres(core);
  const candidates = rows
    .map((r) => project.toXY([r.lng, r.lat]))
    .filter(([x, y]) => rng.next() * (1 + coreBoost) < 1 + coreBoost * Math.exp(-(x * x + y * y) / CORE_RADIUS_M ** 2));
  return kMeans(candidates, count, rng)
    .sort((a, b) => Math.hypot(...a) - Math.hypot(...b))
    .map(project.toLngLat);
}

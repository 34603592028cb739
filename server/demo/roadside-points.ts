import type { Knex } from 'knex';
import type { MultiLineString } from 'geojson';
import type { HexWkb } from '../geo/hex-wkb';
import type { Rng } from '../geo/prng';
import { districtMetres } from './household-centres';
import type { XY } from './kmeans';
import type { LngLat } from './qixia-layout';
import { queryRows } from './query-rows';

/** Candidates drawn per point wanted; those outside the district or too close to another are dropped. */
const CANDIDATES_PER_POINT = 20;
const DECIMALS = 6;

/**
 * `count` points beside roads (`offsetM` to either side of a random spot, spots drawn by length),
 * inside the district and at least `spacingM` apart. Throws when too few fit.
 */
export async function roadsidePoints(
  knex: Knex,
  district: HexWkb,
  roads: MultiLineString[],
  opts: { count: number; spacingM: number; offsetM: number },
  rng: Rng,
): Promise<LngLat[]> {
  const segments = roads
    .flatMap((r) => r.coordinates.flatMap((line) => line.slice(1).map((p, i) => ({ a: districtMetres.toXY(line[i] as LngLat), b: districtMetres.toXY(p as LngLat) }))))
    .map((s) => ({ ...s, length: Math.hypot(...sub(s.b, s.a)) }))
    .filter((s) => s.length > 0);
  let total = 0;
  const cumulative = segments.map((s) => (total += s.length));
  const round = (x: number) => Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;
  const candidates = Array.from({ length: opts.count * CANDIDATES_PER_POINT }, (): LngLat => {
    const at = rng.next() * total;
    const { a, b, length } = segments[Math.max(0, cumulative.findIndex((c) => c >= at))];
    const t = rng.next();
    const side = (rng.next() < 0.5 ? -1 : 1) * opts.offsetM;
    const [dx, dy] = sub(b, a);
    const [lng, lat] = districtMetres.toLngLat([a[0] + t * dx - (side * dy) / length, a[1] + t * dy + (side * dx) / length]);
    return [round(lng), round(lat)];
  });
  const inside = await queryRows<{ i: number }>(
    knex,
    `select c.i from json_to_recordset(?::json) as c(i int, lng float8, lat float8)
      where ST_Contains(?::geometry, ST_SetSRID(ST_MakePoint(c.lng, c.lat), 4326)) order by c.i`,
    [JSON.stringify(candidates.map(([lng, lat], i) => ({ i, lng, lat }))), district],
  );
  const picked: LngLat[] = [];
  for (const { i } of inside) {
    const xy = districtMetres.toXY(candidates[i]);
    if (picked.every((p) => Math.hypot(...sub(districtMetres.toXY(p), xy)) >= opts.spacingM)) picked.push(candidates[i]);
    if (picked.length === opts.count) return picked;
  }
  throw new Error(`only ${picked.length} of ${opts.count} roadside points fit ${opts.spacingM} m apart`);
}

const sub = (a: XY, b: XY): XY => [a[0] - b[0], a[1] - b[1]];

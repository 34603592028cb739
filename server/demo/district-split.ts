import type { Knex } from 'knex';
import type { MultiPolygon } from 'geojson';
import type { HexWkb } from '../geo/hex-wkb';
import type { LngLat } from './qixia-layout';
import { queryRows } from './query-rows';
import { GRID_SIZE_DEG } from './precision';

export interface SplitDistrict {
  /** The outline without the cut-out channel: island plus mainland. */
  district: HexWkb;
  mainland: HexWkb;
  island: HexWkb;
}

/**
 * Cuts a river channel (a centreline buffered to `widthM`, cut on the precision grid) out of the
 * district outline: the part holding `islandPoint` is the island, the other the mainland. Throws
 * unless exactly these two parts remain: the channel line must cut cleanly across.
 */
export async function splitDistrictByChannel(
  knex: Knex,
  outline: MultiPolygon,
  channel: { line: LngLat[]; widthM: number },
  islandPoint: LngLat,
): Promise<SplitDistrict> {
  const rows = await queryRows<{ wkb: HexWkb; isIsland: boolean }>(
    knex,
    `with outline as (select ST_SetSRID(ST_GeomFromGeoJSON(?), 4326) as g),
          channel as (
            select ST_Transform(ST_Buffer(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), 32650), ?::float8, 'endcap=flat'), 4326) as g
          ),
          parts as (select (ST_Dump(ST_Difference(o.g, c.g, ?::float8))).geom as g from outline o, channel c)
     select ST_AsHexEWKB(g) as wkb, ST_Intersects(g, ST_SetSRID(ST_MakePoint(?, ?), 4326)) as "isIsland" from parts`,
    [JSON.stringify(outline), JSON.stringify({ type: 'LineString', coordinates: channel.line }), channel.widthM / 2, GRID_SIZE_DEG, ...islandPoint],
  );
  const island = rows.find((r) => r.isIsland);
  const mainland = rows.find((r) => !r.isIsland);
  if (!island || !mainland || rows.length !== 2) {
    throw new Error(`channel should split the outline into island and mainland, got ${rows.length} parts`);
  }
  const [district] = await queryRows<{ wkb: HexWkb }>(knex, 'select ST_AsHexEWKB(ST_Multi(ST_Collect(?::geometry, ?::geometry))) as wkb', [island.wkb, mainland.wkb], 1);
  return { district: district.wkb, mainland: mainland.wkb, island: island.wkb };
}

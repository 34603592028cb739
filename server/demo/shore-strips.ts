import type { Knex } from 'knex';
import type { Polygon } from 'geojson';
import type { HexWkb } from '../geo/hex-wkb';
import { GRID_DECIMALS, GRID_SIZE_DEG } from './precision';
import type { LngLat } from './qixia-layout';
import { queryRows } from './query-rows';

/** The strip's own piece is the one at its anchor point (to within ~1 m: snapping may move it off by a hair). */
const ANCHOR_NEAR_DEG = 1e-5;

export interface ShoreStrip { near: LngLat; widthM: number; lengthM: number }

/**
 * Strips of land along the district's edge: for each, the edge point nearest `near`, and the
 * district within `widthM` of the edge and `lengthM / 2` of that point (the piece touching it).
 * Cut from the district on the precision grid, so a strip shares the district's own edge.
 */
export async function shoreStrips(knex: Knex, district: HexWkb, strips: ShoreStrip[]): Promise<{ polygon: Polygon; at: LngLat }[]> {
  const rows = await queryRows<{ ord: number; geojson: string; lng: number; lat: number }>(
    knex,
    `with district as materialized (select ?::geometry as g),
          edge as materialized (select ST_Boundary(ST_Transform(g, 32650)) as g from district),
          anchored as (
            select s.ord, s.width_m, s.length_m / 2 as half_m,
                   ST_ClosestPoint(e.g, ST_Transform(ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326), 32650)) as anchor
              from json_to_recordset(?::json) as s(ord int, lng float8, lat float8, width_m float8, length_m float8), edge e
          ),
          strips as (
            select a.ord, ST_Transform(a.anchor, 4326) as anchor,
                   ST_Transform(ST_Intersection(ST_Buffer(ST_Intersection(e.g, ST_Buffer(a.anchor, a.half_m + a.width_m)), a.width_m), ST_Buffer(a.anchor, a.half_m)), 4326) as g
              from anchored a, edge e
          ),
          parts as (
            select s.ord, s.anchor, (ST_Dump(ST_CollectionExtract(ST_Intersection(d.g, s.g, ?::float8), 3))).geom as g
              from strips s, district d
          )
     select distinct on (ord) ord, ST_AsGeoJSON(g, ?::int) as geojson, ST_X(ST_PointOnSurface(g)) as lng, ST_Y(ST_PointOnSurface(g)) as lat
       from parts
      order by ord, ST_DWithin(g, anchor, ?::float8) desc, ST_Area(g) desc`,
    [district, JSON.stringify(strips.map((s, ord) => ({ ord, lng: s.near[0], lat: s.near[1], width_m: s.widthM, length_m: s.lengthM }))), GRID_SIZE_DEG, GRID_DECIMALS, ANCHOR_NEAR_DEG],
    strips.length,
  );
  return rows.map((r) => ({ polygon: JSON.parse(r.geojson), at: [r.lng, r.lat] }));
}

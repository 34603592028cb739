import type { Knex } from 'knex';
import type { HexWkb } from '../geo/hex-wkb';
import { GRID_SIZE_DEG } from './precision';
import { queryRows } from './query-rows';

/** A sliver face is handed to the part along whose boundary it runs: boundaries this close (a few grid steps) count. */
const NEAR_DEG = 1e-8;

/**
 * Makes neighbours in a tiling share every vertex of their common boundaries. Parts cut in
 * separate queries meet in T-junctions (a vertex on one side only, e.g. where a community edge
 * ends on a street border); planar that is exact, but as geodesics (geography) each junction
 * opens a sliver of a few m². So: node all boundaries together, polygonize the faces, and give
 * each face back to the part holding it; a face in no part (a sliver between two parts' slightly
 * different versions of their common border) goes to the part sharing most of its boundary.
 */
export async function nodeCoverage(knex: Knex, parts: Map<string, HexWkb>): Promise<Map<string, HexWkb>> {
  const rows = await queryRows<{ label: string; wkb: HexWkb }>(
    knex,
    `with parts as materialized (select label, wkb::geometry as g from json_to_recordset(?::json) as p(label text, wkb text)),
          faces as (
            select (ST_Dump(ST_Polygonize(lines))).geom as g
              from (select ST_Union(ST_Boundary(g), ?::float8) as lines from parts) noded
          ),
          owned as (
            select coalesce(
                     (select p.label from parts p where ST_Contains(p.g, ST_PointOnSurface(f.g)) limit 1),
                     (select p.label from parts p where ST_DWithin(p.g, f.g, ?::float8)
                       order by ST_Length(ST_Intersection(ST_Boundary(f.g), ST_Buffer(p.g, ?::float8))) desc, p.label limit 1)
                   ) as label, f.g
              from faces f
          )
     select label, ST_AsHexEWKB(ST_Multi(ST_Union(g, ?::float8))) as wkb from owned group by label`,
    [JSON.stringify([...parts].map(([label, wkb]) => ({ label, wkb }))), GRID_SIZE_DEG, NEAR_DEG, NEAR_DEG, GRID_SIZE_DEG],
    parts.size,
  );
  return new Map(rows.map((r) => [r.label, r.wkb]));
}

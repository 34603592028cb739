import type { Knex } from 'knex';
import type { HexWkb } from '../geo/hex-wkb';
import { GRID_SIZE_DEG } from './precision';
import { queryRows } from './query-rows';

/**
 * Rebuilds each parent as the union of its children. The result is the parent's shape (to the
 * precision grid) plus the vertices where child boundaries meet its edges, so parent and
 * children agree exactly however they are measured: planar, geography or another projection
 * (a vertex missing on one side makes a sliver of a few m² once edges are no longer straight).
 */
export async function unionByParent(knex: Knex, children: { parent: string; area: HexWkb }[]): Promise<Map<string, HexWkb>> {
  const parents = new Set(children.map((c) => c.parent));
  const rows = await queryRows<{ parent: string; wkb: HexWkb }>(
    knex,
    `select parent, ST_AsHexEWKB(ST_Multi(ST_Union(wkb::geometry, ?::float8))) as wkb
       from json_to_recordset(?::json) as c(parent text, wkb text)
      group by parent`,
    [GRID_SIZE_DEG, JSON.stringify(children.map((c) => ({ parent: c.parent, wkb: c.area })))],
    parents.size,
  );
  return new Map(rows.map((r) => [r.parent, r.wkb]));
}

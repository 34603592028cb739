import type { Knex } from 'knex';
import type { HexWkb } from '../geo/hex-wkb';
import { queryRows } from './query-rows';
import { GRID_SIZE_DEG } from './precision';

/** Boundaries within this distance (degrees, ~1 cm) count as shared: parts cut separately meet in T-junctions a grid step apart. */
const TOUCH_TOLERANCE_DEG = 1e-7;

/**
 * Tidies a tiling: every part of a label other than its largest (a fragment left where a Voronoi
 * cell crosses a concave boundary) moves to the label whose main part shares the longest border
 * with it. Fragments touching no other label stay. The union of all labels is unchanged.
 */
export async function absorbFragments(knex: Knex, parts: Map<string, HexWkb>): Promise<Map<string, HexWkb>> {
  const rows = await queryRows<{ label: string; wkb: HexWkb }>(
    knex,
    `with pieces as (
       select label, g, row_number() over (partition by label order by ST_Area(g) desc) as rank
         from (select label, (ST_Dump(wkb::geometry)).geom as g from json_to_recordset(?::json) as p(label text, wkb text)) d
     ),
     main as (select label, g from pieces where rank = 1),
     moved as (
       select coalesce((
                select m.label from main m
                 where m.label <> f.label and ST_DWithin(m.g, f.g, ?::float8)
                 order by ST_Length(ST_Intersection(ST_Boundary(f.g), ST_Buffer(m.g, ?::float8))) desc, m.label
                 limit 1
              ), f.label) as label, f.g
         from pieces f where f.rank > 1
     )
     select label, ST_AsHexEWKB(ST_Multi(ST_Union(g, ?::float8))) as wkb
       from (select label, g from main union all select label, g from moved) x
      group by label`,
    [JSON.stringify([...parts].map(([label, wkb]) => ({ label, wkb }))), TOUCH_TOLERANCE_DEG, TOUCH_TOLERANCE_DEG, GRID_SIZE_DEG],
    parts.size,
  );
  return new Map(rows.map((r) => [r.label, r.wkb]));
}

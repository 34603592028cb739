import type { Knex } from 'knex';
import { polygonToCells, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';
import type { Bbox } from '../http/validate';

/** Cells of every district at a resolution (centres inside), cached per resolution until the districts change. */
const cache = new Map<string, string[]>();

export async function districtCells(knex: Knex, res: number): Promise<string[]> {
  const { rows: [{ v }] } = await knex.raw(`select count(*) || ':' || coalesce(max(code), '') || ':' || coalesce(sum(ST_NPoints(geom)), 0) as v from admin_areas where level = 'district'`);
  const key = `${v}|${res}`;
  if (!cache.has(key)) {
    const { rows } = await knex.raw(`select ST_AsGeoJSON(geom, 7)::json->'coordinates' as coords from admin_areas where level = 'district'`);
    const cells = new Set<string>();
    for (const { coords } of rows as { coords: number[][][][] }[]) for (const polygon of coords) for (const c of polygonToCells(polygon, res, true)) cells.add(c);
    cache.set(key, [...cells]);
  }
  return cache.get(key)!;
}

const bboxRing = (b: Bbox) => [[b.minLng, b.minLat], [b.maxLng, b.minLat], [b.maxLng, b.maxLat], [b.minLng, b.maxLat], [b.minLng, b.minLat]];

/** Cells overlapping a bbox (any part of the cell inside). */
export const bboxCells = (b: Bbox, res: number): string[] =>
  polygonToCellsExperimental([bboxRing(b)], res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true);

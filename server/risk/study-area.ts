import type { Knex } from 'knex';
import { polygonToCells, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';
import type { Bbox } from '../http/validate';

/**
 * Cells of every district at a resolution (centres inside), cached per resolution until the
 * districts change. The promise is kept, so requests arriving while the cells are computed wait
 * for them instead of each computing them again.
 */
const cache = new Map<string, Promise<string[]>>();
/** Cell sets kept (districts and scope areas, per resolution); the oldest goes first. */
const CACHED_AREAS = 64;

export async function districtCells(knex: Knex, res: number): Promise<string[]> {
  const { rows: [{ v }] } = await knex.raw(`select count(*) || ':' || coalesce(max(code), '') || ':' || coalesce(sum(ST_NPoints(geom)), 0) as v from admin_areas where level = 'district'`);
  const key = `${v}|${res}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = knex.raw(`select ST_AsGeoJSON(geom, 7)::json->'coordinates' as coords from admin_areas where level = 'district'`).then(({ rows }) => {
      const cells = new Set<string>();
      for (const { coords } of rows as { coords: number[][][][] }[]) for (const polygon of coords) for (const c of polygonToCells(polygon, res, true)) cells.add(c);
      return [...cells];
    });
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

/**
 * Cells of one area (a scope's root) at a resolution (centres inside), cached per area and
 * resolution until the area's geometry changes; none when the area is not loaded.
 */
export async function areaCells(knex: Knex, areaCode: string, res: number): Promise<string[]> {
  const { rows } = await knex.raw(`select md5(ST_AsBinary(geom)) as v from admin_areas where code = ?`, [areaCode]);
  if (!rows.length) return [];
  const key = `area:${areaCode}|${rows[0].v}|${res}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = knex.raw(`select ST_AsGeoJSON(geom, 7)::json->'coordinates' as coords from admin_areas where code = ?`, [areaCode]).then(({ rows: found }) => {
      const cells = new Set<string>();
      for (const { coords } of found as { coords: number[][][][] }[]) for (const polygon of coords) for (const c of polygonToCells(polygon, res, true)) cells.add(c);
      return [...cells];
    });
    pending.catch(() => cache.delete(key));
    if (cache.size >= CACHED_AREAS) cache.delete(cache.keys().next().value!);
    cache.set(key, pending);
  }
  return pending;
}

const bboxRing = (b: Bbox) => [[b.minLng, b.minLat], [b.maxLng, b.minLat], [b.maxLng, b.maxLat], [b.minLng, b.maxLat], [b.minLng, b.minLat]];

/** Cells overlapping a bbox (any part of the cell inside). */
export const bboxCells = (b: Bbox, res: number): string[] =>
  polygonToCellsExperimental([bboxRing(b)], res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true);

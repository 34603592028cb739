import type { Knex } from 'knex';
import pointInPolygon from 'point-in-polygon-hao';
import { cellToBoundary, cellToLatLng, getHexagonEdgeLengthAvg, polygonToCells, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS, UNITS } from 'h3-js';
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

/** Centres of a list of cells, and the list's indices in order of longitude. */
export interface CellCentres { lat: Float64Array; lng: Float64Array; byLng: Uint32Array; sortedLng: Float64Array }
const centresOf = new WeakMap<string[], CellCentres>();

/** The centres of a cell list (a study area's, which is kept), computed once per list. */
export function cellCentres(cells: string[]): CellCentres {
  let c = centresOf.get(cells);
  if (!c) {
    const [lat, lng] = [new Float64Array(cells.length), new Float64Array(cells.length)];
    cells.forEach((cell, i) => { [lat[i], lng[i]] = cellToLatLng(cell); });
    const byLng = Uint32Array.from(cells.keys()).sort((a, b) => lng[a] - lng[b]);
    c = { lat, lng, byLng, sortedLng: Float64Array.from(byLng, (i) => lng[i]) };
    centresOf.set(cells, c);
  }
  return c;
}

/** Positions [start, end) of the values from … to (inclusive) in the first `n` entries of an ascending array. */
export function lngRange(sorted: ArrayLike<number>, n: number, from: number, to: number): [number, number] {
  const bound = (x: number, past: boolean) => {
    let [lo, hi] = [0, n];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x || (past && sorted[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [bound(from, false), bound(to, true)];
}

const KM_PER_DEGREE = 111.195;

/** Whether a cell (given its centre, if known) overlaps the bbox; no cell whose centre lies outside lngFrom … lngTo does. */
export interface BboxOverlap { (cell: string, lat?: number, lng?: number): boolean; lngFrom: number; lngTo: number }

/**
 * Whether a cell overlaps a bbox (any part of the hexagon inside, as a plane in degrees): a cell
 * whose centre is inside does; one whose centre lies farther out than twice the resolution's
 * average edge length (more than any cell's centre-to-vertex distance) does not; for the cells
 * in between, the hexagon is tested against the box.
 */
export function bboxOverlap(b: Bbox, res: number): BboxOverlap {
  const marginKm = 2 * getHexagonEdgeLengthAvg(res, UNITS.km);
  const dLat = marginKm / KM_PER_DEGREE;
  const dLng = marginKm / (KM_PER_DEGREE * Math.max(0.01, Math.cos((Math.max(Math.abs(b.minLat), Math.abs(b.maxLat)) * Math.PI) / 180)));
  const test = (cell: string, lat?: number, lng?: number) => {
    if (lat === undefined || lng === undefined) [lat, lng] = cellToLatLng(cell);
    if (lng >= b.minLng && lng <= b.maxLng && lat >= b.minLat && lat <= b.maxLat) return true;
    if (lng < b.minLng - dLng || lng > b.maxLng + dLng || lat < b.minLat - dLat || lat > b.maxLat + dLat) return false;
    return polygonOverlapsBox(cellToBoundary(cell, true), b);
  };
  return Object.assign(test, { lngFrom: b.minLng - dLng, lngTo: b.maxLng + dLng });
}

/** A ring ([lng, lat], closed) and a box overlap: a vertex in the box, a box corner in the ring, or else edges crossing. */
function polygonOverlapsBox(ring: number[][], b: Bbox): boolean {
  if (ring.some(([x, y]) => x >= b.minLng && x <= b.maxLng && y >= b.minLat && y <= b.maxLat)) return true;
  const corners = [[b.minLng, b.minLat], [b.maxLng, b.minLat], [b.maxLng, b.maxLat], [b.minLng, b.maxLat]];
  if (corners.some((c) => pointInPolygon(c, [ring]) !== false)) return true; // 0: on the boundary
  for (let i = 0; i + 1 < ring.length; i++) {
    for (let j = 0; j < 4; j++) if (segmentsCross(ring[i], ring[i + 1], corners[j], corners[(j + 1) % 4])) return true;
  }
  return false;
}

const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const segmentsCross = (p: number[], q: number[], r: number[], s: number[]) => cross(r, s, p) * cross(r, s, q) < 0 && cross(p, q, r) * cross(p, q, s) < 0;

const bboxRing = (b: Bbox) => [[b.minLng, b.minLat], [b.maxLng, b.minLat], [b.maxLng, b.maxLat], [b.minLng, b.maxLat], [b.minLng, b.minLat]];

/** Cells overlapping a bbox (any part of the cell inside): a few milliseconds for a screen of res-10 cells. */
export const bboxCells = (b: Bbox, res: number): string[] =>
  polygonToCellsExperimental([bboxRing(b)], res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true);

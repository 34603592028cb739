import { cellToBoundary, cellToChildren, cellToLatLng, cellToParent, compactCells, getResolution, greatCircleDistance, gridDisk, latLngToCell, polygonToCells } from 'h3-js';
import type { Knex } from 'knex';
import pointInPolygon from 'point-in-polygon-hao';
import type { Scope } from '../auth/scope';
import { eventScopeColumn } from '../events/event-scope';
import { EVENT_CELL_INDEX_RES, ROLLUP_RESOLUTIONS } from '../events/rollups';

/*
 * Which H3 cells' rollups hold a bounded scope's events alone.
 *
 * The events of a scope are those whose area code of the scope's level (eventScopeColumn) lies
 * in it. The code was given at ingest by PolygonIndex over the areas of that level
 * (ST_AsGeoJSON(geom, 9)): a point strictly inside an area's polygon gets that area (where areas
 * overlap, whichever polygon is found first); a point on boundaries only gets the area whose code
 * sorts first among those whose boundary it is on — so a point on the scope's own boundary may go
 * to the neighbour —; a point in no polygon gets none. A rollup cell C at resolution r holds the
 * events whose res-12 cell has C as res-r parent; the res-12 descendants of a cell stick out of
 * its hexagon, as H3's aperture-7 children do not tile their parent: by at most 0.27 of the
 * cell's edge length e (each level's children reach 0.44 of their own edge past the parent's
 * inscribed circle, and edges shrink by √7 a level), 0.15 e measured (test/risk/scope-cells.test.ts).
 * So every event of C lies within D = DESCENDANT_REACH × e of hexagon(C).
 *
 * Let A be the union of the polygons of the scope's areas (those of its level whose codes lie in
 * it), and S points sampled along all of A's rings (holes too) at most e/4 apart. A cell C is
 * - near the boundary when a sample lies within R = D + e/8 of hexagon(C); then it is an edge
 *   cell of its resolution;
 * - interior when its centre lies in A and it is not near the boundary. A boundary point within D
 *   of hexagon(C) would have a sample within R, so A's boundary stays farther than D from it:
 *   hexagon(C) grown by D lies on the side of its centre, inside A, and every event of C lies
 *   strictly inside A by at least (DESCENDANT_REACH − 0.27) e — ≥ 5 m at res 10, far beyond
 *   floating-point rounding and the index's 9 decimals: inside an in-scope polygon and, no area of
 *   the level outside the scope overlapping one inside (checked, else no split), in no other
 *   area's polygon nor on its boundary. PolygonIndex (lattice cell or exact test) gives it an
 *   in-scope area. Events on the boundary, in no area or of the neighbour are never in an
 *   interior cell.
 * Every cell holding an event p of the scope is near or interior: p lies in A (inside an in-scope
 * polygon or on its boundary) within D of hexagon(C); if A's boundary comes within D of
 * hexagon(C), a sample lies within R of it; otherwise hexagon(C) grown by D lies on p's side,
 * inside A, and so does the centre of C.
 *
 * The cells are found coarse to fine: the interior cells at the coarsest rollup resolution, then
 * at each finer one the interior cells among the children of the coarser near cells (a cell
 * whose parent is neither near nor interior has its centre, within D of the parent, outside A),
 * so each level adds the band along the boundary that its coarser levels left, and the finest
 * (res 10, the events' cell index) leaves only its near cells to the events.
 *
 * Conditions: the areas of the level are what they were when the events of the scope were
 * assigned (events keep the codes they got at ingest; an area added, removed or reshaped since —
 * the import refuses an existing code, nothing edits areas in place — leaves older events inside
 * it coded otherwise), and no area of the level outside the scope overlaps one inside (checked:
 * otherwise there is no split and the scope is summed from its events alone).
 */

/** Reach of a cell's res-12 descendants past its hexagon, in its longest edge's lengths (bound 0.27, measured 0.15), with margin. */
export const DESCENDANT_REACH = 0.35;

const COARSEST = ROLLUP_RESOLUTIONS[0];
const FINEST = EVENT_CELL_INDEX_RES;

/**
 * A scope's cells from COARSEST to FINEST: `interior[k]` the interior cells of resolution k under
 * no coarser interior cell, `edge` the near cells of the finest resolution under none. Each event
 * of the scope has its res-10 cell under exactly one interior cell (of the coarsest level that
 * has one over it) or in `edge`; the events under an interior cell are all in the scope.
 */
export interface ScopeCells { interior: Set<string>[]; edge: Set<string> }

/** Share of the districts' area that a scope's areas cover above which its rollup rows are read by resolution and period rather than cell by cell. */
const ROWS_BY_PERIOD_SHARE = 0.25;

/** The cells (ScopeCells) of the union of these polygons (GeoJSON coordinates, [lng, lat], holes after the outer ring). */
export function scopeCellsOf(polygons: number[][][][]): ScopeCells {
  const centreIn = (c: string) => {
    const [lat, lng] = cellToLatLng(c);
    return polygons.some((polygon) => pointInPolygon([lng, lat], polygon) !== false);
  };
  const under = (c: string, interior: Set<string>[]) => {
    for (let k = COARSEST; k < getResolution(c); k++) if (interior[k].has(cellToParent(c, k))) return true;
    return false;
  };
  const interior: Set<string>[] = [];
  let near = new Set<string>();
  for (let k = COARSEST; k <= FINEST; k++) {
    const coarser = near;
    near = nearCells(polygons, k);
    interior[k] = new Set();
    if (k === COARSEST) {
      for (const polygon of polygons) for (const c of polygonToCells(polygon, k, true)) if (!near.has(c)) interior[k].add(c);
    } else {
      // the children of the coarser near cells (themselves under no interior cell) whose centre lies in A
      for (const p of coarser) {
        if (under(p, interior)) continue;
        for (const c of cellToChildren(p, k)) if (!near.has(c) && centreIn(c)) interior[k].add(c);
      }
    }
  }
  return { interior, edge: new Set([...near].filter((c) => !under(c, interior))) };
}

/** The cells of resolution `res` that a boundary sample lies within R of (see above). */
function nearCells(polygons: number[][][][], res: number): Set<string> {
  const e = edgeLength(polygons, res);
  const step = e / 4, reach = DESCENDANT_REACH * e + step / 2;
  // local metres (equirectangular about the polygons; relative error ≈ 1e-4 across a city)
  const lat0 = polygons[0][0][0][1], kx = 111_320 * Math.cos((lat0 * Math.PI) / 180), ky = 110_574;
  const hexagons = new Map<string, number[][]>();
  const hexagon = (c: string) => {
    let h = hexagons.get(c);
    if (!h) hexagons.set(c, (h = cellToBoundary(c, true).map(([lng, lat]) => [lng * kx, lat * ky])));
    return h;
  };
  const near = new Set<string>();
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 1; i < ring.length; i++) {
        const [x0, y0] = ring[i - 1], [x1, y1] = ring[i];
        const n = Math.max(1, Math.ceil(Math.hypot((x1 - x0) * kx, (y1 - y0) * ky) / step));
        for (let j = 0; j < n; j++) {
          const lng = x0 + ((x1 - x0) * j) / n, lat = y0 + ((y1 - y0) * j) / n;
          // reach < e: a cell within it of the sample is the sample's cell or a neighbour
          for (const c of gridDisk(latLngToCell(lat, lng, res), 1)) {
            if (!near.has(c) && distanceToRing(lng * kx, lat * ky, hexagon(c)) <= reach) near.add(c);
          }
        }
      }
    }
  }
  return near;
}

/**
 * The edge length e of the cells of `res` over the polygons: the longest edge of the cells at the
 * corners and centre of their bounding box (cell sizes change by well under 1 % across a city).
 */
export function edgeLength(polygons: number[][][][], res: number): number {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygons) for (const [x, y] of polygon[0]) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); }
  let longest = 0;
  for (const [x, y] of [[minX, minY], [maxX, minY], [minX, maxY], [maxX, maxY], [(minX + maxX) / 2, (minY + maxY) / 2]]) {
    const ring = cellToBoundary(latLngToCell(y, x, res));
    for (let i = 0; i < ring.length; i++) longest = Math.max(longest, greatCircleDistance(ring[i], ring[(i + 1) % ring.length], 'm'));
  }
  return longest * 1.01;
}

/** Distance from (x, y) to a closed ring (0 inside). */
function distanceToRing(x: number, y: number, ring: number[][]): number {
  let inside = false, best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    const dx = xj - xi, dy = yj - yi, len2 = dx * dx + dy * dy;
    const t = len2 ? Math.max(0, Math.min(1, ((x - xi) * dx + (y - yi) * dy) / len2)) : 0;
    best = Math.min(best, Math.hypot(x - (xi + t * dx), y - (yi + t * dy)));
  }
  return inside ? 0 : best;
}

/**
 * Cells of resolution `res` with their parents at a plan's resolution, their bigint ids (decimal
 * strings), and their res-10 descendants as ids and as ranges (cellRanges).
 */
export interface CellList { res: number; cells: string[]; parents: string[]; ids: string[]; ids10: string[]; ranges10: CellRanges }

const idOf = (cell: string) => BigInt(`0x${cell}`).toString();

export function cellList(cells: string[], res: number, planRes: number): CellList {
  return {
    res, cells, parents: cells.map((c) => cellToParent(c, planRes)), ids: cells.map(idOf),
    ids10: res === FINEST ? cells.map(idOf) : cells.flatMap((c) => cellToChildren(c, FINEST).map(idOf)), ranges10: cellRanges(cells, FINEST),
  };
}

/**
 * How a bounded scope's window is summed at resolution `res` (boundedRows in heatmap.repo), each
 * event once: the rollups at `res` of the cells under an interior cell of a level up to `res`
 * (`own`, as ranges of res-`res` cells); the rollups of the finer levels' interior cells
 * (`finer`), summed to their parents; the events of the `edge` cells.
 */
export interface ScopePlan {
  res: number;
  /** `byCell`: read cell by cell (a small share of the rows at `res`), else the rows of each period, cells kept by a list */
  own: { ids: string[]; has: (cell: string) => boolean; byCell: boolean };
  finer: CellList[];
  edge: CellList;
}

/** The plan at `res` from the scope's cells; `share`: of the districts' area its areas cover (null: unknown). */
export function planOf(cells: ScopeCells, res: number, share: number | null = null): ScopePlan | null {
  const own: string[] = [];
  for (let k = COARSEST; k <= res; k++) for (const c of cells.interior[k]) for (const child of k === res ? [c] : cellToChildren(c, res)) own.push(idOf(child));
  const finer = [];
  for (let k = res + 1; k <= FINEST; k++) if (cells.interior[k].size) finer.push(cellList([...cells.interior[k]], k, res));
  if (!own.length && !finer.length) return null;
  const has = (cell: string) => {
    for (let k = COARSEST; k <= res; k++) if (cells.interior[k].has(k === res ? cell : cellToParent(cell, k))) return true;
    return false;
  };
  const byCell = share === null ? own.length <= 2_000 : share <= ROWS_BY_PERIOD_SHARE;
  return { res, own: { ids: own, has, byCell }, finer, edge: cellList([...cells.edge], FINEST, res) };
}

const LEVEL_OF: Record<ReturnType<typeof eventScopeColumn>, string> = { district_code: 'district', street_code: 'street', community_code: 'community' };

/** Scopes' cells and plans kept (per scope level and code range, geometry version and resolution), and cells kept over all of them; the least recently used go first. */
const CACHED_ENTRIES = 64;
const CACHED_CELLS = 500_000;
const cache = new Map<string, { pending: Promise<unknown>; cells: number }>();

function cached<T>(key: string, compute: () => Promise<T>, size: (v: T) => number): Promise<T> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return hit.pending as Promise<T>;
  }
  const entry = { pending: compute() as Promise<unknown>, cells: 0 };
  cache.set(key, entry);
  entry.pending.then((v) => { entry.cells = size(v as T); evict(); }, () => { if (cache.get(key) === entry) cache.delete(key); });
  evict();
  return entry.pending as Promise<T>;
}

function evict() {
  let total = 0;
  for (const e of cache.values()) total += e.cells;
  for (const [key, e] of cache) {
    if (cache.size <= 1 || (cache.size <= CACHED_ENTRIES && total <= CACHED_CELLS)) break;
    cache.delete(key);
    total -= e.cells;
  }
}

const sizeOf = (c: ScopeCells | null) => (c ? c.interior.reduce((n, s) => n + s.size, 0) + c.edge.size : 0);

/**
 * The plan (ScopePlan) of a bounded scope at `res`, cached per scope level and code range,
 * version of its areas' geometry (and the codes and vertex count of its level's areas, which the
 * overlap check reads) and resolution. Null — sum the scope's events alone — for the unbounded
 * scope, a resolution outside ROLLUP_RESOLUTIONS, a scope with no area of its level, an area of
 * the level outside the scope overlapping one inside, or no interior cell.
 */
export async function scopePlan(knex: Knex, scope: Scope, res: number): Promise<ScopePlan | null> {
  if (!scope.prefix || !(ROLLUP_RESOLUTIONS as readonly number[]).includes(res)) return null;
  const level = LEVEL_OF[eventScopeColumn(scope)];
  const lo = scope.prefix.padEnd(12, '0'), hi = scope.prefix.padEnd(12, '9');
  const { rows: [{ own, others }] } = await knex.raw(
    `select md5(coalesce(string_agg(case when code between ? and ? then code || ':' || md5(ST_AsBinary(geom)) end, ',' order by code), '')) as own,
            count(*) || ':' || coalesce(sum(ST_NPoints(geom)), 0) || ':' || md5(coalesce(string_agg(code, ',' order by code), '')) as others
     from admin_areas where level = ?`,
    [lo, hi, level],
  );
  const version = `${level}|${lo}|${hi}|${own}|${others}`;
  return cached(`plan|${version}|${res}`, async () => {
    const cells = await cached(`cells|${version}`, async () => {
      const areas = await areaPolygons(knex, level, lo, hi);
      return areas ? { ...scopeCellsOf(areas.polygons), share: areas.share } : null;
    }, sizeOf);
    return cells ? planOf(cells, res, cells.share) : null;
  }, (p) => (p ? p.own.ids.length + p.finer.reduce((n, l) => n + l.cells.length, 0) + p.edge.cells.length : 0));
}

/**
 * The in-scope areas' polygons, and the share of the districts' area they cover; null when there
 * are none or an area of the level outside the scope overlaps one inside.
 */
async function areaPolygons(knex: Knex, level: string, lo: string, hi: string): Promise<{ polygons: number[][][][]; share: number | null } | null> {
  const { rows: [{ overlaps }] } = await knex.raw(
    `select exists (
       select 1 from admin_areas a join admin_areas b on b.level = a.level and not (b.code between ? and ?) and ST_Intersects(a.geom, b.geom)
       where a.level = ? and a.code between ? and ? and ST_Relate(a.geom, b.geom, 'T********')) as overlaps`,
    [lo, hi, level, lo, hi],
  );
  if (overlaps) return null;
  const { rows } = await knex.raw(`select ST_AsGeoJSON(geom, 9)::json->'coordinates' as coords from admin_areas where level = ? and code between ? and ?`, [level, lo, hi]);
  const polygons = (rows as { coords: number[][][][] }[]).flatMap((r) => r.coords);
  if (!polygons.length) return null;
  const { rows: [{ share }] } = await knex.raw(
    `select sum(ST_Area(geom)) filter (where level = ? and code between ? and ?) / nullif(sum(ST_Area(geom)) filter (where level = 'district'), 0) as share from admin_areas`,
    [level, lo, hi]);
  return { polygons, share: share === null ? null : Number(share) };
}

/** Cells as ranges [lo, hi] of bigint H3 indexes (decimal strings). */
export interface CellRanges { lo: string[]; hi: string[] }

const RES_BITS = 52n;
const digitShift = (d: number) => BigInt(3 * (15 - d));

/**
 * Cells of one resolution as ranges of bigint H3 indexes at `target` (≥ theirs), merged by
 * compactCells: each compacted cell (resolution k) is the range of its descendants at `target` —
 * resolution bits set to `target`, digits k+1…target from 0 to 6, finer digits 7. Between lo and
 * hi lie only its descendants and indexes with a digit 7 at or above `target`, which no cell has.
 */
export function cellRanges(cells: Iterable<string>, target: number): CellRanges {
  const lo: string[] = [], hi: string[] = [];
  for (const cell of compactCells([...cells])) {
    const k = getResolution(cell);
    let bottom = (BigInt(`0x${cell}`) & ~(15n << RES_BITS)) | (BigInt(target) << RES_BITS);
    let top = bottom;
    for (let d = k + 1; d <= target; d++) {
      bottom &= ~(7n << digitShift(d));
      top = (top & ~(7n << digitShift(d))) | (6n << digitShift(d));
    }
    lo.push(bottom.toString());
    hi.push(top.toString());
  }
  return { lo, hi };
}

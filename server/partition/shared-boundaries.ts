/** A polygon's rings as [lng, lat] positions, as in GeoJSON MultiPolygon coordinates. */
export type MultiPolygonCoords = [number, number][][][];

export interface SharedBoundary {
  a: number;
  b: number;
  lengthM: number;
}

/** Segments closer than this to each other's line count as the same boundary. */
const TOLERANCE_M = 0.01;
/** Side of the hash cells segments are bucketed in. */
const CELL_M = 25;

/**
 * Lengths of boundary shared by pairs of polygons that tile an area, found by matching
 * collinear overlapping segments (in a local metric plane) rather than by a GEOS line overlay:
 * the embedded PostGIS cannot recover from the overlay's robustness fallback, and neighbours'
 * shared edges rarely have the same vertices (a block edge against the cells cut from the next
 * block). `polygons[i]` is polygon i; pairs with less than 1 cm in common are left out.
 */
export function sharedBoundaries(polygons: MultiPolygonCoords[]): SharedBoundary[] {
  if (!polygons.length) return [];
  const lat0 = polygons[0][0][0][0][1];
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180), ky = 110_574;
  const segs: { owner: number; x1: number; y1: number; x2: number; y2: number }[] = [];
  polygons.forEach((poly, owner) => {
    for (const ring of poly.flat()) {
      for (let i = 1; i < ring.length; i++) {
        const [x1, y1, x2, y2] = [ring[i - 1][0] * kx, ring[i - 1][1] * ky, ring[i][0] * kx, ring[i][1] * ky];
        if (x1 !== x2 || y1 !== y2) segs.push({ owner, x1, y1, x2, y2 });
      }
    }
  });
  const buckets = new Map<string, number[]>();
  segs.forEach((s, i) => {
    for (let cx = Math.floor(Math.min(s.x1, s.x2) / CELL_M); cx <= Math.floor(Math.max(s.x1, s.x2) / CELL_M); cx++) {
      for (let cy = Math.floor(Math.min(s.y1, s.y2) / CELL_M); cy <= Math.floor(Math.max(s.y1, s.y2) / CELL_M); cy++) {
        const key = `${cx}:${cy}`;
        const list = buckets.get(key);
        if (list) list.push(i); else buckets.set(key, [i]);
      }
    }
  });
  const seen = new Set<number>();
  const totals = new Map<number, number>();
  const n = segs.length;
  for (const list of buckets.values()) {
    for (let p = 0; p < list.length; p++) {
      for (let q = p + 1; q < list.length; q++) {
        const [i, j] = list[p] < list[q] ? [list[p], list[q]] : [list[q], list[p]];
        const s = segs[i], t = segs[j];
        if (s.owner === t.owner) continue;
        const pairKey = i * n + j;
        if (seen.has(pairKey)) continue;
        seen.add(pairKey);
        const overlap = collinearOverlap(s, t);
        if (overlap <= 0) continue;
        const [a, b] = s.owner < t.owner ? [s.owner, t.owner] : [t.owner, s.owner];
        const key = a * polygons.length + b;
        totals.set(key, (totals.get(key) ?? 0) + overlap);
      }
    }
  }
  const out: SharedBoundary[] = [];
  for (const [key, lengthM] of totals) {
    if (lengthM >= TOLERANCE_M) out.push({ a: Math.floor(key / polygons.length), b: key % polygons.length, lengthM });
  }
  return out.sort((x, y) => x.a - y.a || x.b - y.b);
}

type Seg = { x1: number; y1: number; x2: number; y2: number };

/** Length of the overlap of two segments lying on one line (within the tolerance), else 0. */
function collinearOverlap(s: Seg, t: Seg): number {
  const dx = s.x2 - s.x1, dy = s.y2 - s.y1;
  const len = Math.hypot(dx, dy);
  const ux = dx / len, uy = dy / len;
  const off = (x: number, y: number) => Math.abs((x - s.x1) * uy - (y - s.y1) * ux);
  if (off(t.x1, t.y1) > TOLERANCE_M || off(t.x2, t.y2) > TOLERANCE_M) return 0;
  const along = (x: number, y: number) => (x - s.x1) * ux + (y - s.y1) * uy;
  const [t1, t2] = [along(t.x1, t.y1), along(t.x2, t.y2)];
  return Math.max(0, Math.min(len, Math.max(t1, t2)) - Math.max(0, Math.min(t1, t2)));
}

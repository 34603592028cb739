import type { Rng } from '../geo/prng';

export type XY = [number, number];

/**
 * Lloyd's k-means with k-means++ seeding (driven by `rng`, so deterministic). Returns k centres.
 * Once converged, each centre's Voronoi cell holds its cluster's points, so cells cut from the
 * area the points were drawn from come out non-empty and of similar size.
 */
export function kMeans(points: XY[], k: number, rng: Rng, iterations = 30): XY[] {
  if (points.length < k) throw new Error(`k-means: ${points.length} points for ${k} clusters`);
  const centres = seedPlusPlus(points, k, rng);
  const assignment = new Int32Array(points.length);
  for (let it = 0; it < iterations; it++) {
    points.forEach((p, i) => (assignment[i] = nearest(p, centres)));
    const sums = centres.map(() => [0, 0, 0]);
    points.forEach(([x, y], i) => {
      const s = sums[assignment[i]];
      s[0] += x; s[1] += y; s[2]++;
    });
    sums.forEach(([sx, sy, n], c) => {
      if (n > 0) centres[c] = [sx / n, sy / n];
    });
  }
  return centres;
}

function seedPlusPlus(points: XY[], k: number, rng: Rng): XY[] {
  const centres: XY[] = [points[rng.int(0, points.length - 1)]];
  const d2 = points.map((p) => dist2(p, centres[0]));
  while (centres.length < k) {
    let target = rng.next() * d2.reduce((a, b) => a + b, 0);
    let pick = 0;
    while (pick < points.length - 1 && (target -= d2[pick]) > 0) pick++;
    const c = points[pick];
    centres.push(c);
    points.forEach((p, i) => (d2[i] = Math.min(d2[i], dist2(p, c))));
  }
  return centres.map(([x, y]) => [x, y]);
}

function nearest(p: XY, centres: XY[]): number {
  let best = 0;
  for (let c = 1; c < centres.length; c++) if (dist2(p, centres[c]) < dist2(p, centres[best])) best = c;
  return best;
}

const dist2 = (a: XY, b: XY) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;

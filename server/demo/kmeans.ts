import type { Rng } from '../geo/prng';

export type XY = [number, number];

/**
 * Lloyd's k-means with k-means++ seeding (driven by `rng`, so deterministic). Returns k centres.
 * Once converged, each centre's Voronoi cell holds its cluster's points, so cells cut from the
 * area the points were drawn from come out non-empty and of similar size. With `weights` (e.g.
 * households per address point) a point counts that many times: clusters balance total weight.
 */
export function kMeans(points: XY[], k: number, rng: Rng, iterations = 30, weights?: readonly number[]): XY[] {
  if (points.length < k) throw new Error(`k-means: ${points.length} points for ${k} clusters`);
  const weight = weights ? (i: number) => weights[i] : () => 1;
  const centres = seedPlusPlus(points, k, rng, weight);
  const assignment = new Int32Array(points.length);
  for (let it = 0; it < iterations; it++) {
    points.forEach((p, i) => (assignment[i] = nearest(p, centres)));
    const sums = centres.map(() => [0, 0, 0]);
    points.forEach(([x, y], i) => {
      const s = sums[assignment[i]];
      const w = weight(i);
      s[0] += x * w; s[1] += y * w; s[2] += w;
    });
    sums.forEach(([sx, sy, n], c) => {
      if (n > 0) centres[c] = [sx / n, sy / n];
    });
  }
  return centres;
}

function seedPlusPlus(points: XY[], k: number, rng: Rng, weight: (i: number) => number): XY[] {
  const centres: XY[] = [points[rng.int(0, points.length - 1)]];
  const d2 = points.map((p, i) => weight(i) * dist2(p, centres[0]));
  while (centres.length < k) {
    let target = rng.next() * d2.reduce((a, b) => a + b, 0);
    let pick = 0;
    while (pick < points.length - 1 && (target -= d2[pick]) > 0) pick++;
    const c = points[pick];
    centres.push(c);
    points.forEach((p, i) => (d2[i] = Math.min(d2[i], weight(i) * dist2(p, c))));
  }
  return centres.map(([x, y]) => [x, y]);
}

/** Index of the centre nearest to `p`. */
export function nearest(p: XY, centres: readonly XY[]): number {
  let best = 0;
  let bestD2 = dist2(p, centres[0]);
  for (let c = 1; c < centres.length; c++) {
    const d = dist2(p, centres[c]);
    if (d < bestD2) {
      best = c;
      bestD2 = d;
    }
  }
  return best;
}

const dist2 = (a: XY, b: XY) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;

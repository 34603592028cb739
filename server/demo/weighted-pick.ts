import type { Rng } from '../geo/prng';

/**
 * Draws indices in proportion to their weights: a cumulative table and a binary search, so a
 * draw costs O(log n) however many items there are.
 *
 * @example weightedPick([1, 3]) // returns a function giving 1 three times as often as 0
 */
export function weightedPick(weights: readonly number[]): (rng: Rng) => number {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (cumulative[i] = total += w));
  if (!(total > 0)) throw new Error('weightedPick: no positive weight');
  return (rng) => {
    const at = rng.next() * total;
    let [lo, hi] = [0, cumulative.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** A standard normal draw (Box–Muller). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

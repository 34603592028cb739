import type { HouseholdRange } from '../planning/planning.schema';

/**
 * How many grids `households` should make for a range [min, max]: the count whose mean grid
 * size is nearest the middle of the range among the feasible ones (ceil(H/max) … floor(H/min)).
 * When none is feasible (e.g. 550 households for 300–500) the count whose mean misses the range
 * by the smallest share; an area below the minimum makes one grid, flagged under range.
 */
export function gridCount(households: number, { min, max }: HouseholdRange): number {
  if (households <= max) return 1;
  const lo = Math.ceil(households / max);
  const hi = Math.floor(households / min);
  if (lo <= hi) return Math.min(hi, Math.max(lo, Math.round(households / ((min + max) / 2))));
  const miss = (k: number) => {
    const mean = households / k;
    return mean > max ? (mean - max) / max : (min - mean) / min;
  };
  return miss(hi) <= miss(lo) ? Math.max(1, hi) : lo;
}

/** Whether some split of `households` into whole grids can put every grid in range. */
export const rangeFeasible = (households: number, { min, max }: HouseholdRange): boolean =>
  households === 0 || Math.ceil(households / max) <= Math.floor(households / min);

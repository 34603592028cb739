/** A seeded pseudo-random number generator: same seed, same sequence, on every platform. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  range(min: number, max: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** A positive 31-bit integer, e.g. the `seed` argument of ST_GeneratePoints. */
  seed(): number;
  /** An independent generator derived from this one (keeps sub-steps stable when others change). */
  fork(): Rng;
}

/** mulberry32: a tiny 32-bit generator, plenty for demo data and the partition search. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    seed: () => 1 + Math.floor(next() * 0x7ffffffe),
    fork: () => createRng(rng.seed()),
  };
  return rng;
}

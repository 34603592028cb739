import type { Rng } from '../geo/prng';

/** A village (村) holds about this share of an urban community's (社区) households. */
const VILLAGE_WEIGHT = 0.35;
const APARTMENT_HOUSEHOLDS = [12, 80] as const;
const HOUSE_HOUSEHOLDS = [1, 4] as const;
const PERSONS_PER_HOUSEHOLD = [2.4, 2.9] as const;

/**
 * Splits a street's households among its communities (villages get fewer), ±30% noise each;
 * the counts add up to `total` exactly (largest remainder).
 */
export function splitHouseholds(total: number, isVillage: boolean[], rng: Rng): number[] {
  const weights = isVillage.map((v) => (v ? VILLAGE_WEIGHT : 1) * rng.range(0.7, 1.3));
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => [x - counts[i], i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const missing = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) counts[byRemainder[k][1]]++;
  return counts;
}

export interface Building { households: number; population: number }

/**
 * Buildings housing `households` in all: apartment blocks (12–80 households) with probability
 * `apartmentShare`, else low houses (1–4). The last building takes what is left.
 */
export function drawBuildings(households: number, apartmentShare: number, rng: Rng): Building[] {
  const buildings: Building[] = [];
  for (let left = households; left > 0; ) {
    const [min, max] = rng.next() < apartmentShare ? APARTMENT_HOUSEHOLDS : HOUSE_HOUSEHOLDS;
    const n = Math.min(rng.int(min, max), left);
    buildings.push({ households: n, population: Math.round(n * rng.range(...PERSONS_PER_HOUSEHOLD)) });
    left -= n;
  }
  return buildings;
}

/** What an edit reports for each grid it touched, before and after. */
export interface GridFigures {
  code: string;
  kind: string;
  households: number;
  population: number;
  /** on the spheroid (geography) */
  area_m2: number;
  /** 4πA/P² with A and P in metres on the spheroid; 1 for a circle, ≈0.785 for a square */
  polsby_popper: number;
  /** the grid's properties.target_min/target_max, else the plan's params.urban range, else DEFAULT_TARGETS.urban */
  target_min: number;
  target_max: number;
  /** households within [target_min, target_max] */
  in_range: boolean;
}

/**
 * Polsby–Popper compactness 4πA/P².
 *
 * @param areaM2 area in m²
 * @param perimeterM perimeter in m
 * @example polsbyPopper(1e6, 4000) // → 0.785… (a 1 km square)
 */
export function polsbyPopper(areaM2: number, perimeterM: number): number {
  return perimeterM > 0 ? (4 * Math.PI * areaM2) / (perimeterM * perimeterM) : 0;
}

/** Whether `households` lies within [min, max]. */
export function inRange(households: number, min: number, max: number): boolean {
  return households >= min && households <= max;
}

import type { GridProperties } from '../planning/planning.schema';

/**
 * What an edit reports for each grid it touched, before and after: the grid's figures as in
 * GridProperties (area and Polsby-Popper on the spheroid; targets from the grid, else the
 * plan's urban range, else DEFAULT_TARGETS.urban), with any kind.
 */
export type GridFigures = Pick<GridProperties, 'code' | 'households' | 'population' | 'area_m2' | 'polsby_popper' | 'target_min' | 'target_max' | 'in_range'> & { kind: string };

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

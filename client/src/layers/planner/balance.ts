import type { ExpressionSpecification } from 'maplibre-gl';

/** How a grid's households sit against its target range, from far under to far over. */
export type BalanceClass = 'far-under' | 'under' | 'in-range' | 'over' | 'far-over';

export const BALANCE_CLASSES: BalanceClass[] = ['far-under', 'under', 'in-range', 'over', 'far-over'];

/** Below `min × FAR_UNDER_RATIO` a grid is far under; above `max × FAR_OVER_RATIO`, far over. */
const FAR_UNDER_RATIO = 0.75;
const FAR_OVER_RATIO = 1.25;

/** A diverging scheme: blues for too few households, green in range, oranges to red for too many. */
export const BALANCE_COLOURS: Record<BalanceClass, string> = {
  'far-under': '#2f6bb3',
  under: '#9cc5e8',
  'in-range': '#a9d8a0',
  over: '#f5b066',
  'far-over': '#d6453d',
};

/**
 * The balance class of a grid with `households` against [min, max].
 * @example balanceClass(280, 300, 500) // 'under'
 * @example balanceClass(640, 300, 500) // 'far-over'
 */
export function balanceClass(households: number, min: number, max: number): BalanceClass {
  if (households < min * FAR_UNDER_RATIO) return 'far-under';
  if (households < min) return 'under';
  if (households <= max) return 'in-range';
  if (households <= max * FAR_OVER_RATIO) return 'over';
  return 'far-over';
}

/** The same classes as a MapLibre expression over the `households`, `target_min` and `target_max` properties. */
export const balanceColourExpression: ExpressionSpecification = [
  'case',
  ['<', ['get', 'households'], ['*', ['get', 'target_min'], FAR_UNDER_RATIO]],
  BALANCE_COLOURS['far-under'],
  ['<', ['get', 'households'], ['get', 'target_min']],
  BALANCE_COLOURS.under,
  ['<=', ['get', 'households'], ['get', 'target_max']],
  BALANCE_COLOURS['in-range'],
  ['<=', ['get', 'households'], ['*', ['get', 'target_max'], FAR_OVER_RATIO]],
  BALANCE_COLOURS.over,
  BALANCE_COLOURS['far-over'],
];

import { cellToParent, getResolution } from 'h3-js';

export interface CellCount {
  /** H3 cell */
  cell: string;
  /** events in the cell */
  count: number;
}

export type SuppressionOptions = {
  /** smallest count shown; default 5 */
  minCount?: number;
} & (
  | { mode: 'hide' }
  /** fold small cells into their parents, at most up to (coarsest) `minResolution` */
  | { mode: 'fold'; minResolution: number }
);

export interface SuppressionResult<T> {
  /** the cells shown, each with count ≥ minCount, finest resolution first */
  cells: T[];
  /** input cells whose events are shown only as part of a parent cell */
  foldedCells: number;
  /** input cells whose events are not shown at all, and how many events they held */
  hidden: { cells: number; count: number };
}

/**
 * Small-count suppression for roles without detail access: no cell is shown with fewer than
 * `minCount` events, so a heatmap cell cannot point at one household or person.
 *
 * - `hide`: cells under `minCount` are left out.
 * - `fold`: cells under `minCount` are summed into their parent cell (h3 `cellToParent`), and
 *   parents still under it into theirs, until the sum reaches `minCount` — shown as the parent
 *   cell — or `minResolution` is reached without it — hidden. Cells that reach `minCount` on
 *   their own stay as they are, so a shown parent stands for its small children only, drawn
 *   under its shown children; an input cell that is also a fold target is shown once, summed.
 *
 * Every other numeric property (score sums, counts by type) is summed with `count` when cells
 * fold, so metrics must be additive: derive means, rates and indices after suppression. Counts
 * are conserved: Σ shown counts + hidden.count = Σ input counts. Input cells must not overlap.
 * `hidden` is bookkeeping: next to an exact total it would disclose a lone hidden cell's count.
 *
 * @example suppressSmallCounts([{ cell: a, count: 3 }, { cell: b, count: 4 }], { mode: 'fold', minResolution: 7 })
 * // siblings a and b (res 9) → [{ cell: their res-8 parent, count: 7 }]
 */
export function suppressSmallCounts<T extends CellCount>(rows: readonly T[], options: SuppressionOptions): SuppressionResult<T> {
  const minCount = options.minCount ?? 5;
  if (!(minCount > 0)) throw new RangeError(`minCount must be positive, got ${minCount}`);
  const coarsest = options.mode === 'fold' ? options.minResolution : Infinity;
  if (options.mode === 'fold' && !(Number.isInteger(coarsest) && coarsest >= 0 && coarsest <= 15)) {
    throw new RangeError(`minResolution must be an H3 resolution 0–15, got ${coarsest}`);
  }

  const byResolution = new Map<number, Map<string, Group<T>>>();
  const groupsAt = (res: number) => byResolution.get(res) ?? byResolution.set(res, new Map()).get(res)!;
  for (const row of rows) {
    if (!Number.isFinite(row.count) || row.count < 0) throw new RangeError(`cell ${row.cell} has count ${row.count}; counts are finite numbers ≥ 0`);
    const res = getResolution(row.cell);
    if (res < 0) throw new RangeError(`'${row.cell}' is not an H3 cell`);
    const groups = groupsAt(res);
    if (groups.has(row.cell)) throw new RangeError(`cell ${row.cell} is listed twice`);
    groups.set(row.cell, { row: { ...row }, inputCells: 1, isInput: true });
  }

  const result: SuppressionResult<T> = { cells: [], foldedCells: 0, hidden: { cells: 0, count: 0 } };
  const finest = Math.max(-1, ...byResolution.keys());
  for (let res = finest; res >= 0; res--) {
    for (const group of byResolution.get(res)?.values() ?? []) {
      if (group.row.count >= minCount) {
        result.cells.push(group.row);
        result.foldedCells += group.inputCells - (group.isInput ? 1 : 0);
      } else if (res > coarsest) {
        const parent = cellToParent(group.row.cell, res - 1);
        const parents = groupsAt(res - 1);
        const into = parents.get(parent) ?? { row: { cell: parent, count: 0 } as T, inputCells: 0, isInput: false };
        addMetrics(into.row, group.row);
        into.inputCells += group.inputCells;
        parents.set(parent, into);
      } else {
        result.hidden.cells += group.inputCells;
        result.hidden.count += group.row.count;
      }
    }
  }
  return result;
}

/** The input cells summed into one cell so far. */
interface Group<T> {
  row: T;
  inputCells: number;
  /** whether the cell itself was an input cell */
  isInput: boolean;
}

/** Adds every numeric property of `from` except the cell to `into`. */
function addMetrics<T extends CellCount>(into: T, from: T): void {
  const sums = into as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(from)) {
    if (key === 'cell') continue;
    if (typeof value !== 'number') throw new RangeError(`cell ${from.cell}: '${key}' is ${typeof value}; folding sums numeric metrics only`);
    sums[key] = ((sums[key] as number | undefined) ?? 0) + value;
  }
}

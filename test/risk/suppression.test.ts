import { cellToChildren, getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { suppressSmallCounts } from '../../server/risk/suppression';

// Three res-9 families: P8's children a (7 events), b (2), c (2); its sibling Q8's children d (1),
// e (1), both under P7; and f (3) far away under another res-7 cell.
const p7 = latLngToCell(32.1, 118.9, 7);
const [p8, q8] = cellToChildren(p7, 8);
const [a, b, c] = cellToChildren(p8, 9);
const [d, e] = cellToChildren(q8, 9);
const f = latLngToCell(32.3, 118.6, 9);
const rows = [
  { cell: a, count: 7, score: 70 },
  { cell: b, count: 2, score: 20 },
  { cell: c, count: 2, score: 20 },
  { cell: d, count: 1, score: 10 },
  { cell: e, count: 1, score: 10 },
  { cell: f, count: 3, score: 30 },
]; // 16 events
const total = (cells: { count: number }[]) => cells.reduce((s, x) => s + x.count, 0);

describe('small-count suppression', () => {
  it('when small cells fold, then b + c (4) and d + e (2) meet at their res-7 grandparent (6), f cannot reach 5 and is hidden', () => {
    const result = suppressSmallCounts(rows, { mode: 'fold', minResolution: 7 });
    expect(result.cells).toEqual([
      { cell: a, count: 7, score: 70 },
      { cell: p7, count: 6, score: 60 }, // b, c → p8 = 4 < 5 → p7; d, e → q8 = 2 → p7
    ]);
    expect(result.foldedCells).toBe(4);
    expect(result.hidden).toEqual({ cells: 1, count: 3 });
    expect(total(result.cells) + result.hidden.count).toBe(total(rows));
    expect(result.cells.every((x) => x.count >= 5)).toBe(true);
  });
  it('when small cells are hidden instead, then only a is shown and the other 9 events are counted as hidden', () => {
    const result = suppressSmallCounts(rows, { mode: 'hide' });
    expect(result.cells).toEqual([{ cell: a, count: 7, score: 70 }]);
    expect(result.hidden).toEqual({ cells: 5, count: 9 });
    expect(total(result.cells) + result.hidden.count).toBe(total(rows));
  });
  it('when the threshold is 3, then siblings b + c show as their res-8 parent and f shows alone', () => {
    const result = suppressSmallCounts(rows, { mode: 'fold', minResolution: 7, minCount: 3 });
    expect(result.cells.map((x) => [getResolution(x.cell), x.cell, x.count])).toEqual([
      [9, a, 7],
      [9, f, 3],
      [8, p8, 4],
    ]);
    expect(result.hidden).toEqual({ cells: 2, count: 2 }); // d + e = 2 at res 7 is still under 3
  });
  it('when a parent is itself an input cell, then it is shown once with its own and its folded children’s events', () => {
    const result = suppressSmallCounts([{ cell: p8, count: 3 }, { cell: b, count: 2 }], { mode: 'fold', minResolution: 8 });
    expect(result.cells).toEqual([{ cell: p8, count: 5 }]);
    expect(result.foldedCells).toBe(1);
  });
  it('when the input is bad, then it is refused with the cell and the reason', () => {
    expect(() => suppressSmallCounts([{ cell: a, count: -1 }], { mode: 'hide' })).toThrow(/count -1/);
    expect(() => suppressSmallCounts([{ cell: a, count: 1 }, { cell: a, count: 1 }], { mode: 'hide' })).toThrow(/listed twice/);
    expect(() => suppressSmallCounts([{ cell: 'nowhere', count: 1 }], { mode: 'hide' })).toThrow(/'nowhere' is not an H3 cell/);
    expect(() => suppressSmallCounts(rows, { mode: 'fold', minResolution: 16 })).toThrow(/resolution 0–15, got 16/);
    expect(() => suppressSmallCounts([{ cell: b, count: 1, name: 'x' }], { mode: 'fold', minResolution: 8 })).toThrow(/'name' is string/);
  });
});

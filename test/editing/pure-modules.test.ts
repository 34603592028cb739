import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../../server/editing/components';
import { inRange, polsbyPopper } from '../../server/editing/figures';
import { nextFreeCode } from '../../server/editing/grid-codes';
import { keeperOf } from '../../server/editing/split-keeper';
import { listed } from '../../server/editing/edit-errors';

describe('connectedComponents', () => {
  it('when edges join some nodes, then the pieces come back sorted, and edges to nodes outside the set are ignored', () => {
    expect(connectedComponents([5, 1, 2, 3], [[1, 2], [3, 9], [2, 5]])).toEqual([[1, 2, 5], [3]]);
    expect(connectedComponents([], [[1, 2]])).toEqual([]);
  });

  it('when a long chain is given in any order, then it is one piece', () => {
    const n = 2000;
    const edges = Array.from({ length: n - 1 }, (_, i) => [n - 1 - i, n - 2 - i] as [number, number]);
    expect(connectedComponents(Array.from({ length: n }, (_, i) => i), edges)).toHaveLength(1);
  });
});

describe('nextFreeCode', () => {
  const c = '320113002001';
  it('when serials are in use, then the next one past the highest of that kind is given, ignoring micro-grids and other communities', () => {
    expect(nextFreeCode(c, 'comprehensive', [`${c}001`, `${c}003`, `${c}901`, `${c}00301`, '320113002002007'])).toBe(`${c}004`);
    expect(nextFreeCode(c, 'dedicated', [`${c}001`, `${c}901`])).toBe(`${c}902`);
    expect(nextFreeCode(c, 'dedicated', [])).toBe(`${c}901`);
    expect(nextFreeCode(c, 'comprehensive', [])).toBe(`${c}001`);
  });

  it('when the top serial is taken, then the lowest gap is used, and a full range throws naming the community', () => {
    expect(nextFreeCode(c, 'dedicated', [`${c}901`, `${c}999`])).toBe(`${c}902`);
    const all = Array.from({ length: 99 }, (_, i) => `${c}${901 + i}`);
    expect(() => nextFreeCode(c, 'dedicated', all)).toThrow(/320113002001 has no free dedicated serial/);
  });
});

describe('keeperOf', () => {
  it('when the parts lie east and west of each other, then the western keeps the code', () => {
    expect(keeperOf({ lng: 118.90, lat: 32.1 }, { lng: 118.91, lat: 32.1 })).toBe(0);
    expect(keeperOf({ lng: 118.91, lat: 32.1 }, { lng: 118.90, lat: 32.1005 })).toBe(1);
  });

  it('when they lie further apart north–south (in metres), then the northern keeps it', () => {
    expect(keeperOf({ lng: 118.900, lat: 32.100 }, { lng: 118.9001, lat: 32.101 })).toBe(1);
    // 0.0100° of longitude at 60° N is ≈0.0050° of latitude in metres: north–south wins
    expect(keeperOf({ lng: 10.00, lat: 60.006 }, { lng: 10.01, lat: 60.0 })).toBe(0);
  });
});

describe('figures', () => {
  it('when a square and a circle are measured, then Polsby–Popper is π/4 and 1', () => {
    expect(polsbyPopper(1e6, 4000)).toBeCloseTo(Math.PI / 4, 12);
    expect(polsbyPopper(Math.PI * 100 ** 2, 2 * Math.PI * 100)).toBeCloseTo(1, 12);
    expect(polsbyPopper(0, 0)).toBe(0);
  });

  it('when households lie on a bound, then they are in range', () => {
    expect([inRange(300, 300, 500), inRange(500, 300, 500), inRange(501, 300, 500)]).toEqual([true, true, false]);
  });

  it('when items are listed in a message, then one, several and many read naturally', () => {
    expect(listed('unit', [7])).toBe('unit 7');
    expect(listed('unit', [7, 8, 9])).toBe('units 7, 8 and 9');
    expect(listed('unit', Array.from({ length: 12 }, (_, i) => i))).toBe('units 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more');
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../../server/geo/prng';
import { gridCode, microCode, readingOrder } from '../../server/partition/grid-codes';
import { gridCount, rangeFeasible } from '../../server/partition/grid-count';
import { localRepair } from '../../server/partition/local-repair';
import { sharedBoundaries, type MultiPolygonCoords } from '../../server/partition/shared-boundaries';
import { treeBisection } from '../../server/partition/tree-bisection';
import { components, type GraphEdge } from '../../server/partition/unit-graph';

const range = { min: 300, max: 500 };
const square = (x: number, y: number, w: number, h: number): MultiPolygonCoords => {
  const [x1, y1] = [x + w, y + h];
  return [[[[x, y], [x1, y], [x1, y1], [x, y1], [x, y]]]];
};

/** An n × n lattice of unit nodes with 4-neighbour edges of 100 m; edges crossing column `roadCol` are barriers. */
function lattice(n: number, roadCol = -1): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    const v = r * n + c;
    if (c + 1 < n) edges.push({ a: v, b: v + 1, lengthM: 100, barrier: c === roadCol });
    if (r + 1 < n) edges.push({ a: v, b: v + n, lengthM: 100, barrier: false });
  }
  return edges;
}

describe('grid count', () => {
  it('when households allow several counts, then the one nearest the middle of the range is taken', () => {
    expect(gridCount(1600, range)).toBe(4);
    expect(gridCount(450, range)).toBe(1);
    expect(gridCount(120, range)).toBe(1);
  });
  it('when no count puts every grid in range, then the one missing it by the smallest share is taken', () => {
    expect(rangeFeasible(550, range)).toBe(false);
    expect(gridCount(550, range)).toBe(2); // one grid is 10% over, two grids of 275 are 8.3% under
  });
});

describe('codes', () => {
  it('when grids lie in two rows, then serials run west→east along the north row first', () => {
    const centres: [number, number][] = [[118.92, 32.10], [118.90, 32.10], [118.92, 32.12], [118.90, 32.12]];
    expect(readingOrder(centres)).toEqual([4, 3, 2, 1]);
  });
  it('when codes are made, then grids have 15 digits and micro-grids 17', () => {
    expect(gridCode('320113001001', 7)).toBe('320113001001007');
    expect(microCode('320113001001007', 12)).toBe('32011300100100712');
    expect(() => gridCode('320113001001', 1000)).toThrow(/outside 001–999/);
  });
});

describe('shared boundaries', () => {
  it('when a square borders two half-height squares, then each shares half its side, vertices or not', () => {
    const d = 0.001; // ≈ 94 m east–west, 111 m north–south at 32°N
    const shared = sharedBoundaries([square(0, 32, d, d), square(d, 32, d, d / 2), square(d, 32 + d / 2, d, d / 2)]);
    expect(shared.map((s) => [s.a, s.b])).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(shared[0].lengthM).toBeCloseTo(shared[1].lengthM, 6);
    expect(shared[0].lengthM).toBeCloseTo(55.3, 0);
  });
  it('when squares only touch at a corner, then they share nothing', () => {
    expect(sharedBoundaries([square(0, 32, 0.001, 0.001), square(0.001, 32.001, 0.001, 0.001)])).toEqual([]);
  });
});

describe('tree bisection', () => {
  it('when a 6 × 6 lattice of 25-household units is split in 4, then every part is connected and within 200–250', () => {
    const weight = new Array(36).fill(25);
    const edges = lattice(6);
    const part = treeBisection(weight, edges, 4, { range: { min: 200, max: 250 }, rng: createRng(1), trees: 12, barrierCostPerM: 0.05, imbalanceCostPerPct: 2 });
    for (let p = 0; p < 4; p++) {
      const nodes = part.flatMap((q, v) => (q === p ? [v] : []));
      expect(nodes.length * 25).toBeGreaterThanOrEqual(200);
      expect(nodes.length * 25).toBeLessThanOrEqual(250);
      const inside = edges.filter((e) => part[e.a] === p && part[e.b] === p);
      expect(components(36, inside).filter((c) => part[c[0]] === p)).toHaveLength(1);
    }
  });
  it('when a road runs down the middle of a lattice, then a split in two cuts along it', () => {
    const weight = new Array(36).fill(25);
    const edges = lattice(6, 2);
    const part = treeBisection(weight, edges, 2, { range, rng: createRng(3), trees: 12, barrierCostPerM: 0.05, imbalanceCostPerPct: 2 });
    const cut = edges.filter((e) => part[e.a] !== part[e.b]);
    expect(cut.every((e) => e.barrier)).toBe(true);
  });
});

describe('local repair', () => {
  it('when one grid is over its range next to one under, then a border unit moves and both land in range', () => {
    const weight = [100, 100, 100, 100, 100, 100, 100];
    const edges: GraphEdge[] = weight.slice(1).map((_, i) => ({ a: i, b: i + 1, lengthM: 10, barrier: false }));
    const part = [0, 0, 0, 0, 0, 1, 1]; // 500 | 200 with range 250–450
    const moves = localRepair(weight, edges, part, { range: { min: 250, max: 450 }, barrierCostPerM: 0.05, costPerHouseholdOutside: 50, maxRounds: 10 });
    expect(moves).toBeGreaterThan(0);
    const loads = [0, 1].map((p) => part.reduce((s, q, v) => s + (q === p ? weight[v] : 0), 0));
    expect(loads.every((l) => l >= 250 && l <= 450)).toBe(true);
  });
});

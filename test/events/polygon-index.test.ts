import { describe, expect, it } from 'vitest';
import pointInPolygon from 'point-in-polygon-hao';
import { PolygonIndex } from '../../server/events/polygon-index';
import { createRng } from '../../server/geo/prng';

const square = (x: number, y: number, holes: number[][][] = []) => [[[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]], ...holes]];

describe('PolygonIndex.locate', () => {
  // four unit squares meeting at (1, 1); D has a hole (1.25..1.75)²
  const index = new PolygonIndex([
    { key: 'A', coords: square(0, 0) },
    { key: 'B', coords: square(1, 0) },
    { key: 'C', coords: square(0, 1) },
    { key: 'D', coords: square(1, 1, [[[1.25, 1.25], [1.25, 1.75], [1.75, 1.75], [1.75, 1.25], [1.25, 1.25]]]) },
  ]);

  it('when a point is inside one polygon, then it is that one', () => {
    expect(index.locate(0.5, 0.5)).toBe('A');
    expect(index.locate(1.1, 1.9)).toBe('D');
  });

  it('when a point lies on an edge two polygons share, then the one whose key sorts first gets it, every time', () => {
    expect(index.locate(1, 0.5)).toBe('A'); // A | B
    expect(index.locate(1.5, 1)).toBe('B'); // B / D
    expect(index.locate(0.5, 1)).toBe('A'); // A / C
  });

  it('when a point is on a vertex four polygons share, then the first key gets it', () => {
    expect(index.locate(1, 1)).toBe('A');
    expect(index.locate(2, 2)).toBe('D'); // an outer corner: D alone
  });

  it('when a point is in a hole or outside everything, then no polygon holds it; on the hole\'s edge, D does', () => {
    expect(index.locate(1.5, 1.5)).toBeNull();
    expect(index.locate(3, 3)).toBeNull();
    expect(index.locate(1.25, 1.5)).toBe('D');
  });
});

describe('PolygonIndex lattice', () => {
  // a 12 × 12 mesh of quadrilaterals with jittered shared vertices (slanted edges), keys by row and column
  const rng = createRng(3);
  const n = 12;
  const vertex = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) =>
    [j + (j % n ? rng.range(-0.3, 0.3) : 0), i + (i % n ? rng.range(-0.3, 0.3) : 0)]));
  const items = Array.from({ length: n * n }, (_, k) => {
    const [i, j] = [Math.floor(k / n), k % n];
    return { key: `q${String(k).padStart(3, '0')}`, coords: [[[vertex[i][j], vertex[i][j + 1], vertex[i + 1][j + 1], vertex[i + 1][j], vertex[i][j]]]] };
  });
  const index = new PolygonIndex(items);
  /** Every polygon tested, the same boundary rule: the reference the lattice must agree with. */
  const bruteForce = (x: number, y: number) => {
    let onEdge: string | null = null;
    for (const item of items) {
      const hit = pointInPolygon([x, y], item.coords[0]);
      if (hit === true) return item.key;
      if (hit === 0 && (onEdge === null || item.key < onEdge)) onEdge = item.key;
    }
    return onEdge;
  };

  it('when points are anywhere, on vertices or on edges, then the lattice answers as testing every polygon does', () => {
    const points: [number, number][] = [];
    for (let k = 0; k < 20_000; k++) points.push([rng.range(-0.5, n + 0.5), rng.range(-0.5, n + 0.5)]);
    for (const row of vertex) for (const [x, y] of row) points.push([x, y]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const [a, b] = [vertex[i][j], vertex[i][j + 1]];
      points.push([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
    }
    const wrong = points.filter(([x, y]) => index.locate(x, y) !== bruteForce(x, y));
    expect(wrong).toEqual([]);
  });
});

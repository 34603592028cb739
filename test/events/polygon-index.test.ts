import { describe, expect, it } from 'vitest';
import { PolygonIndex } from '../../server/events/polygon-index';

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

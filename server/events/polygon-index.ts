import Flatbush from 'flatbush';
import pointInPolygon from 'point-in-polygon-hao';

/** GeoJSON MultiPolygon coordinates: polygons of rings of [lng, lat]. */
export type MultiPolygonCoords = number[][][][];

/**
 * Which of a set of polygons holds a point: a flatbush R-tree over each polygon's bbox, then
 * an exact test (point-in-polygon-hao, robust on edges and vertices, holes respected).
 *
 * A point strictly inside a polygon belongs to it. A point on a boundary (an edge or a vertex
 * shared by neighbours) belongs to the neighbour whose key sorts first, so that it is assigned
 * exactly once and the same way every time. A point in a hole or outside everything: null.
 *
 * @example
 *   const index = new PolygonIndex([{ key: 'A', coords: [[[[0,0],[1,0],[1,1],[0,1],[0,0]]]] }]);
 *   index.locate(0.5, 0.5) // 'A'
 */
export class PolygonIndex {
  private readonly tree: Flatbush | null;
  private readonly owners: number[] = [];
  private readonly polygons: number[][][][] = [];
  readonly keys: string[];

  constructor(items: { key: string; coords: MultiPolygonCoords }[]) {
    this.keys = items.map((i) => i.key);
    items.forEach((item, owner) => {
      for (const polygon of item.coords) { this.polygons.push(polygon); this.owners.push(owner); }
    });
    if (!this.polygons.length) { this.tree = null; return; }
    this.tree = new Flatbush(this.polygons.length);
    for (const polygon of this.polygons) {
      let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const [x, y] of polygon[0]) {
        if (x < minX) minX = x; if (x > maxX) maxX = x;
        if (y < minY) minY = y; if (y > maxY) maxY = y;
      }
      this.tree.add(minX, minY, maxX, maxY);
    }
    this.tree.finish();
  }

  get size(): number { return this.keys.length; }

  /** The key of the polygon holding (lng, lat), or null. */
  locate(lng: number, lat: number): string | null {
    if (!this.tree) return null;
    let onEdge: string | null = null;
    for (const i of this.tree.search(lng, lat, lng, lat)) {
      const hit = pointInPolygon([lng, lat], this.polygons[i]);
      if (hit === true) return this.keys[this.owners[i]];
      if (hit === 0) {
        const key = this.keys[this.owners[i]];
        if (onEdge === null || key < onEdge) onEdge = key;
      }
    }
    return onEdge;
  }
}

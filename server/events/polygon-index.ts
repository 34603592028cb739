import Flatbush from 'flatbush';
import pointInPolygon from 'point-in-polygon-hao';
import { PolygonLattice } from './polygon-lattice';

/**
 * Lattice cells per polygon and per vertex, roughly: finer lattices answer more lookups alone
 * but cost memory and build time; a long outline (a district's) needs many cells to keep most of
 * them off its edges.
 */
const LATTICE_CELLS_PER_POLYGON = 256;
const LATTICE_CELLS_PER_VERTEX = 32;
const MAX_LATTICE_CELLS = 4_000_000;

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
  private readonly lattice: PolygonLattice | null = null;
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
    const bounds: [number, number, number, number] = [this.tree.minX, this.tree.minY, this.tree.maxX, this.tree.maxY];
    const area = (bounds[2] - bounds[0]) * (bounds[3] - bounds[1]);
    const vertices = this.polygons.reduce((n, polygon) => n + polygon.reduce((m, ring) => m + ring.length, 0), 0);
    const cells = Math.min(MAX_LATTICE_CELLS, Math.max(this.polygons.length * LATTICE_CELLS_PER_POLYGON, vertices * LATTICE_CELLS_PER_VERTEX));
    if (area > 0) {
      const rings = this.polygons.flatMap((polygon, i) => polygon.map((ring) => ({ owner: this.owners[i], ring })));
      const ownerOf = new Map(this.keys.map((k, i) => [k, i]));
      this.lattice = new PolygonLattice(rings, bounds, Math.sqrt(area / cells), (x, y) => {
        const key = this.search(x, y);
        return key === null ? PolygonLattice.NONE : ownerOf.get(key)!;
      });
    }
  }

  get size(): number { return this.keys.length; }

  /** The key of the polygon holding (lng, lat), or null. */
  locate(lng: number, lat: number): string | null {
    const owner = this.lattice ? this.lattice.lookup(lng, lat) : PolygonLattice.ASK;
    if (owner >= 0) return this.keys[owner];
    return owner === PolygonLattice.NONE ? null : this.search(lng, lat);
  }

  /** The R-tree and exact tests, with the boundary rule. */
  private search(lng: number, lat: number): string | null {
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

/**
 * A lattice over a set of polygons that answers most point lookups without a point-in-polygon
 * test: every lattice cell that no polygon edge touches lies wholly inside one polygon or
 * outside all of them, so its owner, found once at its centre, holds for every point in it.
 * Cells that an edge touches (closed cells, with a margin) say "ask the polygons".
 */
export class PolygonLattice {
  static readonly ASK = -2;
  static readonly NONE = -1;
  private readonly cells: Int32Array;
  private readonly width: number;
  private readonly height: number;

  /**
   * @param rings every ring of every polygon, as [lng, lat] positions, with its owner's index
   * @param bounds [minX, minY, maxX, maxY] of all polygons
   * @param cellSize lattice cell side, degrees
   * @param ownerAt the owner at a point strictly away from every edge (NONE outside all)
   */
  constructor(
    rings: { owner: number; ring: number[][] }[],
    private readonly bounds: [number, number, number, number],
    private readonly cellSize: number,
    ownerAt: (x: number, y: number) => number,
  ) {
    const [minX, minY, maxX, maxY] = bounds;
    this.width = Math.max(1, Math.ceil((maxX - minX) / cellSize));
    this.height = Math.max(1, Math.ceil((maxY - minY) / cellSize));
    this.cells = new Int32Array(this.width * this.height); // 0 until classified below
    for (const { ring } of rings) for (let i = 1; i < ring.length; i++) this.markEdge(ring[i - 1], ring[i]);
    for (let iy = 0; iy < this.height; iy++) {
      for (let ix = 0; ix < this.width; ix++) {
        const k = ix + iy * this.width;
        if (this.cells[k] !== PolygonLattice.ASK) this.cells[k] = ownerAt(minX + (ix + 0.5) * cellSize, minY + (iy + 0.5) * cellSize);
      }
    }
  }

  /** The owner of the cell holding (x, y), NONE, or ASK. */
  lookup(x: number, y: number): number {
    const [minX, minY, maxX, maxY] = this.bounds;
    if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) return PolygonLattice.NONE;
    // the upper bounds themselves fall in the last column or row, whose cells an edge there touches
    const ix = Math.min(this.width - 1, Math.floor((x - minX) / this.cellSize));
    const iy = Math.min(this.height - 1, Math.floor((y - minY) / this.cellSize));
    return this.cells[ix + iy * this.width];
  }

  /** Marks ASK every closed cell the segment a–b meets, with a margin of a thousandth of a cell: column by column, the segment's y-range there. */
  private markEdge([ax, ay]: number[], [bx, by]: number[]): void {
    const [minX, minY] = this.bounds;
    const s = this.cellSize, eps = s * 1e-3;
    const col = (x: number) => Math.floor((x - minX) / s);
    const row = (y: number) => Math.floor((y - minY) / s);
    const [x0, x1] = ax <= bx ? [ax, bx] : [bx, ax];
    for (let ix = Math.max(0, col(x0 - eps)); ix <= Math.min(this.width - 1, col(x1 + eps)); ix++) {
      // the part of the segment within this column (widened by the margin)
      const cx0 = Math.max(x0, minX + ix * s - eps), cx1 = Math.min(x1, minX + (ix + 1) * s + eps);
      const yAt = (x: number) => (bx === ax ? ay : ay + ((by - ay) * (x - ax)) / (bx - ax));
      const [ya, yb] = bx === ax ? [ay, by] : [yAt(cx0), yAt(cx1)];
      const r0 = Math.max(0, row(Math.min(ya, yb) - eps)), r1 = Math.min(this.height - 1, row(Math.max(ya, yb) + eps));
      for (let iy = r0; iy <= r1; iy++) this.cells[ix + iy * this.width] = PolygonLattice.ASK;
    }
  }
}

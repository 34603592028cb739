import {
  cellToLatLng,
  cellToLocalIj,
  getHexagonEdgeLengthAvg,
  getPentagons,
  getResolution,
  greatCircleDistance,
  gridDisk,
  isValidCell,
} from 'h3-js';

/**
 * Neighbourhoods in compressed rows: the neighbourhood of `cells[i]` is
 * `neighbours.subarray(start[i], start[i + 1])`, indices into `cells`.
 */
export interface CellNeighbourhoods {
  start: Uint32Array;
  neighbours: Uint32Array;
}

/**
 * For each cell of a study area, the study cells within grid distance k of it — h3-js
 * `gridDisk(cell, k)` restricted to the study area, the cell itself included — as indices.
 * All cells must share one resolution and appear once.
 *
 * Fast path (≈ 3–4× quicker than 100,000 `gridDisk` calls, whose string results dominate): each
 * cell gets local IJ coordinates from one origin (`cellToLocalIj`), where a hexagon's
 * neighbours are the six offsets (±1, 0), (0, ±1), ±(1, 1), and neighbourhoods are looked up by
 * coordinates. Local IJ is an exact lattice only away from pentagon distortion (China's nearest
 * pentagon is in the Yellow Sea off Dalian, ≈ 840 km from Nanjing), so it is used when the study
 * area, with twice the mean cell spacing as margin for H3's uneven cell sizes, reaches less than
 * half-way from the origin to the nearest pentagon; otherwise, or when local IJ fails, `gridDisk`
 * per cell.
 *
 * @example gridDiskIndices(gridDisk(c, 1), 1) // the centre's row holds all 7 indices
 */
export function gridDiskIndices(cells: readonly string[], k: number): CellNeighbourhoods {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`neighbourhood grid distance k must be a whole number ≥ 1, got ${k}`);
  return localIjNeighbourhoods(cells, k) ?? gridDiskNeighbourhoods(cells, k);
}

/** Number of cells within grid distance k of a hexagon, itself included. */
const diskSize = (k: number) => 3 * k * (k + 1) + 1;

/** Grid distance of an offset (di, dj) in local IJ coordinates (axes 120° apart). */
const hexDistance = (di: number, dj: number) => (di * dj >= 0 ? Math.max(Math.abs(di), Math.abs(dj)) : Math.abs(di) + Math.abs(dj));

/** Offsets (di, dj) within grid distance k in local IJ coordinates. */
function diskOffsets(k: number): [number, number][] {
  const offsets: [number, number][] = [];
  for (let di = -k; di <= k; di++) for (let dj = -k; dj <= k; dj++) if (hexDistance(di, dj) <= k) offsets.push([di, dj]);
  return offsets;
}

function localIjNeighbourhoods(cells: readonly string[], k: number): CellNeighbourhoods | undefined {
  const n = cells.length;
  if (n === 0) return undefined;
  const ci = new Float64Array(n);
  const cj = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    try {
      const { i, j } = cellToLocalIj(cells[0], cells[c]);
      ci[c] = i;
      cj[c] = j;
    } catch {
      return undefined; // too far from the origin, a resolution mismatch or a bad cell: gridDisk tells which
    }
  }
  let [iMin, iMax, jMin, jMax, reach] = [Infinity, -Infinity, Infinity, -Infinity, 0];
  for (let c = 0; c < n; c++) {
    iMin = Math.min(iMin, ci[c]);
    iMax = Math.max(iMax, ci[c]);
    jMin = Math.min(jMin, cj[c]);
    jMax = Math.max(jMax, cj[c]);
    reach = Math.max(reach, hexDistance(ci[c] - ci[0], cj[c] - cj[0]));
  }
  const res = getResolution(cells[0]);
  const reachKm = 2 * reach * Math.sqrt(3) * getHexagonEdgeLengthAvg(res, 'km');
  const origin = cellToLatLng(cells[0]);
  const pentagonKm = Math.min(...getPentagons(res).map((p) => greatCircleDistance(origin, cellToLatLng(p), 'km')));
  if (reachKm >= pentagonKm / 2) return undefined;
  const width = jMax - jMin + 1;
  if ((iMax - iMin + 1) * width > Number.MAX_SAFE_INTEGER) return undefined;
  const at = new Map<number, number>();
  for (let c = 0; c < n; c++) {
    const key = (ci[c] - iMin) * width + (cj[c] - jMin);
    if (at.has(key)) throw new RangeError(`the study area lists cell ${cells[c]} twice`);
    at.set(key, c);
  }
  const offsets = diskOffsets(k);
  const start = new Uint32Array(n + 1);
  const neighbours = new Uint32Array(n * offsets.length);
  let used = 0;
  for (let c = 0; c < n; c++) {
    start[c] = used;
    for (let o = 0; o < offsets.length; o++) {
      const i = ci[c] + offsets[o][0];
      const j = cj[c] + offsets[o][1];
      if (i < iMin || i > iMax || j < jMin || j > jMax) continue;
      const other = at.get((i - iMin) * width + (j - jMin));
      if (other !== undefined) neighbours[used++] = other;
    }
  }
  start[n] = used;
  return { start, neighbours: neighbours.slice(0, used) };
}

function gridDiskNeighbourhoods(cells: readonly string[], k: number): CellNeighbourhoods {
  const n = cells.length;
  const index = new Map<string, number>();
  cells.forEach((cell, c) => {
    if (!isValidCell(cell)) throw new RangeError(`'${cell}' in the study area is not an H3 cell`);
    if (getResolution(cell) !== getResolution(cells[0])) {
      throw new RangeError(`cell ${cell} has resolution ${getResolution(cell)}, the study area's first cell ${getResolution(cells[0])}`);
    }
    if (index.has(cell)) throw new RangeError(`the study area lists cell ${cell} twice`);
    index.set(cell, c);
  });
  const start = new Uint32Array(n + 1);
  const neighbours = new Uint32Array(n * diskSize(k));
  let used = 0;
  for (let c = 0; c < n; c++) {
    start[c] = used;
    for (const cell of gridDisk(cells[c], k)) {
      const other = index.get(cell);
      if (other !== undefined) neighbours[used++] = other;
    }
  }
  start[n] = used;
  return { start, neighbours: neighbours.slice(0, used) };
}

import { benjaminiHochberg } from './false-discovery-rate';
import { gridDiskIndices } from './h3-neighbourhoods';
import { twoSidedP } from './normal-distribution';

export interface GiStarOptions {
  /** neighbourhood: cells within this grid distance (h3 `gridDisk`), the cell itself included; default 1 */
  k?: number;
  /** Benjamini–Hochberg false-discovery-rate correction of the p-values before binning; default false */
  fdr?: boolean;
}

/** Column-wise results: entry i of each array belongs to `studyCells[i]`. */
export interface GiStarResult {
  /** Gi* z-score: positive = values higher around the cell than the study-area mean (hot), negative = cold */
  z: Float64Array;
  /** two-sided p-value of z under the normal distribution */
  p: Float64Array;
  /** with `fdr` only: Benjamini–Hochberg adjusted p-values, which the bins are then read from */
  pAdjusted?: Float64Array;
  /** confidence bin: ±3 at 99 %, ±2 at 95 %, ±1 at 90 %, 0 not significant; sign of z (ArcGIS's Gi_Bin) */
  bin: Int8Array;
  /** cells that had a value but are not in the study area: their values were not used */
  outsideStudyArea: string[];
}

/**
 * Getis–Ord Gi* hot-spot statistic over H3 cells (Getis & Ord 1995; the cell is in its own
 * neighbourhood), with binary weights over the cells within grid distance k.
 *
 * The study area is explicit: `studyCells` lists every cell of it (e.g. `polygonToCells` of the
 * district); a study cell with no entry in `values` counts 0 (no events), and neighbours outside
 * the study area are left out (a border cell simply has fewer neighbours). For n cells with mean
 * X̄ and S = √(Σx²/n − X̄²), a cell whose neighbourhood holds m_i cells with value sum Σx_j:
 *
 *   Gi* = (Σx_j − X̄·m_i) / (S·√((n·m_i − m_i²)/(n − 1)))
 *
 * (binary weights: Σw = Σw² = m_i). Where it is undefined — all values equal (S = 0), or a
 * neighbourhood covering the whole study area (m_i = n) — the cell gets z = 0, p = 1, bin 0: no
 * evidence of a hot or cold spot rather than NaN.
 *
 * Bins: |bin| = 3 when p ≤ 0.01, 2 when p ≤ 0.05, 1 when p ≤ 0.10. With `fdr: true` the bins
 * read the Benjamini–Hochberg adjusted p-values instead, which is the BH procedure at false
 * discovery rates 1 %, 5 % and 10 % — fewer cells are called hot or cold by chance among
 * thousands tested (ArcGIS's "FDR correction").
 *
 * @example giStar(polygonToCells(districtRing, 9), eventCountsByCell, { k: 1, fdr: true })
 */
export function giStar(studyCells: readonly string[], values: ReadonlyMap<string, number>, options: GiStarOptions = {}): GiStarResult {
  const { k = 1, fdr = false } = options;
  const n = studyCells.length;
  const { x, valuesInside } = studyValues(studyCells, values);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const mean = sum / n;
  let squares = 0;
  let allEqual = true;
  for (let i = 0; i < n; i++) {
    squares += (x[i] - mean) ** 2; // Σ(x − X̄)²/n = Σx²/n − X̄², computed without cancellation
    allEqual &&= x[i] === x[0];
  }
  const s = Math.sqrt(squares / n);

  const { start, neighbours } = neighbourhoodsOf(studyCells, k);
  const z = new Float64Array(n);
  const p = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const m = start[i + 1] - start[i];
    if (allEqual || m === n) continue;
    let local = 0;
    for (let e = start[i]; e < start[i + 1]; e++) local += x[neighbours[e]];
    z[i] = (local - mean * m) / (s * Math.sqrt((n * m - m * m) / (n - 1)));
    p[i] = twoSidedP(z[i]);
  }
  const pAdjusted = fdr ? benjaminiHochberg(p) : undefined;
  const bin = new Int8Array(n);
  for (let i = 0; i < n; i++) bin[i] = Math.sign(z[i]) * confidenceLevel((pAdjusted ?? p)[i]);
  return { z, p, pAdjusted, bin, outsideStudyArea: valuesInside < values.size ? outside(studyCells, values) : [] };
}

/**
 * Neighbourhoods of a study area, kept per array and k while the array lives: the heatmap passes
 * the same cached array of the district's cells on every request (≈ 27,000 cells at res 10),
 * whose neighbourhoods took most of a hot-spot request's time. The study area is read-only.
 */
const neighbourhoodCache = new WeakMap<readonly string[], Map<number, ReturnType<typeof gridDiskIndices>>>();
function neighbourhoodsOf(studyCells: readonly string[], k: number) {
  let byK = neighbourhoodCache.get(studyCells);
  if (!byK) neighbourhoodCache.set(studyCells, (byK = new Map()));
  let found = byK.get(k);
  if (!found) byK.set(k, (found = gridDiskIndices(studyCells, k)));
  return found;
}

/** 3 for p ≤ 0.01, 2 for p ≤ 0.05, 1 for p ≤ 0.10, else 0. */
const confidenceLevel = (p: number): number => (p <= 0.01 ? 3 : p <= 0.05 ? 2 : p <= 0.1 ? 1 : 0);

function studyValues(studyCells: readonly string[], values: ReadonlyMap<string, number>) {
  const x = new Float64Array(studyCells.length);
  let valuesInside = 0;
  studyCells.forEach((cell, i) => {
    const value = values.get(cell);
    if (value === undefined) return;
    if (!Number.isFinite(value)) throw new RangeError(`cell ${cell} has value ${value}; Gi* needs finite numbers`);
    x[i] = value;
    valuesInside++;
  });
  return { x, valuesInside };
}

/** The study areas as sets, kept per array as its neighbourhoods are. */
const studySets = new WeakMap<readonly string[], Set<string>>();
function outside(studyCells: readonly string[], values: ReadonlyMap<string, number>): string[] {
  let study = studySets.get(studyCells);
  if (!study) studySets.set(studyCells, (study = new Set(studyCells)));
  return [...values.keys()].filter((cell) => !study.has(cell));
}

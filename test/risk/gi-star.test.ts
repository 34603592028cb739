import { gridDisk, gridDistance, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { giStar } from '../../server/risk/gi-star';
import { twoSidedP } from '../../server/risk/normal-distribution';

const centre = latLngToCell(32.1, 118.9, 9); // Qixia, Nanjing: no pentagon near
const ring = (cells: string[], distance: number) => cells.filter((c) => gridDistance(centre, c) === distance);
/** cells of `cells` within grid distance 1 of `cell`, itself included */
const around = (cells: string[], cell: string) => gridDisk(cell, 1).filter((c) => cells.includes(c)).length;

describe('Getis–Ord Gi*', () => {
  it('when one hot cell sits in the middle of 19, then z matches the hand computation for centre, ring and edge cells', () => {
    const cells = gridDisk(centre, 2); // 1 + 6 + 12 = 19 cells
    const { z } = giStar(cells, new Map([[centre, 19]]), { k: 1 });
    // n = 19, X̄ = 19/19 = 1, Σx²/n = 361/19 = 19, S = √(19 − 1²) = √18 = 3√2.
    // Binary weights, so Σw = Σw² = m, the cells within distance 1 inside the area;
    // denominator = S·√((n·m − m²)/(n − 1)) = 3√2·√((19m − m²)/18).
    // Centre: m = 7, Σwx = 19 → (19 − 7)/(3√2·√(84/18)) = 12/√84 = 6/√21 ≈ 1.3093.
    // Ring-1 cell: m = 7 (centre, itself, 2 on its ring, 3 outer), Σwx = 19 → the same 6/√21.
    // Outer ring, corner cell: m = 4 (itself, 2 on its ring, 1 inner; 3 lie outside the area),
    //   Σwx = 0 → (0 − 4)/(3√2·√(60/18)) = −4/√60 = −2/√15 ≈ −0.5164.
    // Outer ring, edge cell: m = 5 (2 inner), Σwx = 0 → (0 − 5)/(3√2·√(70/18)) = −5/√70 ≈ −0.5976.
    const zOf = (cell: string) => z[cells.indexOf(cell)];
    expect(zOf(centre)).toBeCloseTo(6 / Math.sqrt(21), 9);
    for (const cell of ring(cells, 1)) expect(zOf(cell)).toBeCloseTo(6 / Math.sqrt(21), 9);
    const outer = ring(cells, 2);
    const corners = outer.filter((c) => around(cells, c) === 4);
    const edges = outer.filter((c) => around(cells, c) === 5);
    expect([corners.length, edges.length]).toEqual([6, 6]);
    for (const cell of corners) expect(zOf(cell)).toBeCloseTo(-2 / Math.sqrt(15), 9);
    for (const cell of edges) expect(zOf(cell)).toBeCloseTo(-5 / Math.sqrt(70), 9);
  });

  it('when a hot disk of 7 sits in 37 cells, then the centre is a 99 % hot spot at z = 6 and its ring at z = 99/35', () => {
    const cells = gridDisk(centre, 3); // 37 cells
    const values = new Map(gridDisk(centre, 1).map((c) => [c, 1]));
    const result = giStar(cells, values, { k: 1 });
    // n = 37, Σx = Σx² = 7, X̄ = 7/37, S² = 7/37 − 49/37² = 210/37², S = √210/37.
    // Every cell within distance 2 has m = 7: denominator = (√210/37)·√((37·7 − 49)/36)
    //   = (√210/37)·(√210/6) = 35/37.
    // Centre: Σwx = 7 → (7 − 7·7/37)/(35/37) = (259 − 49)/35 = 6.
    // Ring 1: Σwx = 4 (itself, centre, 2 on its ring) → (148 − 49)/35 = 99/35 ≈ 2.8286.
    // Ring 2 edge cell: Σwx = 2 → (74 − 49)/35 = 5/7; corner: Σwx = 1 → (37 − 49)/35 = −12/35.
    const at = (cell: string) => cells.indexOf(cell);
    expect(result.z[at(centre)]).toBeCloseTo(6, 9);
    expect(result.p[at(centre)] / 1.9731752900754e-9).toBeCloseTo(1, 12); // 2·Φ(−6)
    expect(result.bin[at(centre)]).toBe(3);
    for (const cell of ring(cells, 1)) {
      expect(result.z[at(cell)]).toBeCloseTo(99 / 35, 9);
      expect(result.p[at(cell)]).toBeCloseTo(0.004675626589095521, 12); // < 0.01
      expect(result.bin[at(cell)]).toBe(3);
    }
    const ring2 = ring(cells, 2);
    const touchingRing1 = (c: string) => gridDisk(c, 1).filter((x) => gridDistance(centre, x) === 1).length;
    for (const cell of ring2.filter((c) => touchingRing1(c) === 2)) expect(result.z[at(cell)]).toBeCloseTo(5 / 7, 9);
    for (const cell of ring2.filter((c) => touchingRing1(c) === 1)) expect(result.z[at(cell)]).toBeCloseTo(-12 / 35, 9);
    expect(result.bin.filter((b) => b !== 0)).toHaveLength(7);
  });

  it('when the false-discovery-rate correction is on, then the ring drops from 99 % to 95 % and the centre stays at 99 %', () => {
    const cells = gridDisk(centre, 3);
    const result = giStar(cells, new Map(gridDisk(centre, 1).map((c) => [c, 1])), { k: 1, fdr: true });
    // 37 tests; sorted p: centre (rank 1), the six ring cells (ranks 2–7, p₁ = 0.004676 each),
    // then p ≥ 0.3. The ring's q = 37·p₁/7 = 0.02471: under 0.05, over 0.01.
    const at = (cell: string) => cells.indexOf(cell);
    const p1 = twoSidedP(99 / 35);
    for (const cell of ring(cells, 1)) {
      expect(result.pAdjusted![at(cell)]).toBeCloseTo((37 * p1) / 7, 12);
      expect(result.bin[at(cell)]).toBe(2);
    }
    expect(result.bin[at(centre)]).toBe(3);
  });

  it('when a cold spot sits in a busy field, then its bins are negative', () => {
    const cells = gridDisk(centre, 3);
    const values = new Map(cells.map((c) => [c, gridDistance(centre, c) <= 1 ? 0 : 1]));
    const result = giStar(cells, values);
    expect(result.z[cells.indexOf(centre)]).toBeCloseTo(-6, 9); // the mirror image of the hot disk
    expect(result.bin[cells.indexOf(centre)]).toBe(-3);
  });

  it('when every cell has the same value, then S = 0 and every cell gets z 0, p 1, bin 0 rather than NaN', () => {
    const cells = gridDisk(centre, 2);
    for (const values of [new Map<string, number>(), new Map(cells.map((c) => [c, 0.1]))]) {
      const result = giStar(cells, values, { fdr: true });
      expect([...result.z]).toEqual(new Array(19).fill(0));
      expect([...result.p]).toEqual(new Array(19).fill(1));
      expect([...result.bin]).toEqual(new Array(19).fill(0));
    }
  });

  it('when the neighbourhood covers the whole study area, then z is 0, not NaN', () => {
    const cells = gridDisk(centre, 1);
    const result = giStar(cells, new Map([[centre, 5]]), { k: 2 });
    expect([...result.z]).toEqual(new Array(7).fill(0));
  });

  it('when values fall outside the study area, then they are not used and are listed', () => {
    const cells = gridDisk(centre, 2);
    const far = latLngToCell(32.2, 119.0, 9);
    const result = giStar(cells, new Map([[centre, 19], [far, 100]]));
    expect(result.outsideStudyArea).toEqual([far]);
    expect(result.z[cells.indexOf(centre)]).toBeCloseTo(6 / Math.sqrt(21), 9); // as if `far` were not there
  });

  it('when a value is not a finite number, then it is refused with its cell', () => {
    expect(() => giStar([centre], new Map([[centre, Infinity]]))).toThrow(new RegExp(`cell ${centre} has value Infinity`));
  });
});

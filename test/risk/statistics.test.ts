import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../server/risk/false-discovery-rate';
import { erfc, twoSidedP } from '../../server/risk/normal-distribution';

describe('normal p-values', () => {
  it('when z is 1.96 or 2.576, then the two-sided p is 0.05 or 0.01', () => {
    expect(twoSidedP(1.96)).toBeCloseTo(0.05, 4);
    expect(twoSidedP(-1.96)).toBeCloseTo(0.05, 4);
    expect(twoSidedP(2.576)).toBeCloseTo(0.01, 4);
    expect(twoSidedP(1.6448536269514722)).toBeCloseTo(0.1, 12); // the 95 % one-sided quantile
    expect(twoSidedP(0)).toBe(1);
  });
  it('when z is far in the tail, then p keeps its relative precision (FDR over 100,000 cells needs ~1e-7)', () => {
    // 2·Φ(−6) = 1.9731752900754e-9 and erfc(10) = 2.0884875837625e-45 (tables; also C's erfc)
    expect(twoSidedP(6) / 1.9731752900754024e-9).toBeCloseTo(1, 12);
    expect(erfc(10) / 2.0884875837625449e-45).toBeCloseTo(1, 12);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(-0.5)).toBeCloseTo(1.5204998778130465, 15);
  });
});

describe('false discovery rate', () => {
  it("when Benjamini & Hochberg's 15 p-values are adjusted, then q = min over later ranks of 15·p/rank, and 4 pass at 5 %", () => {
    // Benjamini & Hochberg (1995), section 4.2, sorted; the order of the input is kept
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1];
    const expected = [
      0.0015, //  15 × 0.0001 / 1
      0.003, //   15 × 0.0004 / 2
      0.0095, //  15 × 0.0019 / 3
      0.035625, //15 × 0.0095 / 4
      0.0603, //  15 × 0.0201 / 5
      0.06385714285714286, // rank 6: 15 × 0.0278 / 6 = 0.0695, but rank 7 gives less: 15 × 0.0298 / 7
      0.06385714285714286,
      0.0645, //  15 × 0.0344 / 8
      0.0765, //  15 × 0.0459 / 9
      0.486, //   15 × 0.324 / 10
      0.5811818181818182, // 15 × 0.4262 / 11
      0.714875, // 15 × 0.5719 / 12
      0.7532307692307693, // 15 × 0.6528 / 13
      0.8132142857142857, // 15 × 0.759 / 14
      1,
    ];
    const shuffle = [14, 3, 0, 9, 6, 1, 12, 4, 10, 2, 8, 13, 5, 11, 7];
    const q = benjaminiHochberg(shuffle.map((i) => p[i]));
    shuffle.forEach((i, at) => expect(q[at]).toBeCloseTo(expected[i], 12));
    expect(q.filter((x) => x <= 0.05)).toHaveLength(4);
  });
});

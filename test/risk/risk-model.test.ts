import { describe, expect, it } from 'vitest';
import { cellScores, decayFactor, DEFAULT_RISK_MODEL, eventScore, hazardProximityScore, rankGrids } from '../../server/risk/risk-model';

const DAY_MS = 86_400_000;
const now = Date.UTC(2024, 5, 30);

describe('decay', () => {
  it('when an event is 0, 1 and 2 half-lives old, then it counts 1, 1/2 and 1/4', () => {
    expect(decayFactor(0, 30)).toBe(1);
    expect(decayFactor(30, 30)).toBe(0.5);
    expect(decayFactor(60, 30)).toBe(0.25);
  });
  it('when an event is dated in the future, then it counts in full, not more', () => {
    expect(decayFactor(-10, 30)).toBe(1);
  });
  it('when the half-life is not positive, then it is refused with the bad value', () => {
    expect(() => decayFactor(1, 0)).toThrow(/halfLifeDays .* got 0/);
  });
});

describe('event scores', () => {
  it('when three events are scored by the default model, then type × severity × decay gives 6, 16 and 0.25', () => {
    const events = [
      { type: 'fire', severity: 3, occurredAt: new Date(now - 30 * DAY_MS) }, // 3 × 4 × 1/2 = 6
      { type: 'dispute', severity: 5, occurredAt: now }, //                       1 × 16 × 1 = 16
      { type: 'hotline_12345', severity: 2, occurredAt: now - 60 * DAY_MS }, // 0.5 × 2 × 1/4 = 0.25
    ];
    expect(events.map((e) => eventScore(e, now))).toEqual([6, 16, 0.25]);
    expect(events.reduce((sum, e) => sum + eventScore(e, new Date(now)), 0)).toBe(22.25);
  });
  it('when a type is not in the model, then it weighs 1 (also for names like "constructor")', () => {
    expect(eventScore({ type: 'noise', severity: 2, occurredAt: now }, now)).toBe(2);
    expect(eventScore({ type: 'constructor', severity: 1, occurredAt: now }, now)).toBe(1);
  });
  it('when a model halves fires and keeps events for ever, then the scores follow it', () => {
    const model = { ...DEFAULT_RISK_MODEL, weightsByType: { fire: 1.5 }, halfLifeDays: Infinity };
    expect(eventScore({ type: 'fire', severity: 4, occurredAt: now - 365 * DAY_MS }, now, model)).toBe(12);
  });
  it('when a severity is outside 1–5 or the time is invalid, then the event is refused with the bad value', () => {
    expect(() => eventScore({ type: 'fire', severity: 6, occurredAt: now }, now)).toThrow(/severity 6 .* 1–5/);
    expect(() => eventScore({ type: 'fire', severity: 0, occurredAt: now }, now)).toThrow(/severity 0/);
    expect(() => eventScore({ type: 'fire', severity: 1, occurredAt: new Date('soon') }, now)).toThrow(/not a valid time/);
  });
});

describe('hazard proximity', () => {
  const chemicalPlantRingsM = [500, 1000, 3000];
  it('when a cell lies in each ring of a major chemical plant, then it gets 8, 8 × 2/3, 8 × 1/3, and 0 beyond', () => {
    const at = (m: number) => hazardProximityScore(m, chemicalPlantRingsM, '重大');
    expect([at(0), at(500)]).toEqual([8, 8]);
    expect(at(800)).toBeCloseTo(16 / 3, 12);
    expect(at(3000)).toBeCloseTo(8 / 3, 12);
    expect(at(3001)).toBe(0);
  });
  it('when a flood zone has a ring at 0 m, then only the inside gets full weight', () => {
    expect(hazardProximityScore(0, [0, 200, 500], '较大')).toBe(4);
    expect(hazardProximityScore(100, [0, 200, 500], '较大')).toBeCloseTo(8 / 3, 12);
  });
  it('when the level is missing or unknown, then the source weighs like an ordinary one', () => {
    expect(hazardProximityScore(0, chemicalPlantRingsM, null)).toBe(2);
    expect(hazardProximityScore(0, chemicalPlantRingsM, 'IV级')).toBe(2);
  });
  it('when rings do not ascend, then they are refused', () => {
    expect(() => hazardProximityScore(0, [1000, 500], '一般')).toThrow(/must ascend, got 1000,500/);
  });
});

describe('cell index and percentile', () => {
  it('when five cells score 0, 2, 2, 4 and 8, then indices are 0, 25, 25, 50, 100 and tied cells share the mid-rank', () => {
    const scores = cellScores(new Map([['e', 0], ['a', 2], ['b', 2], ['c', 4], ['d', 8]]));
    const view = (cell: string) => [scores.get(cell)!.index0to100, scores.get(cell)!.percentile];
    // percentile = share of the 4 other cells scoring lower, ties counted half
    expect(view('e')).toEqual([0, 0]); //     0 lower
    expect(view('a')).toEqual([25, 37.5]); // 1 lower + ½ of the other 2 → 1.5 / 4
    expect(view('b')).toEqual([25, 37.5]);
    expect(view('c')).toEqual([50, 75]); //   3 lower
    expect(view('d')).toEqual([100, 100]); // 4 lower
  });
  it('when every cell scores 0, then indices are 0 and every cell sits at the 50th percentile', () => {
    const scores = cellScores(new Map([['a', 0], ['b', 0], ['c', 0]]));
    expect([...scores.values()].map((s) => [s.index0to100, s.percentile])).toEqual([[0, 50], [0, 50], [0, 50]]);
  });
  it('when a score is negative or not a number, then it is refused with the cell', () => {
    expect(() => cellScores(new Map([['a', 1], ['b', -1]]))).toThrow(/cell b has risk score -1/);
    expect(() => cellScores(new Map([['a', NaN]]))).toThrow(/cell a/);
  });
});

describe('grid rankings', () => {
  it('when five grids in two streets are ranked, then ranks run from the riskiest, ties share a rank and safety is 100 − risk', () => {
    const grid = (id: string, street: string, score: number) => ({ grid: id, streetCode: street, districtCode: '320113', score });
    const ranks = rankGrids([grid('g1', 's1', 10), grid('g2', 's1', 4), grid('g3', 's1', 4), grid('g4', 's2', 6), grid('g5', 's2', 0)]);
    const view = ranks.map((r) => [r.grid, r.riskIndex, r.safetyIndex, `${r.rankInStreet}/${r.gridsInStreet}`, `${r.rankInDistrict}/${r.gridsInDistrict}`]);
    expect(view).toEqual([
      ['g1', 100, 0, '1/3', '1/5'],
      ['g2', 40, 60, '2/3', '3/5'], // district order 10 > 6 > 4 = 4 > 0
      ['g3', 40, 60, '2/3', '3/5'],
      ['g4', 60, 40, '1/2', '2/5'],
      ['g5', 0, 100, '2/2', '5/5'],
    ]);
  });
  it('when a grid has a negative score, then the ranking is refused with the grid', () => {
    expect(() => rankGrids([{ grid: 'g1', streetCode: 's1', districtCode: 'd', score: -2 }])).toThrow(/grid g1 has risk score -2/);
  });
});

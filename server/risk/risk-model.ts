/**
 * The risk model: how events and hazard sources turn into risk points, and risk points into the
 * indices and rankings a command centre reads.
 *
 * Unit: one risk point = one fresh (age 0) severity-1 dispute (矛盾纠纷). An event scores
 * type weight × severity weight × decay; a hazard source adds its level's weight, stepped down
 * by ring, to what lies around it, and does not decay (it stands until it is removed).
 */
export interface RiskModel {
  /** weight of an event by its type; types not listed weigh `defaultTypeWeight` */
  weightsByType: Record<string, number>;
  defaultTypeWeight: number;
  /** `severityWeights[s]` is the weight of severity s = 1…5 (entry 0 is unused and 0) */
  severityWeights: number[];
  /** days after which an event counts half (exponential decay) */
  halfLifeDays: number;
  hazardProximity: {
    /** risk points of a hazard source inside its innermost ring, by level (重大 / 较大 / 一般) */
    weightByLevel: Record<string, number>;
    /** risk points of a source whose level is missing or not listed */
    defaultWeight: number;
  };
}

/**
 * Starting values, for command centres to calibrate against their own history.
 *
 * Event types (dispute = 1, the unit):
 * - `fire` (火情) 3: threatens lives at once and spreads to neighbouring buildings.
 * - `flood_report` (汛情) 2: lives and property over a wide area, but seasonal and forecast
 *   (汛期 warnings), so less sudden than a fire.
 * - `work_safety_hazard` (安全隐患) 2: blocked fire exits, illegal gas cylinders, unsafe
 *   structures are the precursors of fires and accidents, dangerous until fixed.
 * - `police_incident` (警情) 2: crime and public-order calls, the stuff of 治安乱点 hot spots.
 * - `dispute` (矛盾纠纷) 1: the commonest event; most are settled inside the grid, but those left
 *   unresolved can escalate (民转刑), so they count.
 * - `hotline_12345` (12345 诉求) 0.5: mostly service requests and complaints (noise, repairs,
 *   sanitation), numerous and loosely tied to safety; half weight keeps their volume from
 *   drowning out the rest.
 * - any other type: 1.
 *
 * Severity 1…5 doubles per step (1, 2, 4, 8, 16): a severity-5 event weighs as much as sixteen
 * severity-1 events of its type, as consequences grow much faster than the ordinal scale.
 *
 * Half-life 30 days: rankings are monthly; last month's events count half, a quarter's 1/8.
 *
 * Hazard sources by level, doubling like severities: 重大 (major) 8 — a standing fresh
 * severity-4 dispute next door — 较大 (considerable) 4, 一般 (ordinary) or unknown 2.
 */
export const DEFAULT_RISK_MODEL: RiskModel = {
  weightsByType: {
    fire: 3,
    flood_report: 2,
    work_safety_hazard: 2,
    police_incident: 2,
    dispute: 1,
    hotline_12345: 0.5,
  },
  defaultTypeWeight: 1,
  severityWeights: [0, 1, 2, 4, 8, 16],
  halfLifeDays: 30,
  hazardProximity: {
    weightByLevel: { 重大: 8, 较大: 4, 一般: 2 },
    defaultWeight: 2,
  },
};

const MS_PER_DAY = 86_400_000;

/**
 * Share of its weight an event keeps after `ageDays`: 0.5^(ageDays / halfLifeDays). Events
 * dated in the future (negative age: clock skew, a typo) count in full, 1, rather than more.
 *
 * @example decayFactor(60, 30) // 0.25
 */
export function decayFactor(ageDays: number, halfLifeDays: number): number {
  if (!(halfLifeDays > 0)) throw new RangeError(`halfLifeDays must be a positive number of days, got ${halfLifeDays}`);
  return ageDays <= 0 ? 1 : 0.5 ** (ageDays / halfLifeDays);
}

export interface RiskEvent {
  type: string;
  /** 1 (minor) … 5 (gravest) */
  severity: number;
  /** a Date or epoch milliseconds */
  occurredAt: Date | number;
}

/**
 * Risk points of one event at time `now`: type weight × severity weight × decay by age.
 *
 * @example eventScore({ type: 'fire', severity: 2, occurredAt: now - 30 * 86_400_000 }, now) // 3 × 2 × 0.5 = 3
 */
export function eventScore(event: RiskEvent, now: Date | number, model: RiskModel = DEFAULT_RISK_MODEL): number {
  const { type, severity, occurredAt } = event;
  if (!Number.isInteger(severity) || severity < 1 || severity >= model.severityWeights.length) {
    throw new RangeError(`event severity ${severity} has no weight: severities run 1–${model.severityWeights.length - 1}`);
  }
  const ageDays = (epochMs(now) - epochMs(occurredAt)) / MS_PER_DAY;
  if (Number.isNaN(ageDays)) throw new RangeError(`event time ${String(occurredAt)} or now ${String(now)} is not a valid time`);
  const typeWeight = Object.hasOwn(model.weightsByType, type) ? model.weightsByType[type] : model.defaultTypeWeight;
  return typeWeight * model.severityWeights[severity] * decayFactor(ageDays, model.halfLifeDays);
}

const epochMs = (t: Date | number): number => (typeof t === 'number' ? t : t.getTime());

/**
 * Risk points a hazard source adds at `distanceM` metres (0 = inside the source), given its
 * ring distances `ringsM` (ascending, as in hazards.schema's RINGS_BY_TYPE_M) and level. Full
 * weight within the innermost ring, one equal step down per ring, 0 beyond the outermost: with
 * n rings, ring i (0 = innermost, distances up to and including ringsM[i]) keeps (n − i) / n.
 *
 * @example hazardProximityScore(800, [500, 1000, 3000], '重大') // 8 × 2/3 ≈ 5.33
 */
export function hazardProximityScore(
  distanceM: number,
  ringsM: readonly number[],
  level: string | null | undefined,
  model: RiskModel = DEFAULT_RISK_MODEL,
): number {
  if (ringsM.some((r, i) => i > 0 && r <= ringsM[i - 1])) throw new RangeError(`ring distances must ascend, got ${ringsM.join(',')}`);
  const ring = ringsM.findIndex((r) => distanceM <= r);
  if (ring < 0) return 0;
  const { weightByLevel, defaultWeight } = model.hazardProximity;
  const weight = level != null && Object.hasOwn(weightByLevel, level) ? weightByLevel[level] : defaultWeight;
  return (weight * (ringsM.length - ring)) / ringsM.length;
}

export interface CellScore {
  /** raw risk points */
  score: number;
  /** 100 × score / the highest score (linear, so monotone in score); 0 everywhere when all scores are 0 */
  index0to100: number;
  /** share of the other cells scoring lower, ties counted half, in %: lowest 0, highest 100, a lone cell 50 */
  percentile: number;
}

/**
 * Index and percentile of each cell's raw risk points. The index is linear — twice the points,
 * twice the index — so it reads as "share of the worst cell"; one extreme cell squeezes the rest
 * towards 0, which the percentile, a pure rank, does not.
 *
 * @example cellScores(new Map([['a', 0], ['b', 0], ['c', 1], ['d', 3]]))
 * // a, b: index 0, percentile 16.7 (0 lower + half of 1 tie, of 3 others); c: 33.3, 66.7; d: 100, 100
 */
export function cellScores(raw: ReadonlyMap<string, number>): Map<string, CellScore> {
  const sorted = Float64Array.from(raw.values()).sort();
  const n = sorted.length;
  const max = n > 0 ? sorted[n - 1] : 0;
  const out = new Map<string, CellScore>();
  for (const [cell, score] of raw) {
    checkScore(score, `cell ${cell}`);
    const below = firstIndexAbove(sorted, score, true);
    const equal = firstIndexAbove(sorted, score, false) - below;
    out.set(cell, {
      score,
      index0to100: riskIndex(score, max),
      percentile: n === 1 ? 50 : (100 * (below + (equal - 1) / 2)) / (n - 1),
    });
  }
  return out;
}

function checkScore(score: number, what: string): void {
  if (!Number.isFinite(score) || score < 0) throw new RangeError(`${what} has risk score ${score}; scores are finite numbers ≥ 0`);
}

/** 100 × score / max, 0 when max is 0. */
const riskIndex = (score: number, max: number): number => (max > 0 ? Math.min(100, (100 * score) / max) : 0); // no 100.00000000000001

/** In ascending `sorted`, the first index holding a value ≥ `value` (`orEqual`) or > `value`. */
function firstIndexAbove(sorted: Float64Array, value: number, orEqual: boolean): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value || (!orEqual && sorted[mid] === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface GridScore {
  grid: string;
  streetCode: string;
  districtCode: string;
  /** raw risk points */
  score: number;
}

export interface GridRank extends GridScore {
  /** 100 × score / the highest score among the grids given */
  riskIndex: number;
  /** 平安指数-like: 100 − riskIndex; 100 = no risk points, 0 = the riskiest grid given */
  safetyIndex: number;
  /** 1 = riskiest in its street; equal scores share a rank (1, 2, 2, 4) */
  rankInStreet: number;
  gridsInStreet: number;
  /** 1 = riskiest in its district; equal scores share a rank */
  rankInDistrict: number;
  gridsInDistrict: number;
}

/**
 * Grids ranked by risk within their street (街道) and their district (区县), with a risk index
 * and its complement, a safety index (平安指数) for league tables. Both indices are relative to
 * the riskiest grid given, so compare grids from one call only. Returns the grids in input order.
 *
 * @example rankGrids([{ grid: 'g1', streetCode: 's1', districtCode: 'd', score: 10 }, { grid: 'g2', streetCode: 's1', districtCode: 'd', score: 4 }])
 * // g1: riskIndex 100, safetyIndex 0, rank 1 of 2; g2: riskIndex 40, safetyIndex 60, rank 2 of 2
 */
export function rankGrids(grids: readonly GridScore[]): GridRank[] {
  for (const g of grids) checkScore(g.score, `grid ${g.grid}`);
  const max = grids.reduce((m, g) => Math.max(m, g.score), 0);
  const inStreet = ranksWithin(grids, (g) => g.streetCode);
  const inDistrict = ranksWithin(grids, (g) => g.districtCode);
  return grids.map((g, i) => {
    const index = riskIndex(g.score, max);
    return {
      ...g,
      riskIndex: index,
      safetyIndex: 100 - index,
      rankInStreet: inStreet.rank[i],
      gridsInStreet: inStreet.size[i],
      rankInDistrict: inDistrict.rank[i],
      gridsInDistrict: inDistrict.size[i],
    };
  });
}

/** Competition ranks (1 = highest score, ties share the best rank) within groups, and group sizes. */
function ranksWithin(grids: readonly GridScore[], groupOf: (g: GridScore) => string) {
  const groups = new Map<string, number[]>();
  grids.forEach((g, i) => {
    const members = groups.get(groupOf(g));
    if (members) members.push(i);
    else groups.set(groupOf(g), [i]);
  });
  const rank = new Array<number>(grids.length);
  const size = new Array<number>(grids.length);
  for (const members of groups.values()) {
    members.sort((a, b) => grids[b].score - grids[a].score);
    members.forEach((i, position) => {
      const previous = members[position - 1];
      rank[i] = position > 0 && grids[previous].score === grids[i].score ? rank[previous] : position + 1;
      size[i] = members.length;
    });
  }
  return { rank, size };
}

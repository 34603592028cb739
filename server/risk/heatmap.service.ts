import type { Knex } from 'knex';
import { EVERYWHERE, type Scope } from '../auth/scope';
import { DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS } from '../events/rollups';
import { giStar } from './gi-star';
import { eventDays, windowRiskSums, windowSums } from './heatmap.repo';
import { hazardScores } from './hazard-scores';
import { cellScores, DEFAULT_RISK_MODEL, type RiskModel } from './risk-model';
import { resolutionForZoom, type HeatmapQuery } from './risk.schema';
import { areaCells, bboxCells, districtCells } from './study-area';
import { suppressSmallCounts } from './suppression';
import { cstMidnight, type DayWindow } from './time-window';

/**
 * A bbox covering more than this share of the districts' cells filters the answer in process:
 * reading the whole resolution in key order is then cheaper than probing the index cell by cell.
 */
const SQL_FILTER_MAX_SHARE = 0.25;
const DAY_MS = 86_400_000;

export interface HeatmapAnswer {
  res: number;
  metric: HeatmapQuery['metric'];
  window: DayWindow;
  types: string[] | null;
  /** small counts folded into parent cells or hidden (no detail access) */
  suppressed: boolean;
  /** column-wise: entry i of each array belongs to cells[i] */
  cells: string[];
  counts: number[];
  /** count; risk index 0–100; Gi* z-score */
  values: number[];
  /** risk: percentile rank 0–100 */
  percentiles?: number[];
  /** hotspot: confidence bin −3…3 (99/95/90 % cold … hot) */
  bins?: number[];
  domain: [number, number];
  totalEvents: number;
}

/** The window asked for, or the year up to the day after the last event (in the scope). */
export async function resolveWindow(knex: Knex, q: { from?: string; to?: string }, scope: Scope = EVERYWHERE): Promise<DayWindow> {
  const to = q.to ?? (await lastDayAfter(knex, scope));
  const from = q.from ?? new Date(Date.parse(to) - 365 * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

async function lastDayAfter(knex: Knex, scope: Scope): Promise<string> {
  const { last } = await eventDays(knex, scope);
  return new Date((last ? Date.parse(last) : Date.now()) + DAY_MS).toISOString().slice(0, 10);
}

/** Who asks: whether they see small counts (events:read), the threshold, and their area scope. */
export interface HeatmapAccess { details: boolean; suppressBelow: number; scope?: Scope }

/** Risk points of one cell-type sum at the window's end: type weight × Σ severity weight × decay growth × 2^(−T/h). */
/** Decay of growth at the window's end: risk points = weighted growth × this. */
function decayAt(endMs: number, model: RiskModel): number {
  if (model.halfLifeDays !== DECAY_HALF_LIFE_DAYS) throw new RangeError(`the rollups hold decay at a ${DECAY_HALF_LIFE_DAYS}-day half-life, not ${model.halfLifeDays}`);
  return 2 ** (-(endMs - DECAY_EPOCH_MS) / DAY_MS / DECAY_HALF_LIFE_DAYS);
}

/**
 * The heatmap of a window: events per H3 cell from the rollups, as counts, risk (event points
 * with decay at the window's end plus hazard proximity, as a 0–100 index and percentile) or
 * Getis-Ord Gi* hot spots over the district's cells (the whole district, whatever the bbox). Without detail access, cells under
 * `suppressBelow` events are folded into their parents (count, risk) or hidden (hotspot).
 * A bounded scope counts only its events (summed from the events, not the rollups), adds the
 * hazard points of the hazard sources in its area only, and measures hot spots over its area's cells.
 */
export async function heatmap(knex: Knex, q: HeatmapQuery, access: HeatmapAccess, model: RiskModel = DEFAULT_RISK_MODEL): Promise<HeatmapAnswer> {
  const scope = access.scope ?? EVERYWHERE;
  const res = q.res ?? resolutionForZoom(q.zoom ?? 11);
  const window = await resolveWindow(knex, q, scope);
  const cover = q.bbox ? new Set(bboxCells(q.bbox, res)) : null;
  const studyCells = () => (scope.prefix ? areaCells(knex, scope.areaCode!, res) : districtCells(knex, res));
  const filter = cover && cover.size <= SQL_FILTER_MAX_SHARE * (await studyCells()).length ? [...cover] : null;
  const inBbox = (cell: string) => !cover || cover.has(cell);
  // hot spots are measured over the whole district, so a cell's z does not change as the map pans
  const byCell = new Map<string, { count: number; score: number }>();
  if (q.metric === 'risk') {
    const decay = decayAt(Date.parse(cstMidnight(window.to)), model);
    const weights = { byType: model.weightsByType, defaultType: model.defaultTypeWeight, bySeverity: model.severityWeights };
    for (const s of await windowRiskSums(knex, res, window, q.types ?? null, filter, weights, scope)) byCell.set(s.cell, { count: s.count, score: s.weightedGrowth * decay });
  } else {
    const sums = await windowSums(knex, res, window, q.types ? { each: q.types } : { all: true }, q.metric === 'hotspot' ? null : filter, scope, { countsOnly: true });
    for (const s of sums) {
      const c = byCell.get(s.cell) ?? { count: 0, score: 0 };
      c.count += s.n.reduce((a, b) => a + b, 0);
      byCell.set(s.cell, c);
    }
  }
  const totalEvents = [...byCell].reduce((sum, [cell, c]) => sum + (inBbox(cell) ? c.count : 0), 0);
  const base = { res, metric: q.metric, window, types: q.types ?? null, suppressed: !access.details, totalEvents };

  if (q.metric === 'hotspot') {
    const counts = new Map([...byCell].map(([cell, c]) => [cell, c.count]));
    // a bounded scope's study area is its area's cells, as the districts' are the unbounded one's
    const study = await studyCells();
    const gi = giStar(study, counts, { k: q.k, fdr: q.fdr });
    const shown = study.flatMap((cell, i) => {
      const count = counts.get(cell) ?? 0;
      const hiddenSmall = !access.details && count > 0 && count < access.suppressBelow;
      return inBbox(cell) && (count > 0 || gi.bin[i] !== 0) && !hiddenSmall ? [{ cell, count, z: gi.z[i], bin: gi.bin[i] }] : [];
    });
    return { ...base, ...columns(shown, (c) => c.z), bins: shown.map((c) => c.bin) };
  }

  if (q.metric === 'risk') {
    for (const [cell, points] of await hazardScores(knex, res, model, inBbox, scope)) {
      const c = byCell.get(cell) ?? { count: 0, score: 0 };
      c.score += points;
      byCell.set(cell, c);
    }
  }
  let rows = [...byCell].filter(([cell]) => inBbox(cell)).map(([cell, c]) => ({ cell, ...c }));
  if (!access.details) rows = suppressSmallCounts(rows, { mode: 'fold', minCount: access.suppressBelow, minResolution: Math.min(6, res) }).cells;
  if (q.metric === 'count') return { ...base, ...columns(rows, (r) => r.count) };
  const scores = cellScores(new Map(rows.map((r) => [r.cell, r.score])));
  return { ...base, ...columns(rows, (r) => scores.get(r.cell)!.index0to100), percentiles: rows.map((r) => scores.get(r.cell)!.percentile) };
}

function columns<T extends { cell: string; count: number }>(rows: T[], value: (r: T) => number) {
  const values = rows.map(value);
  return {
    cells: rows.map((r) => r.cell),
    counts: rows.map((r) => r.count),
    values,
    domain: [values.length ? Math.min(...values) : 0, values.length ? Math.max(...values) : 0] as [number, number],
  };
}

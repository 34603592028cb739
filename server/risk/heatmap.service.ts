import type { Knex } from 'knex';
import { EVERYWHERE, type Scope } from '../auth/scope';
import { DECAY_HALF_LIFE_DAYS, decayGrowth } from '../events/rollups';
import { giStar } from './gi-star';
import { eventDays } from './heatmap.repo';
import { hazardScores } from './hazard-scores';
import { cellScores, DEFAULT_RISK_MODEL, type RiskModel } from './risk-model';
import { resolutionForZoom, type HeatmapQuery } from './risk.schema';
import { areaCells, bboxCells, bboxOverlap, cellCentres, districtCells, lngRange } from './study-area';
import { suppressSmallCounts } from './suppression';
import { cachedWindow, cellsOverlapping, derived } from './window-cache';
import { cstMidnight, type DayWindow } from './time-window';

const DAY_MS = 86_400_000;
/** A bbox holding at most this share of the study area's cells reads its own cells while its window is not in memory. */
const SQL_FILTER_MAX_SHARE = 0.25;

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

/** Decay of growth at the window's end: risk points = weighted growth × this. */
function decayAt(endMs: number, model: RiskModel): number {
  if (model.halfLifeDays !== DECAY_HALF_LIFE_DAYS) throw new RangeError(`the rollups hold decay at a ${DECAY_HALF_LIFE_DAYS}-day half-life, not ${model.halfLifeDays}`);
  return 1 / decayGrowth(endMs);
}

/** Heatmap settings of the server: the cells of windows kept in memory (0: none; HEATMAP_CACHE_CELLS), and the risk model. */
export interface HeatmapOptions { cacheCells: number; model?: RiskModel }

/**
 * The heatmap of a window: events per H3 cell, as counts, risk (event points with decay at the
 * window's end plus hazard proximity, as a 0–100 index and percentile) or Getis-Ord Gi* hot spots
 * over the district's cells (the whole district, whatever the bbox). The window's sums over the
 * whole resolution come from the window cache (read from the rollups, or for a bounded scope its
 * own events, then kept current by the ingest); the bbox picks the cells overlapping it. Without
 * detail access, cells under `suppressBelow` events are folded into their parents (count, risk) or
 * hidden (hotspot). A bounded scope counts only its events, adds the hazard points of the hazard
 * sources in its area only, and measures hot spots over its area's cells.
 */
export async function heatmap(knex: Knex, q: HeatmapQuery, access: HeatmapAccess, opts: HeatmapOptions): Promise<HeatmapAnswer> {
  const model = opts.model ?? DEFAULT_RISK_MODEL;
  const scope = access.scope ?? EVERYWHERE;
  const res = q.res ?? resolutionForZoom(q.zoom ?? 11);
  const window = await resolveWindow(knex, q, scope);
  const inBbox = q.bbox ? bboxOverlap(q.bbox, res) : null;
  // counts and hot spots read the rollups' all-types rows; risk weighs each type's
  const weights = q.metric === 'risk' ? { byType: model.weightsByType, defaultType: model.defaultTypeWeight, bySeverity: model.severityWeights } : null;
  const studyCells = () => (scope.prefix ? areaCells(knex, scope.areaCode!, res) : districtCells(knex, res));
  // a small bbox's cells, read alone while its whole window is not in memory (hot spots need the whole window)
  const cover = q.bbox && q.metric !== 'hotspot' ? async () => {
    const cells = bboxCells(q.bbox!, res);
    return cells.length <= SQL_FILTER_MAX_SHARE * (await studyCells()).length ? cells : null;
  } : undefined;
  const sums = await cachedWindow(knex, { res, window, types: q.types ?? null, scope, weights }, opts.cacheCells, cover);
  const shownIndices = inBbox ? cellsOverlapping(sums, inBbox) : [...sums.cells.keys()];
  const totalEvents = shownIndices.reduce((total, i) => total + sums.counts[i], 0);
  const base = { res, metric: q.metric, window, types: q.types ?? null, suppressed: !access.details, totalEvents };

  if (q.metric === 'hotspot') {
    // hot spots are measured over the whole study area, so a cell's z does not change as the map pans;
    // a bounded scope's study area is its area's cells, as the districts' are the unbounded one's
    const study = await studyCells();
    const gi = derived(sums, `gi*|${q.k}|${q.fdr}`, study, () => giStar(study, new Map(sums.cells.map((c, i) => [c, sums.counts[i]])), { k: q.k, fdr: q.fdr }));
    const centres = cellCentres(study);
    const near = inBbox ? centres.byLng.subarray(...lngRange(centres.sortedLng, study.length, inBbox.lngFrom, inBbox.lngTo)) : study.keys();
    const shown = [];
    for (const i of near) {
      const cell = study[i];
      const at = sums.indexOf.get(cell);
      const count = at === undefined ? 0 : sums.counts[at];
      const hiddenSmall = !access.details && count > 0 && count < access.suppressBelow;
      if ((count > 0 || gi.bin[i] !== 0) && !hiddenSmall && (!inBbox || inBbox(cell, centres.lat[i], centres.lng[i]))) shown.push({ cell, count, z: gi.z[i], bin: gi.bin[i] });
    }
    return { ...base, ...columns(shown, (c) => c.z), bins: shown.map((c) => c.bin) };
  }

  const byCell = new Map(shownIndices.map((i) => [sums.cells[i], { count: sums.counts[i], score: 0 }]));
  if (q.metric === 'risk') {
    const decay = decayAt(Date.parse(cstMidnight(window.to)), model);
    for (const i of shownIndices) byCell.get(sums.cells[i])!.score = sums.weightedGrowth[i] * decay;
    for (const [cell, points] of await hazardScores(knex, res, model, inBbox ?? (() => true), scope)) {
      const c = byCell.get(cell) ?? { count: 0, score: 0 };
      c.score += points;
      byCell.set(cell, c);
    }
  }
  let rows = [...byCell].map(([cell, c]) => ({ cell, ...c }));
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

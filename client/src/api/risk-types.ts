import type { BBox } from '../map/bounds';
import type { gridTimeline, GridRisk } from '../../../server/risk/grid-risk';
import type { HeatmapAnswer } from '../../../server/risk/heatmap.service';
import type { HEATMAP_METRICS } from '../../../server/risk/risk.schema';
import type { DayWindow } from '../../../server/risk/time-window';

// The server's modules are the contract; only their types reach the client bundle.
export type { DayWindow, GridRisk, HeatmapAnswer };

/** count: events; risk: 0–100 risk index; hotspot: Getis-Ord Gi* z-score with confidence bins. */
export type HeatmapMetric = (typeof HEATMAP_METRICS)[number];

export type TimelineBucket = 'day' | 'week' | 'month';

/** What every risk request filters on: the window (from inclusive, to exclusive) and the event types (null: all). */
export interface EventFilter {
  window: DayWindow;
  types: string[] | null;
}

export interface HeatmapQuery extends EventFilter {
  metric: HeatmapMetric;
  /** [minLng, minLat, maxLng, maxLat] */
  bbox: BBox;
  /** the map's zoom: the server picks the H3 resolution from it */
  zoom: number;
  /** hotspot: Benjamini-Hochberg false-discovery-rate correction */
  fdr: boolean;
}

/** GET /api/heatmap/range: the days with events and the types with their counts, most first. */
export interface EventRange {
  first: string | null;
  last: string | null;
  types: { type: string; events: number }[];
}

/** GET /api/heatmap/cells/{h3}: one cell's events by type and by severity 1–5, or hidden under the small-count threshold. */
export type CellBreakdown =
  | { cell: string; window: DayWindow; events: number; byType: Record<string, number>; bySeverity: number[]; suppressed?: undefined }
  | { cell: string; window: DayWindow; suppressed: true };

/** GET /api/risk/grids: the published plan's grids, riskiest first. */
export interface GridRiskRanking {
  window: DayWindow;
  planId: number | null;
  grids: GridRisk[];
}

/** GET /api/risk/grids/{code}/timeline: buckets that hold events only, in time order. */
export type GridTimeline = Awaited<ReturnType<typeof gridTimeline>>;

import { getJson } from './http';
import type { CellBreakdown, EventFilter, EventRange, GridRiskRanking, GridTimeline, HeatmapAnswer, HeatmapQuery, TimelineBucket } from './risk-types';

/** The query string of a window and type filter, e.g. `from=2026-08-01&to=2026-11-01&types=fire,dispute`. */
export function filterParams({ window, types }: EventFilter): URLSearchParams {
  const params = new URLSearchParams({ from: window.from, to: window.to });
  if (types) params.set('types', types.join(','));
  return params;
}

/** The query string of a heatmap request; the browser test asks the API with the same one. */
export function heatmapParams(query: HeatmapQuery): URLSearchParams {
  const params = filterParams(query);
  params.set('metric', query.metric);
  const [west, south, east, north] = query.bbox;
  const box = [Math.max(west, -180), Math.max(south, -90), Math.min(east, 180), Math.min(north, 90)];
  params.set('bbox', box.map((degrees) => degrees.toFixed(5)).join(','));
  params.set('zoom', query.zoom.toFixed(2));
  if (query.metric === 'hotspot' && query.fdr) params.set('fdr', 'true');
  return params;
}

export const fetchHeatmap = (params: URLSearchParams, signal?: AbortSignal): Promise<HeatmapAnswer> =>
  getJson(`/api/heatmap?${params}`, signal);

export const fetchEventRange = (): Promise<EventRange> => getJson('/api/heatmap/range');

export const fetchCellBreakdown = (cell: string, filter: EventFilter): Promise<CellBreakdown> =>
  getJson(`/api/heatmap/cells/${cell}?${filterParams(filter)}`);

export const fetchGridRisk = (filter: EventFilter, signal?: AbortSignal): Promise<GridRiskRanking> =>
  getJson(`/api/risk/grids?${filterParams(filter)}`, signal);

export function fetchGridTimeline(code: string, filter: EventFilter, bucket: TimelineBucket, signal?: AbortSignal): Promise<GridTimeline> {
  const params = filterParams(filter);
  params.set('bucket', bucket);
  return getJson(`/api/risk/grids/${encodeURIComponent(code)}/timeline?${params}`, signal);
}

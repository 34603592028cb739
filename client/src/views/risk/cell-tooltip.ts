import type { MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { fetchCellBreakdown } from '../../api/risk-api';
import type { CellBreakdown, EventFilter, HeatmapMetric } from '../../api/risk-types';
import { formatNumber, t } from '../../i18n';
import type { HexCell } from '../../layers/risk/h3-heatmap';
import type { DeckOverlay } from '../../map/deck-overlay';
import { element } from '../dom';
import { PointerTooltip, tooltipLine } from '../feature-tooltip';
import { eventTypeName } from './event-types';

/** What the tooltip reads about the heatmap drawn now. */
export interface DrawnHeatmap {
  layerIds: string[];
  metric: HeatmapMetric;
  /** the window and types the heatmap was drawn for (the breakdown asks for the same) */
  filter: EventFilter;
}

/** The pointer rests on a cell this long before its breakdown is asked for. */
const REST_MS = 150;
/** Breakdowns kept; past this the cache starts afresh. */
const CACHE_SIZE = 500;

/**
 * A card over the hexagon under the pointer: its events and the metric's value at once, then its
 * events by type and by severity from GET /api/heatmap/cells/{h3} (asked once the pointer rests,
 * and cached per cell, window and types).
 */
export function cellTooltip(map: MapLibreMap, deck: DeckOverlay, drawn: () => DrawnHeatmap | null): PointerTooltip {
  const breakdowns = new Map<string, Promise<CellBreakdown>>();
  let current: { key: string; card: HTMLElement } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const breakdownOf = (cell: string, filter: EventFilter): Promise<CellBreakdown> => {
    const key = `${cell}|${JSON.stringify(filter)}`;
    let breakdown = breakdowns.get(key);
    if (!breakdown) {
      if (breakdowns.size >= CACHE_SIZE) breakdowns.clear();
      breakdown = fetchCellBreakdown(cell, filter);
      breakdown.catch(() => breakdowns.delete(key)); // a failed request may be retried
      breakdowns.set(key, breakdown);
    }
    return breakdown;
  };

  return new PointerTooltip(map, (event: MapMouseEvent) => {
    const heatmap = drawn();
    const hex = heatmap && deck.pick<HexCell>(event.point, heatmap.layerIds);
    if (!heatmap || !hex) {
      clearTimeout(timer);
      current = null;
      return null;
    }
    const key = `${hex.cell}|${heatmap.metric}|${JSON.stringify(heatmap.filter)}`;
    if (current?.key === key) return current.card;
    const details = element('div', 'tooltip-details', element('div', 'tooltip-code', t('risk.tooltip.loading')));
    details.dataset.state = 'loading';
    const shown = { key, card: element('div', 'tooltip-body risk-cell-card', ...headline(hex, heatmap.metric), details) };
    shown.card.dataset.cell = hex.cell;
    current = shown;
    clearTimeout(timer);
    timer = setTimeout(() => {
      breakdownOf(hex.cell, heatmap.filter).then(
        (breakdown) => {
          if (current === shown) fillDetails(details, breakdown);
        },
        (error: Error) => {
          if (current === shown) failDetails(details, error.message);
        },
      );
    }, REST_MS);
    return shown.card;
  });
}

/** The cell's events and the metric's value, known from the heatmap itself. */
function headline(hex: HexCell, metric: HeatmapMetric): HTMLElement[] {
  const lines: HTMLElement[] = [element('div', 'tooltip-title', t('risk.tooltip.events', { count: formatNumber(hex.count) }))];
  if (metric === 'risk') {
    lines.push(tooltipLine(t('risk.metric.risk'), formatNumber(hex.value, 1)));
    if (hex.percentile !== undefined) lines.push(tooltipLine(t('risk.tooltip.percentile'), formatNumber(hex.percentile)));
  }
  if (metric === 'hotspot') {
    lines.push(tooltipLine(t('risk.tooltip.z'), formatNumber(hex.value, 2)));
    const bin = Math.max(-3, Math.min(3, hex.bin ?? 0)) as -3 | -2 | -1 | 0 | 1 | 2 | 3;
    lines.push(tooltipLine(t('risk.tooltip.bin'), t(`risk.bin.${bin}`)));
  }
  return lines;
}

function fillDetails(details: HTMLElement, breakdown: CellBreakdown): void {
  if (breakdown.suppressed) {
    details.dataset.state = 'suppressed';
    return details.replaceChildren(element('div', 'tooltip-code', t('risk.tooltip.suppressed')));
  }
  details.dataset.state = 'shown';
  details.dataset.events = String(breakdown.events);
  const types = Object.entries(breakdown.byType)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([type, count]) => {
      const line = tooltipLine(eventTypeName(type), formatNumber(count));
      line.dataset.type = type;
      line.dataset.count = String(count);
      return line;
    });
  const severity = tooltipLine(t('risk.tooltip.bySeverity'), breakdown.bySeverity.map((count) => formatNumber(count)).join(' · '));
  severity.dataset.severity = breakdown.bySeverity.join(',');
  details.replaceChildren(element('div', 'tooltip-subtitle', t('risk.tooltip.byType')), ...types, severity, element('div', 'tooltip-code', breakdown.cell));
}

function failDetails(details: HTMLElement, message: string): void {
  details.dataset.state = 'failed';
  details.replaceChildren(element('div', 'tooltip-code', t('risk.tooltip.failed', { message })));
}

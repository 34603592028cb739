import type { GridTimeline } from '../../api/risk-types';
import { formatNumber } from '../../i18n';
import { eventTypeName } from './event-types';

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 120;
/** Room for the axis labels: left (the top value), bottom (first and last bucket). */
const PLOT = { left: 28, right: 4, top: 6, bottom: 18 };
const BAR_GAP = 0.15;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const created = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, String(value));
  if (text !== undefined) created.textContent = text;
  return created;
}

/**
 * A grid's events per bucket as bars, one per start in `starts` (empty buckets too), each with
 * its counts by type in a hover title; the highest total labelled on the left, the first and
 * last bucket under the axis. Plain SVG: `rect[data-start][data-total]` per bucket.
 */
export function timelineChart(timeline: GridTimeline, starts: string[]): SVGSVGElement {
  const byStart = new Map(timeline.buckets.map((bucket) => [bucket.start, bucket]));
  const highest = Math.max(1, ...timeline.buckets.map((bucket) => bucket.total));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const step = plotWidth / Math.max(1, starts.length);
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'timeline-chart', role: 'img' });
  const baseline = PLOT.top + plotHeight;
  chart.append(
    svg('line', { x1: PLOT.left, x2: WIDTH - PLOT.right, y1: baseline, y2: baseline, class: 'timeline-axis' }),
    svg('text', { x: PLOT.left - 4, y: PLOT.top + 8, 'text-anchor': 'end', class: 'timeline-label' }, formatNumber(highest)),
    svg('text', { x: PLOT.left - 4, y: baseline, 'text-anchor': 'end', class: 'timeline-label' }, '0'),
  );
  starts.forEach((start, i) => {
    const bucket = byStart.get(start);
    const total = bucket?.total ?? 0;
    const height = (plotHeight * total) / highest;
    const bar = svg('rect', {
      x: PLOT.left + i * step + (step * BAR_GAP) / 2,
      y: baseline - height,
      width: Math.max(1, step * (1 - BAR_GAP)),
      height,
      class: 'timeline-bar',
      'data-start': start,
      'data-total': total,
    });
    const counts = Object.entries(bucket?.counts ?? {}).map(([type, count]) => `${eventTypeName(type)} ${formatNumber(count)}`);
    bar.append(svg('title', {}, [`${start}: ${formatNumber(total)}`, ...counts].join('\n')));
    chart.append(bar);
  });
  if (starts.length) {
    chart.append(
      svg('text', { x: PLOT.left, y: HEIGHT - 4, class: 'timeline-label' }, starts[0]),
      svg('text', { x: WIDTH - PLOT.right, y: HEIGHT - 4, 'text-anchor': 'end', class: 'timeline-label' }, starts.at(-1)!),
    );
  }
  return chart;
}

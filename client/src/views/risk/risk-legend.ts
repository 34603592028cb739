import type { HeatmapMetric } from '../../api/risk-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { binColour, HOTSPOT_BINS, SEQUENTIAL_RAMP, valueAt, type ValueScale } from '../../layers/risk/risk-colours';
import { element } from '../dom';
import { legendRow, legendSwatch } from '../legend';

/** What the heatmap shows: a value on the ramp over a domain, or hot and cold spot bins with their cell counts. */
export type RiskLegendView =
  | { metric: Exclude<HeatmapMetric, 'hotspot'>; scale: ValueScale }
  | { metric: 'hotspot'; cellsByBin: Map<number, number> };

/** Positions of the ramp labelled under it. */
const TICKS = [0, 0.5, 1];

/**
 * The risk view's map legend: the colour ramp with the values at its ends and middle, and a pin
 * that keeps the current domain while the window moves (so colours stay comparable); for hot
 * spots, the seven confidence bins from hot to cold.
 */
export class RiskLegend {
  readonly element = element('aside', 'map-card legend risk-legend');
  private readonly pinToggle = element('input', '');
  private readonly pinRow: HTMLElement;
  private view: RiskLegendView | null = null;
  private pinned: [number, number] | null = null;

  constructor(private readonly onPinChange: () => void) {
    this.element.id = 'risk-legend';
    this.element.hidden = true;
    this.pinToggle.type = 'checkbox';
    this.pinToggle.id = 'risk-pin-domain';
    this.pinToggle.addEventListener('change', () => {
      const view = this.view;
      this.pinned = this.pinToggle.checked && view && view.metric !== 'hotspot' ? view.scale.domain : null;
      this.onPinChange();
    });
    this.pinRow = element('label', 'risk-pin', this.pinToggle, translatedElement('span', 'risk.legend.pin'));
    onLocaleChange(() => this.render());
  }

  /** The domain colours follow: the pinned one, else the answer's own. */
  domainFor(domain: [number, number]): [number, number] {
    return this.pinned ?? domain;
  }

  unpin(): void {
    this.pinned = null;
    this.pinToggle.checked = false;
  }

  show(view: RiskLegendView | null): void {
    this.view = view;
    this.render();
  }

  private render(): void {
    const view = this.view;
    this.element.hidden = view === null;
    if (!view) return;
    this.element.dataset.metric = view.metric;
    const title = element('h3', 'map-card-title', t(`risk.metric.${view.metric}`));
    if (view.metric === 'hotspot') {
      const rows = HOTSPOT_BINS.map((bin) => legendRow(legendSwatch(binColour(bin)), t(`risk.bin.${bin}`), view.cellsByBin.get(bin) ?? 0, `bin${bin}`));
      return this.element.replaceChildren(title, element('ul', 'legend-list', ...rows));
    }
    const { scale } = view;
    const ramp = element('div', 'risk-ramp');
    ramp.style.setProperty('--ramp', `linear-gradient(90deg, ${SEQUENTIAL_RAMP.join(', ')})`);
    const digits = view.metric === 'count' ? 0 : 1;
    const ticks = element('div', 'risk-ticks', ...TICKS.map((position) => element('span', '', formatNumber(valueAt(scale, position), digits))));
    this.element.dataset.low = String(scale.domain[0]);
    this.element.dataset.high = String(scale.domain[1]);
    this.element.dataset.pinned = String(this.pinned !== null);
    this.element.replaceChildren(title, ramp, ticks, this.pinRow);
  }
}

import type { EventRange, HeatmapAnswer, HeatmapMetric } from '../../api/risk-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element } from '../dom';
import { fieldRow } from '../fields';
import { renderLoadable, type Loadable, type LoadableTexts } from '../loadable';
import { addDays } from './day-window';
import { eventTypeName } from './event-types';

const METRICS: HeatmapMetric[] = ['count', 'risk', 'hotspot'];

/** What the heatmap is asked for besides the window. */
export interface HeatmapSettings {
  metric: HeatmapMetric;
  /** hotspot: false-discovery-rate correction */
  fdr: boolean;
  /** null: every type */
  types: string[] | null;
}

const TEXTS: LoadableTexts = {
  empty: () => t('risk.heatmap.noEvents'),
  loading: () => t('risk.heatmap.loading'),
  failed: (message) => t('risk.heatmap.failed', { message }),
};

/**
 * The heatmap's settings — metric (events, risk index, hot spots with an optional FDR
 * correction) and event types — and what the map shows: resolution, cells, events, window.
 */
export class HeatmapPanel {
  readonly element: HTMLElement;
  private readonly metricButtons = new Map<HeatmapMetric, HTMLButtonElement>();
  private readonly fdrToggle = element('input', '');
  private readonly fdrRow: HTMLElement;
  private readonly typeList = element('div', 'risk-types');
  private readonly body = element('div', 'risk-summary');
  private metric: HeatmapMetric = 'count';
  private types: EventRange['types'] = [];
  private readonly unchecked = new Set<string>();
  private state: Loadable<HeatmapAnswer> = { kind: 'loading' };

  constructor(private readonly onChange: (change: 'metric' | 'types') => void) {
    const metrics = element('div', 'chips risk-metrics');
    metrics.setAttribute('role', 'group');
    for (const metric of METRICS) {
      const button = element('button', 'chip');
      button.type = 'button';
      button.id = `risk-metric-${metric}`;
      button.dataset.metric = metric;
      button.addEventListener('click', () => this.chooseMetric(metric));
      this.metricButtons.set(metric, button);
      metrics.append(button);
    }
    this.fdrToggle.type = 'checkbox';
    this.fdrToggle.id = 'risk-fdr';
    this.fdrToggle.addEventListener('change', () => this.onChange('metric'));
    this.fdrRow = element('label', 'targets-kind', this.fdrToggle, translatedElement('span', 'risk.heatmap.fdr'));
    this.element = element(
      'section',
      'panel-section',
      translatedElement('h2', 'risk.heatmap.title'),
      metrics,
      this.fdrRow,
      element('h3', 'subheading', translatedElement('span', 'risk.heatmap.types')),
      this.typeList,
      this.body,
    );
    this.element.id = 'risk-heatmap';
    onLocaleChange(() => this.render());
    this.render();
  }

  get settings(): HeatmapSettings {
    const checked = this.types.map(({ type }) => type).filter((type) => !this.unchecked.has(type));
    return {
      metric: this.metric,
      fdr: this.metric === 'hotspot' && this.fdrToggle.checked,
      types: checked.length === this.types.length ? null : checked,
    };
  }

  /** Lists the event types with their counts, all checked. */
  setTypes(types: EventRange['types']): void {
    this.types = types;
    this.unchecked.clear();
    this.render();
  }

  setState(state: Loadable<HeatmapAnswer>): void {
    this.state = state;
    this.renderSummary();
  }

  private chooseMetric(metric: HeatmapMetric): void {
    if (metric === this.metric) return;
    this.metric = metric;
    this.render();
    this.onChange('metric');
  }

  private render(): void {
    for (const [metric, button] of this.metricButtons) {
      button.textContent = t(`risk.metric.${metric}`);
      button.title = t(`risk.metric.${metric}.hint`);
      button.setAttribute('aria-pressed', String(metric === this.metric));
    }
    this.fdrRow.hidden = this.metric !== 'hotspot';
    this.typeList.replaceChildren(...this.types.map(({ type, events }) => this.typeCheckbox(type, events)));
    this.renderSummary();
  }

  /** One type's checkbox; the last one checked cannot be unchecked (the API takes a non-empty list). */
  private typeCheckbox(type: string, events: number): HTMLElement {
    const box = element('input', '');
    box.type = 'checkbox';
    box.value = type;
    box.checked = !this.unchecked.has(type);
    box.disabled = box.checked && this.unchecked.size === this.types.length - 1;
    box.addEventListener('change', () => {
      if (box.checked) this.unchecked.delete(type);
      else this.unchecked.add(type);
      this.render();
      this.onChange('types');
    });
    const row = element('label', 'risk-type', box, element('span', '', eventTypeName(type)), element('span', 'legend-count', formatNumber(events)));
    row.dataset.type = type;
    return row;
  }

  private renderSummary(): void {
    renderLoadable(this.body, this.state, TEXTS, (answer) => {
      const figures = element(
        'dl',
        'fields fields-compact',
        fieldRow('window', t('risk.heatmap.window'), `${answer.window.from} – ${addDays(answer.window.to, -1)}`),
        fieldRow('res', t('risk.heatmap.res'), t('risk.heatmap.resValue', { res: answer.res }), answer.res),
        fieldRow('cells', t('risk.heatmap.cells'), formatNumber(answer.cells.length), answer.cells.length),
        fieldRow('totalEvents', t('risk.heatmap.totalEvents'), formatNumber(answer.totalEvents), answer.totalEvents),
      );
      figures.id = 'risk-figures';
      return answer.suppressed ? [figures, element('p', 'hint', t('risk.heatmap.suppressed'))] : [figures];
    });
  }
}

import { planExportUrl } from '../../api/planning-api';
import type { ExportFormat, PlanDetail } from '../../api/planning-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element } from '../dom';
import { fieldRow } from '../fields';
import { formatPercent } from '../format';
import type { OpenPlan } from './plan-session';

const EXPORT_FORMATS: [ExportFormat, label: string][] = [
  ['geojson', 'GeoJSON'],
  ['gpkg', 'GeoPackage'],
  ['shp', 'Shapefile'],
  ['csv', 'CSV'],
];

/**
 * The open plan in short: name, status, how many grids and how many of them meet their household
 * target, the spread of households per grid, the totals; a button that frames the plan on the map,
 * publishing (asked twice) and export links.
 */
export class PlanSummary {
  readonly element: HTMLElement;
  private readonly body = element('div', 'plan-summary');
  private readonly publishButton = element('button', 'button button-primary');
  private readonly zoomButton = element('button', 'button button-small');
  private confirming = false;
  private open: OpenPlan | null = null;

  constructor(
    private readonly onPublish: () => Promise<void>,
    onZoomTo: () => void,
  ) {
    this.zoomButton.type = 'button';
    this.zoomButton.id = 'planner-zoom-to-plan';
    this.zoomButton.addEventListener('click', onZoomTo);
    this.publishButton.type = 'button';
    this.publishButton.id = 'planner-publish';
    this.publishButton.addEventListener('click', () => void this.publishClicked());
    this.element = element('section', 'panel-section', translatedElement('h2', 'planner.plan.title'), this.body);
    this.element.id = 'planner-plan';
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  show(open: OpenPlan | null): void {
    if (open?.plan.id !== this.open?.plan.id) this.confirming = false;
    this.open = open;
    this.render();
  }

  private async publishClicked(): Promise<void> {
    if (!this.confirming) {
      this.confirming = true;
      return this.render();
    }
    this.publishButton.disabled = true;
    try {
      await this.onPublish();
    } finally {
      this.confirming = false;
      this.render();
    }
  }

  private render(): void {
    this.element.hidden = this.open === null;
    if (!this.open) return;
    const { plan } = this.open;
    const { comprehensive: main, grid_counts: counts } = plan;
    const micro = counts.micro ?? 0;
    const status = element('span', `badge badge-${plan.status}`, t(`planner.plan.status.${plan.status}`));
    status.id = 'planner-plan-status';
    const figures = element(
      'dl',
      'fields fields-compact',
      fieldRow(
        'grids',
        t('planner.plan.grids'),
        micro > 0 ? t('planner.plan.gridCounts', { main: formatNumber(main.count), micro: formatNumber(micro) }) : formatNumber(main.count),
      ),
      fieldRow('in-range', t('planner.plan.inRange'), `${formatNumber(main.in_range)} / ${formatNumber(main.count)} (${share(main.in_range_share)})`),
      fieldRow('spread', t('planner.plan.spread'), spreadOf(main)),
      fieldRow('totals', t('planner.plan.totals'), t('planner.plan.totalsValue', {
        households: formatNumber(plan.households),
        population: formatNumber(plan.population),
      })),
    );
    this.zoomButton.textContent = t('planner.plan.zoomTo');
    this.publishButton.textContent = t(this.confirming ? 'planner.plan.publishConfirm' : 'planner.plan.publish');
    this.publishButton.disabled = plan.status !== 'draft';
    this.publishButton.classList.toggle('button-danger', this.confirming);
    const exports = element('div', 'export-links', element('span', 'export-label', t('planner.plan.export')));
    for (const [format, label] of EXPORT_FORMATS) {
      const link = element('a', 'export-link', label);
      link.href = planExportUrl(plan.id, format);
      link.download = '';
      exports.append(link);
    }
    this.body.replaceChildren(
      element('div', 'plan-title', element('span', 'plan-name', plan.name), status, this.zoomButton),
      figures,
      element('div', 'plan-actions', this.publishButton, exports),
    );
  }
}

const share = (value: number | null): string => (value === null ? '—' : formatPercent(value));

function spreadOf({ min_households: min, max_households: max, mean_households: mean }: PlanDetail['comprehensive']): string {
  if (min === null || max === null || mean === null) return '—';
  return t('planner.plan.spreadValue', { min: formatNumber(min), max: formatNumber(max), mean: formatNumber(mean) });
}

import type { GridCollection } from '../../api/planning-types';
import { BALANCE_CLASSES, BALANCE_COLOURS, balanceClass, type BalanceClass } from '../../layers/planner/balance';
import { CHANGE_COLOURS } from '../../layers/planner/plan-diff';
import { formatNumber, onLocaleChange, t } from '../../i18n';
import { element } from '../dom';
import { legendRow, legendSwatch } from '../legend';

/**
 * The map's legend while a plan is open: the five household-balance classes with how many grids
 * fall in each, the micro-grid outline, and while comparing, the colours of changed grids.
 */
export class BalanceLegend {
  readonly element = element('aside', 'map-card legend');
  private counts: Record<BalanceClass, number> | null = null;
  private hasMicro = false;
  private comparing = false;

  constructor() {
    this.element.id = 'planner-legend';
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  show(grids: GridCollection | null): void {
    if (!grids) {
      this.counts = null;
      return this.render();
    }
    const counts = Object.fromEntries(BALANCE_CLASSES.map((balance) => [balance, 0])) as Record<BalanceClass, number>;
    for (const { properties: grid } of grids.features) {
      if (grid.kind !== 'micro') counts[balanceClass(grid.households, grid.target_min, grid.target_max)] += 1;
    }
    this.counts = counts;
    this.hasMicro = grids.features.some((grid) => grid.properties.kind === 'micro');
    this.render();
  }

  setComparing(comparing: boolean): void {
    this.comparing = comparing;
    this.render();
  }

  private render(): void {
    this.element.hidden = this.counts === null;
    if (!this.counts) return;
    const rows = element('ul', 'legend-list');
    for (const balance of BALANCE_CLASSES) {
      const row = legendRow(legendSwatch(BALANCE_COLOURS[balance]), t(`legend.${balance}`), formatNumber(this.counts[balance]));
      row.dataset.balance = balance;
      rows.append(row);
    }
    if (this.hasMicro) rows.append(legendRow(element('span', 'swatch swatch-dashed'), t('legend.micro'), ''));
    const sections: HTMLElement[] = [element('h3', 'map-card-title', t('legend.title')), rows];
    if (this.comparing) {
      const changes = element('ul', 'legend-list');
      for (const [change, colour] of Object.entries(CHANGE_COLOURS)) {
        changes.append(legendRow(legendSwatch(colour, 'swatch-outline'), t(`legend.change.${change as keyof typeof CHANGE_COLOURS}`), ''));
      }
      sections.push(element('h3', 'map-card-title', t('legend.changes')), changes);
    }
    this.element.replaceChildren(...sections);
  }
}

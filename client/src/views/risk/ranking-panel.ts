import type { GridRisk, GridRiskRanking } from '../../api/risk-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element, option } from '../dom';
import { numberCell } from '../fields';
import { renderLoadable, type Loadable, type LoadableTexts } from '../loadable';
import type { GridNames } from './grid-names';

/** Rows shown at first and added by each "more". */
const PAGE_ROWS = 20;

const TEXTS: LoadableTexts = {
  empty: () => t('risk.ranking.noPlan'),
  loading: () => t('risk.ranking.loading'),
  failed: (message) => t('risk.ranking.failed', { message }),
};

/**
 * The grids of the published plan ranked by risk over the window (riskiest first): risk index,
 * safety index (平安指数) and rank within the street; a street filter; click a row to look at the grid.
 */
export class RankingPanel {
  readonly element: HTMLElement;
  private readonly streetSelect = element('select', 'input');
  private readonly body = element('div', 'risk-ranking-body');
  private state: Loadable<GridRiskRanking> = { kind: 'loading' };
  private rowsShown = PAGE_ROWS;
  private selected: string | null = null;

  constructor(
    private readonly names: GridNames,
    private readonly onSelect: (code: string) => void,
  ) {
    this.streetSelect.id = 'risk-street';
    this.streetSelect.addEventListener('change', () => {
      this.rowsShown = PAGE_ROWS;
      this.render();
    });
    const streetLabel = translatedElement('label', 'risk.ranking.street', 'form-label');
    streetLabel.htmlFor = this.streetSelect.id;
    this.element = element(
      'section',
      'panel-section',
      translatedElement('h2', 'risk.ranking.title'),
      element('div', 'form-row', streetLabel, this.streetSelect),
      this.body,
    );
    this.element.id = 'risk-ranking';
    onLocaleChange(() => this.render());
    this.render();
  }

  setState(state: Loadable<GridRiskRanking>): void {
    this.state = state;
    this.render();
  }

  /** Marks the grid being looked at; null clears the mark. */
  select(code: string | null): void {
    this.selected = code;
    for (const row of this.body.querySelectorAll<HTMLElement>('tr[data-grid]')) row.setAttribute('aria-selected', String(row.dataset.grid === code));
  }

  /** Fills the street list once the area names are loaded. */
  namesLoaded(): void {
    this.render();
  }

  private render(): void {
    const street = this.streetSelect.value;
    this.streetSelect.replaceChildren(option('', t('risk.ranking.allStreets')), ...this.names.streets.map(({ code, name }) => option(code, name)));
    this.streetSelect.value = street;
    renderLoadable(this.body, this.state, TEXTS, (ranking) => this.table(ranking));
  }

  private table({ grids }: GridRiskRanking): HTMLElement[] {
    const street = this.streetSelect.value;
    const listed = street ? grids.filter((grid) => grid.streetCode === street) : grids;
    if (listed.length === 0) return [element('p', 'hint', t('risk.ranking.none'))];
    const head = element(
      'tr',
      '',
      element('th', 'num', '#'),
      element('th', '', t('risk.ranking.grid')),
      element('th', 'num', t('risk.ranking.riskIndex')),
      element('th', 'num', t('risk.ranking.safetyIndex')),
      element('th', 'num', t('risk.ranking.inStreet')),
      element('th', 'num', t('risk.ranking.events')),
    );
    const body = element('tbody', '', ...listed.slice(0, this.rowsShown).map((grid) => this.row(grid, street ? grid.rankInStreet : grid.rankInDistrict)));
    const table = element('table', 'moves-table risk-table', element('thead', '', head), body);
    table.id = 'risk-ranking-table';
    const parts: HTMLElement[] = [table];
    if (listed.length > this.rowsShown) {
      const more = element('button', 'button risk-more', t('risk.ranking.more', { count: formatNumber(listed.length - this.rowsShown) }));
      more.type = 'button';
      more.addEventListener('click', () => {
        this.rowsShown += PAGE_ROWS;
        this.render();
      });
      parts.push(more);
    }
    return parts;
  }

  private row(grid: GridRisk, rank: number): HTMLTableRowElement {
    const row = element(
      'tr',
      'clickable',
      numberCell('rank', rank),
      element('td', 'grid-name', this.names.label(grid.grid, grid.name)),
      numberCell('riskIndex', grid.riskIndex, formatIndex(grid.riskIndex)),
      numberCell('safetyIndex', grid.safetyIndex, formatIndex(grid.safetyIndex)),
      numberCell('rankInStreet', grid.rankInStreet, `${formatNumber(grid.rankInStreet)}/${formatNumber(grid.gridsInStreet)}`),
      numberCell('events', grid.events),
    );
    row.dataset.grid = grid.grid;
    row.title = `${grid.grid} · ${this.names.streetName(grid.streetCode)}`;
    row.setAttribute('aria-selected', String(grid.grid === this.selected));
    row.addEventListener('click', () => this.onSelect(grid.grid));
    return row;
  }
}

/** A 0–100 index with one decimal; the server's rounding noise (−1e-14) shows as 0, not −0. */
const formatIndex = (value: number): string => formatNumber(Math.round(value * 10) / 10 || 0, 1);

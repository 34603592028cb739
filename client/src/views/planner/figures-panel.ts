import type { GridFigures } from '../../api/planning-types';
import { BALANCE_COLOURS, balanceClass } from '../../layers/planner/balance';
import { formatNumber, onLocaleChange, t, type MessageKey } from '../../i18n';
import { element } from '../dom';
import { numberCell } from '../fields';
import { formatCompactness } from '../format';
import { GridHistory } from './grid-history';

const SQUARE_METRES_PER_KM2 = 1_000_000;

/** What the panel shows: the figures of selected grids, or of the grids an edit touched, before and after. */
export type FiguresView =
  | { kind: 'selection'; grids: GridFigures[] }
  | {
      kind: 'edit' | 'undo' | 'redo';
      title: () => string;
      before: GridFigures[];
      after: GridFigures[];
      /** micro-grids dropped because the grid they subdivided changed, or brought back by an undo */
      microGridsRemoved: number;
      microGridsRestored: number;
    };

type Phase = 'current' | 'before' | 'after';

const PHASE_TITLES: Record<Phase, MessageKey> = {
  current: 'planner.figures.current',
  before: 'planner.figures.before',
  after: 'planner.figures.after',
};

/**
 * A card over the map with the figures of the grids in play: households (against the target),
 * population, area and Polsby-Popper compactness; for an edit, the grids before and after it with
 * totals, so a merge shows the two grids adding up to one. A single selected grid also shows its
 * history from the audit trail.
 */
export class FiguresPanel {
  readonly element = element('aside', 'map-card figures-panel');
  private readonly closeButton = element('button', 'map-card-close', '×');
  private view: FiguresView | null = null;
  private readonly history: GridHistory;

  /**
   * @param openPlan the plan the grids belong to, for the history of a single selected grid
   * @param historyPermitted whether the user may read the audit trail (audit:read)
   */
  constructor(
    private readonly openPlan: () => { id: number; version: number } | null = () => null,
    historyPermitted?: () => boolean,
  ) {
    this.history = new GridHistory(historyPermitted);
    this.closeButton.type = 'button';
    this.closeButton.addEventListener('click', () => this.show(null));
    this.element.id = 'planner-figures';
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  /** Whether the panel follows the selection (rather than holding an edit's before and after). */
  showsSelection(): boolean {
    return this.view === null || this.view.kind === 'selection';
  }

  show(view: FiguresView | null): void {
    this.view = view && (view.kind !== 'selection' || view.grids.length > 0) ? view : null;
    const single = this.view?.kind === 'selection' && this.view.grids.length === 1 ? this.view.grids[0].code : null;
    this.history.show(single === null ? null : this.openPlan(), single);
    this.render();
  }

  private render(): void {
    const view = this.view;
    this.element.hidden = view === null;
    if (!view) return this.element.replaceChildren();
    this.element.dataset.kind = view.kind;
    const title = view.kind === 'selection' ? t('planner.figures.title') : view.title();
    const sections =
      view.kind === 'selection'
        ? [figuresTable('current', view.grids), this.history.element]
        : [figuresTable('before', view.before), figuresTable('after', view.after), ...microNote(view)];
    this.closeButton.title = t('planner.figures.close');
    this.closeButton.setAttribute('aria-label', t('planner.figures.close'));
    this.element.replaceChildren(element('h3', 'map-card-title', title, this.closeButton), ...sections);
  }
}

function figuresTable(phase: Phase, grids: GridFigures[]): HTMLElement {
  const head = element(
    'tr',
    '',
    element('th', 'phase', t(PHASE_TITLES[phase])),
    ...(['field.households', 'field.population', 'planner.figures.areaKm2', 'planner.figures.compactness'] as const).map(
      (key) => element('th', 'num', t(key)),
    ),
  );
  const body = element('tbody', '', ...grids.map(gridRow));
  if (grids.length > 1) body.append(totalRow(grids));
  const table = element('table', 'figures-table', element('thead', '', head), body);
  table.dataset.phase = phase;
  if (grids.length === 0) body.append(element('tr', '', cell('empty', t('planner.figures.none'), 5)));
  return table;
}

function gridRow(grid: GridFigures): HTMLTableRowElement {
  const balance = balanceClass(grid.households, grid.target_min, grid.target_max);
  const chip = element('span', 'balance-chip');
  chip.style.background = BALANCE_COLOURS[balance];
  chip.title = t(`legend.${balance}`);
  const code = element('td', 'grid-code', chip, element('span', '', grid.code));
  code.title = `${grid.code} · ${t('planner.figures.target', { min: grid.target_min, max: grid.target_max })}`;
  const row = element(
    'tr',
    '',
    code,
    numberCell('households', grid.households, formatNumber(grid.households)),
    numberCell('population', grid.population, formatNumber(grid.population)),
    numberCell('area', grid.area_m2, formatKm2(grid.area_m2)),
    numberCell('polsby_popper', grid.polsby_popper, formatCompactness(grid.polsby_popper)),
  );
  row.dataset.grid = grid.code;
  row.dataset.balance = balance;
  return row;
}

function totalRow(grids: GridFigures[]): HTMLTableRowElement {
  const sum = (pick: (grid: GridFigures) => number) => grids.reduce((total, grid) => total + pick(grid), 0);
  const households = sum((grid) => grid.households);
  const population = sum((grid) => grid.population);
  const areaM2 = sum((grid) => grid.area_m2);
  const row = element(
    'tr',
    'total',
    element('td', '', t('planner.figures.total')),
    numberCell('households', households, formatNumber(households)),
    numberCell('population', population, formatNumber(population)),
    numberCell('area', areaM2, formatKm2(areaM2)),
    element('td', 'num', ''),
  );
  row.dataset.total = 'true';
  return row;
}

const formatKm2 = (areaM2: number): string => formatNumber(areaM2 / SQUARE_METRES_PER_KM2, 3, 3);

function microNote(view: { microGridsRemoved: number; microGridsRestored: number }): HTMLElement[] {
  const notes = [];
  if (view.microGridsRemoved > 0) notes.push(t('planner.figures.microRemoved', { count: view.microGridsRemoved }));
  if (view.microGridsRestored > 0) notes.push(t('planner.figures.microRestored', { count: view.microGridsRestored }));
  return notes.map((note) => element('p', 'figures-note', note));
}

function cell(className: string, text: string, span: number): HTMLTableCellElement {
  const created = element('td', className, text);
  created.colSpan = span;
  return created;
}

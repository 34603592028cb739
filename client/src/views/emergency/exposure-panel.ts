import type { RingExposure } from '../../api/emergency-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element } from '../dom';
import { numberCell } from '../fields';
import { renderLoadable, type Loadable, type LoadableTexts } from '../loadable';
import { hazardTypeName, ringName } from './hazard-names';

/** Grids of the outermost ring listed; the rest are counted under the list. */
const GRIDS_SHOWN = 15;

/** Where the rings are measured from: a registered hazard source or a point clicked in what-if mode. */
export type ExposureSource =
  | { kind: 'hazard'; name: string; type: string }
  | { kind: 'what-if'; point: [number, number] };

export interface ExposureShown {
  source: ExposureSource;
  rings: RingExposure[];
}

const TEXTS: LoadableTexts = {
  empty: () => t('exposure.hint'),
  loading: () => t('exposure.loading'),
  failed: (message) => t('exposure.failed', { message }),
};

/**
 * What a hazard (or a what-if point) reaches: per ring the households, population and grids
 * counted from the address points inside, and the grids of the outermost ring with how many of
 * their households it holds (click one to zoom to it).
 */
export class ExposurePanel {
  readonly element: HTMLElement;
  private readonly body = element('div', 'exposure-body');
  private state: Loadable<ExposureShown> = { kind: 'empty' };

  constructor(private readonly onGrid: (code: string) => void) {
    this.element = element('section', 'panel-section', translatedElement('h2', 'exposure.title'), this.body);
    this.element.id = 'emergency-exposure';
    onLocaleChange(() => this.render());
    this.render();
  }

  setState(state: Loadable<ExposureShown>): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    renderLoadable(this.body, this.state, TEXTS, (shown) => [sourceLine(shown.source), totalsTable(shown.rings), ...this.gridList(shown.rings)]);
  }

  private gridList(rings: RingExposure[]): HTMLElement[] {
    const outermost = rings.at(-1);
    if (!outermost || outermost.grids.length === 0) return [element('p', 'hint', t('exposure.noGrids'))];
    const body = element('tbody', '');
    for (const grid of outermost.grids.slice(0, GRIDS_SHOWN)) {
      const row = element(
        'tr',
        'clickable',
        element('td', 'grid-code', grid.name ?? grid.code),
        element('td', 'num', `${formatNumber(grid.householdsInside)} / ${formatNumber(grid.householdsTotal)}`),
      );
      row.dataset.grid = grid.code;
      row.title = grid.code;
      row.addEventListener('click', () => this.onGrid(grid.code));
      body.append(row);
    }
    const head = element('tr', '', element('th', '', t('exposure.grid')), element('th', 'num', t('exposure.householdsInside')));
    const table = element('table', 'moves-table', element('thead', '', head), body);
    table.id = 'emergency-grids';
    const caption = t('exposure.gridsCaption', { ring: ringName(outermost.radiusM), count: formatNumber(outermost.grids.length) });
    const parts = [element('h3', 'subheading', caption), table];
    if (outermost.grids.length > GRIDS_SHOWN) {
      parts.push(element('p', 'hint', t('exposure.more', { count: formatNumber(outermost.grids.length - GRIDS_SHOWN) })));
    }
    return parts;
  }
}

function sourceLine(source: ExposureSource): HTMLElement {
  if (source.kind === 'hazard') {
    return element('div', 'area-summary', element('div', 'area-summary-name', source.name, element('span', 'badge', hazardTypeName(source.type))));
  }
  const [lng, lat] = source.point;
  const line = element(
    'div',
    'area-summary',
    element('div', 'area-summary-name', t('exposure.whatIfPoint')),
    element('div', 'area-summary-figures', `${lng.toFixed(5)}, ${lat.toFixed(5)}`),
  );
  line.id = 'emergency-what-if-point';
  line.dataset.lng = String(lng);
  line.dataset.lat = String(lat);
  return line;
}

function totalsTable(rings: RingExposure[]): HTMLElement {
  const head = element(
    'tr',
    '',
    element('th', '', t('exposure.ring')),
    element('th', 'num', t('field.households')),
    element('th', 'num', t('field.population')),
    element('th', 'num', t('exposure.grids')),
  );
  const body = element('tbody', '');
  for (const ring of rings) {
    const row = element(
      'tr',
      '',
      element('td', '', ringName(ring.radiusM)),
      numberCell('households', ring.households),
      numberCell('population', ring.population),
      numberCell('grids', ring.grids.length),
    );
    row.dataset.radius = String(ring.radiusM);
    body.append(row);
  }
  const table = element('table', 'figures-table totals-table', element('thead', '', head), body);
  table.id = 'emergency-totals';
  return table;
}

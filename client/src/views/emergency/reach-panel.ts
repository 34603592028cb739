import type { Reach, ReachMode } from '../../api/emergency-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { REACH_COLOURS } from '../../layers/emergency/emergency-colours';
import { element, option } from '../dom';
import { fieldRow } from '../fields';
import { formatAreaKm2, formatPercent } from '../format';
import { legendRow, legendSwatch } from '../legend';
import { renderLoadable, type Loadable, type LoadableTexts } from '../loadable';

const MODES: ReachMode[] = ['auto', 'road', 'straight'];
/** Grids outside the reach listed; the rest are counted under the list. */
const OUTSIDE_SHOWN = 10;

const TEXTS: LoadableTexts = {
  empty: () => t('reach.hint'),
  loading: () => t('reach.loading'),
  failed: (message) => t('reach.failed', { message }),
};

/**
 * Quick-response reach, "1-3-5 minutes" (快速反应圈): a switch that draws the areas reached from the
 * response points in 1, 3 and 5 minutes, along roads or in a straight line, and the grids left
 * outside the 5-minute reach with their households (click one to zoom to it).
 */
export class ReachPanel {
  readonly element: HTMLElement;
  private readonly toggle = element('input', '');
  private readonly modeSelect = element('select', 'input');
  private readonly body = element('div', 'reach-body');
  private state: Loadable<Reach> = { kind: 'empty' };

  constructor(
    private readonly onChange: (shown: boolean, mode: ReachMode) => void,
    private readonly onGrid: (code: string) => void,
  ) {
    this.toggle.type = 'checkbox';
    this.toggle.id = 'emergency-reach-toggle';
    this.modeSelect.id = 'emergency-reach-mode';
    const changed = () => this.onChange(this.toggle.checked, this.modeSelect.value as ReachMode);
    this.toggle.addEventListener('change', changed);
    this.modeSelect.addEventListener('change', changed);
    const modeLabel = translatedElement('label', 'reach.mode', 'form-label');
    modeLabel.htmlFor = this.modeSelect.id;
    this.element = element(
      'section',
      'panel-section',
      translatedElement('h2', 'reach.title'),
      element('label', 'targets-kind', this.toggle, translatedElement('span', 'reach.show')),
      element('div', 'form-row reach-mode', modeLabel, this.modeSelect),
      this.body,
    );
    this.element.id = 'emergency-reach';
    onLocaleChange(() => this.render());
    this.render();
  }

  setState(state: Loadable<Reach>): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    const mode = this.modeSelect.value || 'auto';
    this.modeSelect.replaceChildren(...MODES.map((value) => option(value, t(`reach.mode.${value}`))));
    this.modeSelect.value = mode;
    renderLoadable(this.body, this.state, TEXTS, (reach) => [reachFigures(reach), ...this.outsideList(reach)]);
  }

  private outsideList({ grids }: Reach): HTMLElement[] {
    if (grids.outside.length === 0) return [element('p', 'hint ok', t('reach.allInside'))];
    const body = element('tbody', '');
    for (const grid of grids.outside.slice(0, OUTSIDE_SHOWN)) {
      const row = element(
        'tr',
        'clickable',
        element('td', 'grid-code', grid.name ?? grid.code),
        element('td', 'num', formatNumber(grid.householdsOutside)),
        element('td', 'num', formatPercent(grid.reachShare)),
      );
      row.dataset.grid = grid.code;
      row.title = grid.code;
      row.addEventListener('click', () => this.onGrid(grid.code));
      body.append(row);
    }
    const head = element(
      'tr',
      '',
      element('th', '', t('exposure.grid')),
      element('th', 'num', t('reach.householdsOutside')),
      element('th', 'num', t('reach.reachShare')),
    );
    const table = element('table', 'moves-table', element('thead', '', head), body);
    table.id = 'emergency-outside';
    const parts = [element('h3', 'subheading', t('reach.outsideCaption')), table];
    if (grids.outside.length > OUTSIDE_SHOWN) {
      parts.push(element('p', 'hint', t('exposure.more', { count: formatNumber(grids.outside.length - OUTSIDE_SHOWN) })));
    }
    return parts;
  }
}

function reachFigures(reach: Reach): HTMLElement {
  const areas = element('ul', 'legend-list reach-areas');
  [...reach.areas.features]
    .sort((a, b) => a.properties.minutes - b.properties.minutes)
    .forEach(({ properties: { minutes, areaM2 } }, rank) => {
      areas.append(legendRow(legendSwatch(REACH_COLOURS[Math.min(rank, REACH_COLOURS.length - 1)]), t('reach.minutes', { minutes }), formatAreaKm2(areaM2), String(minutes)));
    });
  const { grids } = reach;
  const figures = element(
    'dl',
    'fields fields-compact',
    fieldRow('mode', t('reach.mode'), t('reach.modeUsed', { mode: t(`reach.mode.${reach.mode}`), speed: formatNumber(reach.speedKmh) })),
    fieldRow('points', t('reach.points'), formatNumber(reach.points), reach.points),
    fieldRow('outsideCount', t('reach.outsideCount'), `${formatNumber(grids.outsideCount)} / ${formatNumber(grids.total)}`, grids.outsideCount),
    fieldRow('householdsOutside', t('reach.householdsOutside'), formatNumber(grids.householdsOutside), grids.householdsOutside),
  );
  figures.id = 'emergency-reach-figures';
  return element('div', '', areas, figures);
}

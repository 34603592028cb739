import type { Alignment, GridAlignment } from '../../api/overlay-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element } from '../dom';
import { fieldRow } from '../fields';
import { formatPercent } from '../format';
import { renderLoadable, type Loadable, type LoadableTexts } from '../loadable';

/** Split grids listed as the worst conflicts; the rest are counted under the list. */
const WORST_SHOWN = 10;
const METRES_PER_KM = 1000;

interface Conflicts {
  alignment: Alignment;
  /** grid code → grid name */
  names: Map<string, string | null>;
}

const TEXTS: LoadableTexts = {
  empty: () => t('police.conflicts.choose'),
  loading: () => t('police.conflicts.loading'),
  failed: (message) => t('police.conflicts.failed', { message }),
};

/**
 * How an overlay plan sits on the comprehensive grids: the layer figures (whole share, split
 * grids and their households, slivers, mismatched boundary) and the worst split grids, each a
 * button that shows it on the map.
 */
export class ConflictPanel {
  readonly element: HTMLElement;
  private readonly body = element('div', 'conflict-body');
  private state: Loadable<Conflicts> = { kind: 'empty' };
  private selected: string | null = null;

  constructor(private readonly onSelect: (code: string) => void) {
    this.element = element('section', 'panel-section', translatedElement('h2', 'police.conflicts.title'), this.body);
    this.element.id = 'police-conflicts';
    onLocaleChange(() => this.render());
    this.render();
  }

  /** Back to the hint: no pair of plans to analyse. */
  clear(): void {
    this.setState({ kind: 'empty' });
  }

  loading(): void {
    this.setState({ kind: 'loading' });
  }

  failed(message: string): void {
    this.setState({ kind: 'failed', message });
  }

  show(alignment: Alignment, names: Map<string, string | null>): void {
    this.selected = null;
    this.setState({ kind: 'shown', value: { alignment, names } });
  }

  private setState(state: Loadable<Conflicts>): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    renderLoadable(this.body, this.state, TEXTS, ({ alignment, names }) => [figuresList(alignment), ...this.worstList(alignment, names)]);
  }

  private worstList({ grids }: Alignment, names: Map<string, string | null>): HTMLElement[] {
    const split = grids.filter((grid) => grid.wholeIn === null).sort((a, b) => displaced(b) - displaced(a) || a.code.localeCompare(b.code));
    if (split.length === 0) return [element('p', 'hint ok', t('police.conflicts.none'))];
    const list = element('ul', 'issue-list');
    list.id = 'police-worst';
    for (const grid of split.slice(0, WORST_SHOWN)) list.append(element('li', '', this.conflictButton(grid, names.get(grid.code) ?? null)));
    const parts = [element('h3', 'subheading', t('police.conflicts.worst')), list];
    if (split.length > WORST_SHOWN) {
      parts.push(element('p', 'hint', t('police.conflicts.more', { count: formatNumber(split.length - WORST_SHOWN) })));
    }
    return parts;
  }

  private conflictButton(grid: GridAlignment, name: string | null): HTMLButtonElement {
    const shares = grid.overlays.map((overlay) => `${overlay.code} ${formatPercent(shareOf(grid, overlay))}`).join(' · ');
    const button = element(
      'button',
      'issue',
      element('span', 'severity severity-error', t('police.conflicts.splitBadge', { count: grid.overlays.length })),
      element('span', 'issue-type', name ?? grid.code),
      element('span', 'issue-grids', [...(name ? [grid.code] : []), t('police.households', { count: formatNumber(grid.households) })].join(' · ')),
      element('span', 'issue-message', shares),
    );
    button.type = 'button';
    button.dataset.grid = grid.code;
    button.setAttribute('aria-pressed', String(grid.code === this.selected));
    button.addEventListener('click', () => {
      this.selected = grid.code;
      this.render();
      this.onSelect(grid.code);
    });
    return button;
  }
}

function figuresList({ figures }: Alignment): HTMLElement {
  const mismatch = figures.mismatchedBoundaryM;
  const list = element(
    'dl',
    'fields fields-compact',
    fieldRow('grids', t('police.figures.grids'), formatNumber(figures.grids), figures.grids),
    fieldRow('wholeShare', t('police.figures.wholeShare'), formatPercent(figures.wholeShare, 1), figures.wholeShare),
    fieldRow('splitGrids', t('police.figures.splitGrids'), formatNumber(figures.splitGrids), figures.splitGrids),
    fieldRow('householdsInSplit', t('police.figures.householdsInSplit'), formatNumber(figures.householdsInSplit), figures.householdsInSplit),
    fieldRow('sliverAreaM2', t('police.figures.sliver'), t('unit.m2', { value: formatNumber(figures.sliverAreaM2) }), figures.sliverAreaM2),
    fieldRow(
      'mismatchedBoundaryM',
      t('police.figures.mismatch'),
      mismatch === null ? t('police.figures.unavailable') : t('unit.km', { value: formatNumber(mismatch / METRES_PER_KM, 1) }),
      mismatch,
    ),
  );
  list.id = 'police-figures';
  return list;
}

/** The share of a grid in one overlay grid: by households where it has any, else by area. */
const shareOf = (grid: GridAlignment, overlay: GridAlignment['overlays'][number]): number =>
  grid.households > 0 ? overlay.householdsShare : overlay.areaShare;

/** Households of a split grid outside the overlay grid holding most of them: how much the split hurts. */
function displaced(grid: GridAlignment): number {
  const largest = Math.max(0, ...grid.overlays.map((overlay) => overlay.householdsShare));
  return grid.households * (1 - largest);
}

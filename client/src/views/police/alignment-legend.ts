import { CONFLICT_COLOUR, OVERLAY_OUTLINE_COLOUR, WHOLE_COLOUR } from '../../layers/police/alignment-colours';
import { onLocaleChange, t } from '../../i18n';
import { element } from '../dom';
import { legendRow, legendSwatch } from '../legend';

/** What the map shows: today's conflicts, or a proposal's overlay grids. */
export type AlignmentLegendView =
  | { kind: 'conflicts'; split: number; whole: number; overlays: number }
  | { kind: 'proposal'; changed: number; overlays: number };

/** The police view's map legend, with how many grids each class holds. */
export class AlignmentLegend {
  readonly element = element('aside', 'map-card legend');
  private view: AlignmentLegendView | null = null;

  constructor() {
    this.element.id = 'police-legend';
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  show(view: AlignmentLegendView | null): void {
    this.view = view;
    this.render();
  }

  private render(): void {
    const view = this.view;
    this.element.hidden = view === null;
    if (!view) return;
    this.element.dataset.kind = view.kind;
    const rows = element('ul', 'legend-list');
    if (view.kind === 'conflicts') {
      rows.append(
        legendRow(legendSwatch(CONFLICT_COLOUR), t('police.legend.split'), view.split, 'split'),
        legendRow(legendSwatch(WHOLE_COLOUR), t('police.legend.whole'), view.whole, 'whole'),
      );
    } else {
      rows.append(
        legendRow(element('span', 'swatch swatch-palette'), t('police.legend.proposed'), '', 'proposed'),
        legendRow(element('span', 'swatch swatch-hatch'), t('police.legend.changed'), view.changed, 'changed'),
      );
    }
    rows.append(legendRow(legendSwatch(OVERLAY_OUTLINE_COLOUR, 'swatch-outline'), t('police.legend.overlay'), view.overlays, 'overlays'));
    const title = view.kind === 'conflicts' ? 'police.legend.conflictsTitle' : 'police.legend.proposalTitle';
    this.element.replaceChildren(element('h3', 'map-card-title', t(title)), rows);
  }
}

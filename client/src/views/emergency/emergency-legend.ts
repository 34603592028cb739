import type { RingExposure } from '../../api/emergency-types';
import { onLocaleChange, t } from '../../i18n';
import {
  hazardColour,
  OUTSIDE_REACH_COLOUR,
  REACH_COLOURS,
  RESPONSE_POINT_COLOURS,
  RING_COLOURS,
} from '../../layers/emergency/emergency-colours';
import { element } from '../dom';
import { legendRow, legendSwatch } from '../legend';
import { hazardTypeName, responsePointKindName, ringName } from './hazard-names';

/** What the emergency map shows, for its legend. */
export interface EmergencyLegendView {
  hazardTypes: string[];
  rings: RingExposure[] | null;
  /** reach times in minutes, when the reach is shown */
  reachMinutes: number[] | null;
}

/** The emergency view's map legend: hazard types, the rings' grid colours, the reach areas and response points. */
export class EmergencyLegend {
  readonly element = element('aside', 'map-card legend');
  private view: EmergencyLegendView | null = null;

  constructor() {
    this.element.id = 'emergency-legend';
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  show(view: EmergencyLegendView | null): void {
    this.view = view;
    this.render();
  }

  private render(): void {
    const view = this.view;
    this.element.hidden = view === null || view.hazardTypes.length + (view.reachMinutes?.length ?? 0) === 0;
    if (!view) return;
    const sections: HTMLElement[] = [];
    const section = (title: string, rows: HTMLElement[]) => {
      if (rows.length) sections.push(element('h3', 'map-card-title', title), element('ul', 'legend-list', ...rows));
    };
    section(t('legend.hazards'), view.hazardTypes.map((type) => legendRow(legendSwatch(hazardColour(type), 'swatch-dot'), hazardTypeName(type), '')));
    section(
      t('legend.exposedGrids'),
      (view.rings ?? []).map((ring, index) => legendRow(legendSwatch(RING_COLOURS[Math.min(index, RING_COLOURS.length - 1)]), ringName(ring.radiusM), '')),
    );
    if (view.reachMinutes) {
      section(t('reach.title'), [
        ...view.reachMinutes.map((minutes, rank) =>
          legendRow(legendSwatch(REACH_COLOURS[Math.min(rank, REACH_COLOURS.length - 1)]), t('reach.minutes', { minutes }), ''),
        ),
        legendRow(legendSwatch(OUTSIDE_REACH_COLOUR, 'swatch-outline'), t('legend.outsideReach'), ''),
        ...Object.entries(RESPONSE_POINT_COLOURS).map(([kind, colour]) =>
          legendRow(legendSwatch(colour, 'swatch-dot'), responsePointKindName(kind as keyof typeof RESPONSE_POINT_COLOURS), ''),
        ),
      ]);
    }
    this.element.replaceChildren(...sections);
  }
}

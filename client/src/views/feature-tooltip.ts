import { Popup, type MapGeoJSONFeature, type MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import { element } from './dom';

/** Builds the card for what lies under the pointer; null shows none. */
export type PointerCard = (event: MapMouseEvent) => HTMLElement | null;

/** Builds the card for the topmost feature under the pointer; null shows none. */
export type TooltipContent = (feature: MapGeoJSONFeature) => HTMLElement | null;

/**
 * A small card that follows the pointer over the map. Returning the card shown already just
 * moves it (a card may fill itself in later, e.g. after a request).
 */
export class PointerTooltip {
  private readonly popup = new Popup({
    closeButton: false,
    closeOnClick: false,
    offset: 14,
    maxWidth: '320px',
    className: 'map-tooltip',
  });
  private shown: HTMLElement | null = null;
  private readonly onMove = (event: MapMouseEvent) => this.follow(event);
  private readonly onLeave = () => this.hide();

  constructor(
    private readonly map: MapLibreMap,
    private readonly cardAt: PointerCard,
  ) {}

  enable(): void {
    this.map.on('mousemove', this.onMove);
    this.map.on('mouseout', this.onLeave);
  }

  disable(): void {
    this.map.off('mousemove', this.onMove);
    this.map.off('mouseout', this.onLeave);
    this.hide();
  }

  private follow(event: MapMouseEvent): void {
    const card = this.cardAt(event);
    if (!card) return this.hide();
    this.popup.setLngLat(event.lngLat);
    if (card !== this.shown) this.popup.setDOMContent(card);
    this.shown = card;
    if (!this.popup.isOpen()) this.popup.addTo(this.map);
  }

  /** Takes the card away until the pointer moves again (e.g. when what it describes was redrawn). */
  hide(): void {
    this.shown = null;
    this.popup.remove();
  }
}

/** A tooltip over the features of some MapLibre layers. */
export class FeatureTooltip extends PointerTooltip {
  constructor(map: MapLibreMap, layerIds: string[], content: TooltipContent) {
    super(map, (event) => {
      const layers = layerIds.filter((id) => map.getLayer(id));
      const [feature] = layers.length ? map.queryRenderedFeatures(event.point, { layers }) : [];
      return feature ? content(feature) : null;
    });
  }
}

/** One "label … value" line of a tooltip card. */
export const tooltipLine = (label: string, value: string): HTMLElement =>
  element('div', 'tooltip-line', element('span', '', label), element('b', '', value));

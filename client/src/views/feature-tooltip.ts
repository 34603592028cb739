import { Popup, type MapGeoJSONFeature, type MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import { element } from './dom';

/** Builds the card for the topmost feature under the pointer; null shows none. */
export type TooltipContent = (feature: MapGeoJSONFeature) => HTMLElement | null;

/** A small card that follows the pointer over the features of some MapLibre layers. */
export class FeatureTooltip {
  private readonly popup = new Popup({
    closeButton: false,
    closeOnClick: false,
    offset: 14,
    maxWidth: '320px',
    className: 'map-tooltip',
  });
  private readonly onMove = (event: MapMouseEvent) => this.follow(event);
  private readonly onLeave = () => this.popup.remove();

  constructor(
    private readonly map: MapLibreMap,
    private readonly layerIds: string[],
    private readonly content: TooltipContent,
  ) {}

  enable(): void {
    this.map.on('mousemove', this.onMove);
    this.map.on('mouseout', this.onLeave);
  }

  disable(): void {
    this.map.off('mousemove', this.onMove);
    this.map.off('mouseout', this.onLeave);
    this.popup.remove();
  }

  private follow(event: MapMouseEvent): void {
    const layers = this.layerIds.filter((id) => this.map.getLayer(id));
    const [feature] = layers.length ? this.map.queryRenderedFeatures(event.point, { layers }) : [];
    const card = feature ? this.content(feature) : null;
    if (!card) return void this.popup.remove();
    this.popup.setLngLat(event.lngLat).setDOMContent(card);
    if (!this.popup.isOpen()) this.popup.addTo(this.map);
  }
}

/** One "label … value" line of a tooltip card. */
export const tooltipLine = (label: string, value: string): HTMLElement =>
  element('div', 'tooltip-line', element('span', '', label), element('b', '', value));

import type { Layer } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { MapLibreMap } from 'maplibre-gl';

/**
 * The one deck.gl overlay over the map. Each feature (labels, the planner) owns a named group of
 * layers and replaces it whole; groups are drawn in the order they were first set.
 */
export class DeckOverlay {
  private readonly overlay = new MapboxOverlay({ interleaved: false, layers: [] });
  private readonly groups = new Map<string, Layer[]>();

  constructor(map: MapLibreMap) {
    map.addControl(this.overlay);
  }

  setLayers(group: string, layers: Layer[]): void {
    this.groups.set(group, layers);
    this.overlay.setProps({ layers: [...this.groups.values()].flat() });
  }
}

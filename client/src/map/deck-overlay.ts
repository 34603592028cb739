import type { Layer } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { MapLibreMap } from 'maplibre-gl';

/** A deck.gl layer drawn now and how many objects it holds (for the browser tests). */
export interface DeckLayerSummary {
  group: string;
  id: string;
  /** the length of its data, when that is an array */
  objects: number | null;
}

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

  /** The object drawn at a point of the map canvas (CSS pixels) by the topmost of some layers, if any. */
  pick<T>(point: { x: number; y: number }, layerIds: string[]): T | undefined {
    if (layerIds.length === 0) return undefined;
    return (this.overlay.pickObject({ x: point.x, y: point.y, layerIds })?.object as T | null) ?? undefined;
  }

  summary(): DeckLayerSummary[] {
    return [...this.groups].flatMap(([group, layers]) =>
      layers.map((layer) => ({ group, id: layer.id, objects: Array.isArray(layer.props.data) ? layer.props.data.length : null })),
    );
  }
}

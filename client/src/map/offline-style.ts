import type { StyleSpecification } from 'maplibre-gl';

const BACKGROUND_COLOR = '#f3f1ec';

/**
 * A base style that needs nothing from the network: a plain background only.
 * It has no `glyphs` and no `sprite`, so labels are drawn by deck.gl instead of MapLibre.
 */
export function offlineBaseStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'gridatlas-offline',
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }],
  };
}

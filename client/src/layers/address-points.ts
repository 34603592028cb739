import type { LayerSpecification } from 'maplibre-gl';
import type { TileSourceInfo } from '../api/types';

/** Below this zoom there are too many address points to read one by one. */
const ADDRESS_POINTS_MIN_ZOOM = 14;
export const ADDRESS_POINTS_SWATCH = '#b83280';

/** A small circle per address point, larger where more households live. */
export function addressPointLayers(source: TileSourceInfo): LayerSpecification[] {
  return [
    {
      id: 'address-points',
      type: 'circle',
      source: source.id,
      'source-layer': source.layer,
      minzoom: Math.max(source.minzoom, ADDRESS_POINTS_MIN_ZOOM),
      paint: {
        'circle-color': ADDRESS_POINTS_SWATCH,
        'circle-opacity': 0.75,
        'circle-radius': ['interpolate', ['linear'], ['coalesce', ['get', 'households'], 1], 1, 2, 50, 4, 300, 7],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 0.6,
      },
    },
  ];
}

import type { LayerSpecification } from 'maplibre-gl';
import type { TileSourceInfo } from '../api/types';

export const BARRIERS_SWATCH = '#4f8fc0';

/** Rivers as blue bands, roads as amber lines, railways as dark dashes. */
export function barrierLayers(source: TileSourceInfo): LayerSpecification[] {
  const base = {
    source: source.id,
    'source-layer': source.layer,
    type: 'line',
    layout: { 'line-join': 'round', 'line-cap': 'round' },
  } as const;
  return [
    {
      ...base,
      id: 'barrier-river',
      filter: ['==', ['get', 'class'], 'river'],
      paint: { 'line-color': BARRIERS_SWATCH, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 15, 6] },
    },
    {
      ...base,
      id: 'barrier-road',
      filter: ['==', ['get', 'class'], 'road'],
      paint: {
        'line-color': '#d9a556',
        'line-opacity': 0.75,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 12, 1, 16, 4],
      },
    },
    {
      ...base,
      id: 'barrier-rail',
      filter: ['==', ['get', 'class'], 'rail'],
      layout: { 'line-join': 'round', 'line-cap': 'butt' },
      paint: { 'line-color': '#3d4350', 'line-width': 1.5, 'line-dasharray': [3, 2] },
    },
  ];
}

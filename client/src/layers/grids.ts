import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import type { TileSourceInfo } from '../api/types';

/** One colour per grid kind (综合 comprehensive, 专属 dedicated, 微 micro, and the overlay kinds). */
const KIND_COLOURS: Record<string, string> = {
  comprehensive: '#2f6fde',
  dedicated: '#d9822b',
  micro: '#2e9e5b',
  police: '#1f3a93',
  emergency: '#d63b3b',
  safety: '#e0671f',
  departmental: '#7b4fc9',
};
const OTHER_KIND_COLOUR = '#6b7280';
export const GRIDS_SWATCH = KIND_COLOURS.comprehensive;

const kindColour: ExpressionSpecification = [
  'match',
  ['get', 'kind'],
  ...(Object.entries(KIND_COLOURS).flat() as [string, string]),
  OTHER_KIND_COLOUR,
];

/** A faint fill and a crisp outline per grid, coloured by kind; micro-grids get a dashed outline. */
export function gridLayers(source: TileSourceInfo): LayerSpecification[] {
  const base = { source: source.id, 'source-layer': source.layer, minzoom: source.minzoom } as const;
  return [
    { ...base, id: 'grid-fill', type: 'fill', paint: { 'fill-color': kindColour, 'fill-opacity': 0.08 } },
    {
      ...base,
      id: 'grid-outline',
      type: 'line',
      filter: ['!=', ['get', 'kind'], 'micro'],
      paint: { 'line-color': kindColour, 'line-width': 1, 'line-opacity': 0.8 },
    },
    {
      ...base,
      id: 'grid-micro-outline',
      type: 'line',
      filter: ['==', ['get', 'kind'], 'micro'],
      paint: { 'line-color': kindColour, 'line-width': 0.8, 'line-dasharray': [2, 2] },
    },
  ];
}

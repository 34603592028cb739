import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { AreaLevel, TileSourceInfo } from '../api/types';

/** Soft fills, one per street, picked from the 3-digit street part of the area code. */
const STREET_PALETTE = [
  '#dbe7f5', '#e0efdc', '#f8e8d2', '#ebe0f2', '#d9eeee', '#f6dede', '#ecedd3', '#dfe3f1', '#f3e4d9',
];
export const AREAS_SWATCH = STREET_PALETTE[0];

const streetColour: ExpressionSpecification = [
  'to-color',
  ['at', ['%', ['to-number', ['slice', ['get', 'code'], 6, 9], 0], STREET_PALETTE.length], ['literal', STREET_PALETTE]],
];

const levelIs = (level: AreaLevel): FilterSpecification => ['==', ['get', 'level'], level];

/** The fill layer that answers clicks on areas of a level. */
export const areaFillLayerId = (level: 'street' | 'community'): string => `area-${level}-fill`;

export const SELECTED_AREA_LAYER_ID = 'area-selected';

/** Street fill opacity on our plain background, and over a basemap that should show through. */
const STREET_FILL_OPACITY = { plain: 0.9, overBasemap: 0.4 };

/** Street fills coloured per street, and invisible community fills that make communities clickable. */
export function areaFillLayers(source: TileSourceInfo, overBasemap: boolean): LayerSpecification[] {
  const base = { source: source.id, 'source-layer': source.layer } as const;
  return [
    {
      ...base,
      id: areaFillLayerId('street'),
      type: 'fill',
      filter: levelIs('street'),
      paint: {
        'fill-color': streetColour,
        'fill-opacity': overBasemap ? STREET_FILL_OPACITY.overBasemap : STREET_FILL_OPACITY.plain,
      },
    },
    {
      ...base,
      id: areaFillLayerId('community'),
      type: 'fill',
      filter: levelIs('community'),
      paint: { 'fill-color': '#ffffff', 'fill-opacity': 0 },
    },
  ];
}

/** Thin community outlines, firmer street outlines and a bold district boundary, in that order. */
export function areaOutlineLayers(source: TileSourceInfo): LayerSpecification[] {
  const base = { source: source.id, 'source-layer': source.layer, type: 'line' } as const;
  return [
    {
      ...base,
      id: 'area-community-outline',
      filter: levelIs('community'),
      paint: { 'line-color': '#8a94a6', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 14, 1.2] },
    },
    {
      ...base,
      id: 'area-street-outline',
      filter: levelIs('street'),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#4b5567', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 14, 2.5] },
    },
    {
      ...base,
      id: 'area-district-outline',
      filter: levelIs('district'),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#1d2433', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2, 14, 4.5] },
    },
  ];
}

/** An outline drawn around the area being inspected (none until one is chosen). */
export function selectedAreaLayer(source: TileSourceInfo): LayerSpecification {
  return {
    id: SELECTED_AREA_LAYER_ID,
    type: 'line',
    source: source.id,
    'source-layer': source.layer,
    filter: selectedAreaFilter(null),
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#d6336c', 'line-width': 3 },
  };
}

export function selectedAreaFilter(code: string | null): FilterSpecification {
  return ['==', ['get', 'code'], code ?? ''];
}

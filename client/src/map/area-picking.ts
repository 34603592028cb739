import type { MapLibreMap } from 'maplibre-gl';
import { areaFillLayerId, SELECTED_AREA_LAYER_ID, selectedAreaFilter } from '../layers/areas';
import { focusLevelAt } from './focus-level';

/** The code of the area of the focus level (streets, or communities when zoomed in) under a screen point. */
export function areaCodeAt(map: MapLibreMap, point: { x: number; y: number }): string | undefined {
  const layerId = areaFillLayerId(focusLevelAt(map.getZoom()));
  const [feature] = map.queryRenderedFeatures([point.x, point.y], { layers: [layerId] });
  const code: unknown = feature?.properties.code;
  return typeof code === 'string' ? code : undefined;
}

/** Outlines one area on the map as the chosen one; null removes the outline. */
export function outlineArea(map: MapLibreMap, code: string | null): void {
  map.setFilter(SELECTED_AREA_LAYER_ID, selectedAreaFilter(code));
}

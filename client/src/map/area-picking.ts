import type { MapLibreMap } from 'maplibre-gl';
import { areaFillLayerId, SELECTED_AREA_LAYER_ID, selectedAreaFilter } from '../layers/areas';
import { focusLevelAt } from './focus-level';

/**
 * Makes areas of the focus level (streets, or communities when zoomed in) clickable:
 * a pointer cursor over them, and on click the area is outlined and `onPick` gets its code.
 */
export function enableAreaPicking(map: MapLibreMap, onPick: (code: string) => void): void {
  const areaCodeAt = (point: { x: number; y: number }): string | undefined => {
    const layerId = areaFillLayerId(focusLevelAt(map.getZoom()));
    const [feature] = map.queryRenderedFeatures([point.x, point.y], { layers: [layerId] });
    const code: unknown = feature?.properties.code;
    return typeof code === 'string' ? code : undefined;
  };

  map.on('mousemove', (event) => {
    map.getCanvas().style.cursor = areaCodeAt(event.point) ? 'pointer' : '';
  });
  map.on('click', (event) => {
    const code = areaCodeAt(event.point);
    if (!code) return;
    map.setFilter(SELECTED_AREA_LAYER_ID, selectedAreaFilter(code));
    onPick(code);
  });
}

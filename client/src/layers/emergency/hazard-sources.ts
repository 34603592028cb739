import type { ExpressionSpecification, GeoJSONSource, MapLibreMap } from 'maplibre-gl';
import type { HazardCollection } from '../../api/emergency-types';
import { hazardColourExpression } from './emergency-colours';

const SOURCE_ID = 'hazard-sources';
const AREA_FILL_LAYER_ID = 'hazard-area-fill';
const LINE_LAYER_ID = 'hazard-line';
const POINT_LAYER_ID = 'hazard-point';
const SELECTED_POINT_LAYER_ID = 'hazard-point-selected';
const SELECTED_AREA_LAYER_ID = 'hazard-area-selected';
/** The layers that answer hovers and clicks on hazard sources. */
export const HAZARD_LAYER_IDS = [AREA_FILL_LAYER_ID, LINE_LAYER_ID, POINT_LAYER_ID];

const EMPTY: HazardCollection = { type: 'FeatureCollection', features: [] };
const geometryIs = (...types: string[]): ExpressionSpecification => ['in', ['geometry-type'], ['literal', types]];
const idIs = (id: number | null): ExpressionSpecification => ['==', ['get', 'id'], id ?? -1];
const AREAS = geometryIs('Polygon', 'MultiPolygon');
const POINTS = geometryIs('Point', 'MultiPoint');

/**
 * Hazard sources (风险源) coloured by type: areas (flood zones) filled with an outline, lines as
 * lines, points as circles with a white rim; the chosen one ringed in dark.
 */
export class HazardSourceLayers {
  constructor(private readonly map: MapLibreMap) {
    map.addSource(SOURCE_ID, { type: 'geojson', data: EMPTY });
    const base = { source: SOURCE_ID } as const;
    map.addLayer({ ...base, id: AREA_FILL_LAYER_ID, type: 'fill', filter: AREAS, paint: { 'fill-color': hazardColourExpression, 'fill-opacity': 0.35 } });
    map.addLayer({ ...base, id: 'hazard-area-outline', type: 'line', filter: AREAS, paint: { 'line-color': hazardColourExpression, 'line-width': 2 } });
    map.addLayer({
      ...base,
      id: LINE_LAYER_ID,
      type: 'line',
      filter: geometryIs('LineString', 'MultiLineString'),
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': hazardColourExpression, 'line-width': 4 },
    });
    map.addLayer({
      ...base,
      id: POINT_LAYER_ID,
      type: 'circle',
      filter: POINTS,
      paint: { 'circle-color': hazardColourExpression, 'circle-radius': 7, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    });
    map.addLayer({
      ...base,
      id: SELECTED_POINT_LAYER_ID,
      type: 'circle',
      filter: ['all', POINTS, idIs(null)],
      paint: { 'circle-color': 'transparent', 'circle-radius': 12, 'circle-stroke-color': '#1d2433', 'circle-stroke-width': 3 },
    });
    map.addLayer({ ...base, id: SELECTED_AREA_LAYER_ID, type: 'line', filter: ['all', AREAS, idIs(null)], paint: { 'line-color': '#1d2433', 'line-width': 3.5 } });
  }

  setHazards(hazards: HazardCollection | null): void {
    this.map.getSource<GeoJSONSource>(SOURCE_ID)?.setData(hazards ?? EMPTY);
  }

  /** Rings the hazard being looked at; null clears it. */
  select(id: number | null): void {
    this.map.setFilter(SELECTED_POINT_LAYER_ID, ['all', POINTS, idIs(id)]);
    this.map.setFilter(SELECTED_AREA_LAYER_ID, ['all', AREAS, idIs(id)]);
  }

  /** The id of the hazard source under a screen point, if any. */
  hazardAt(point: { x: number; y: number }): number | undefined {
    const [feature] = this.map.queryRenderedFeatures([point.x, point.y], { layers: HAZARD_LAYER_IDS });
    const id: unknown = feature?.properties.id;
    return typeof id === 'number' ? id : undefined;
  }
}

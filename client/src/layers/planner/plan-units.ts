import type { ExpressionSpecification, GeoJSONSource, MapLibreMap } from 'maplibre-gl';
import type { UnitCollection } from '../../api/planning-types';

const SOURCE_ID = 'plan-units';
const FILL_LAYER_ID = 'plan-unit-fill';
const OUTLINE_LAYER_ID = 'plan-unit-outline';
const EMPTY: UnitCollection = { type: 'FeatureCollection', features: [] };
const TARGET_COLOUR = '#d6336c';

const inTarget = (targetGrid: string | null): ExpressionSpecification => ['==', ['get', 'grid_code'], targetGrid ?? ''];

/**
 * The atomic units a plan was built from (blocks between roads, compounds), shown while painting:
 * thin white outlines, and the units of the target grid tinted so the brush's reach is visible.
 */
export class PlanUnitLayers {
  constructor(
    private readonly map: MapLibreMap,
    beforeId: string,
  ) {
    map.addSource(SOURCE_ID, { type: 'geojson', data: EMPTY });
    map.addLayer({
      id: FILL_LAYER_ID,
      type: 'fill',
      source: SOURCE_ID,
      paint: { 'fill-color': TARGET_COLOUR, 'fill-opacity': ['case', inTarget(null), 0.3, 0] },
    }, beforeId);
    map.addLayer({
      id: OUTLINE_LAYER_ID,
      type: 'line',
      source: SOURCE_ID,
      paint: { 'line-color': '#ffffff', 'line-width': 0.8, 'line-opacity': 0.9 },
    }, beforeId);
  }

  setUnits(units: UnitCollection | null): void {
    this.map.getSource<GeoJSONSource>(SOURCE_ID)?.setData(units ?? EMPTY);
  }

  /** Tints the units that belong to the grid being painted into. */
  setTarget(targetGrid: string | null): void {
    this.map.setPaintProperty(FILL_LAYER_ID, 'fill-opacity', ['case', inTarget(targetGrid), 0.3, 0]);
  }

  /** The unit under a screen point: its id and the grid it belongs to. */
  unitAt(point: { x: number; y: number }): { id: number; gridCode: string } | undefined {
    const [feature] = this.map.queryRenderedFeatures([point.x, point.y], { layers: [FILL_LAYER_ID] });
    if (!feature) return undefined;
    return { id: Number(feature.properties.id), gridCode: String(feature.properties.grid_code) };
  }
}

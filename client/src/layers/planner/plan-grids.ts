import type {
  ExpressionSpecification,
  FilterSpecification,
  GeoJSONSource,
  LayerSpecification,
  MapLibreMap,
} from 'maplibre-gl';
import type { GridCollection } from '../../api/planning-types';
import { balanceColourExpression } from './balance';

const SOURCE_ID = 'plan-grids';
/** The fill that answers clicks and hovers on the plan's comprehensive and dedicated grids. */
export const PLAN_GRID_FILL_LAYER_ID = 'plan-grid-fill';
/** Micro-grids are drawn as dashed outlines over the grids they subdivide. */
const PLAN_GRID_MICRO_LAYER_ID = 'plan-grid-micro';
/** The outlines of comprehensive and dedicated grids; layers meant to sit under them go before it. */
export const PLAN_GRID_OUTLINE_LAYER_ID = 'plan-grid-outline';
const SELECTED_LAYER_ID = 'plan-grid-selected';
const FLAGGED_LAYER_ID = 'plan-grid-flagged';

const EMPTY: GridCollection = { type: 'FeatureCollection', features: [] };
const isMicro: ExpressionSpecification = ['==', ['get', 'kind'], 'micro'];
const codeIn = (codes: string[]): FilterSpecification => ['in', ['get', 'code'], ['literal', codes]];

/**
 * A draft plan's grids from a GeoJSON source: filled by household balance, outlined, micro-grids
 * dashed, with outlines for the selected grids and for the grids a topology issue names.
 * Fills go under `fillsBeforeId` (roads and area outlines stay readable); outlines go on top.
 */
export class PlanGridLayers {
  constructor(
    private readonly map: MapLibreMap,
    fillsBeforeId: string | undefined,
  ) {
    map.addSource(SOURCE_ID, { type: 'geojson', data: EMPTY });
    const base = { source: SOURCE_ID } as const;
    const fill: LayerSpecification = {
      ...base,
      id: PLAN_GRID_FILL_LAYER_ID,
      type: 'fill',
      filter: ['!', isMicro],
      paint: { 'fill-color': balanceColourExpression, 'fill-opacity': 0.72 },
    };
    const lines: LayerSpecification[] = [
      {
        ...base,
        id: PLAN_GRID_OUTLINE_LAYER_ID,
        type: 'line',
        filter: ['!', isMicro],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#26303f', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.6, 16, 1.6] },
      },
      {
        ...base,
        id: PLAN_GRID_MICRO_LAYER_ID,
        type: 'line',
        filter: isMicro,
        paint: { 'line-color': '#26303f', 'line-opacity': 0.55, 'line-width': 0.7, 'line-dasharray': [2, 2] },
      },
      {
        ...base,
        id: FLAGGED_LAYER_ID,
        type: 'line',
        filter: codeIn([]),
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#7b2cbf', 'line-width': 3, 'line-dasharray': [2, 1] },
      },
      {
        ...base,
        id: SELECTED_LAYER_ID,
        type: 'line',
        filter: codeIn([]),
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#d6336c', 'line-width': 3.5 },
      },
    ];
    map.addLayer(fill, fillsBeforeId);
    for (const line of lines) map.addLayer(line);
  }

  setGrids(grids: GridCollection | null): void {
    this.map.getSource<GeoJSONSource>(SOURCE_ID)?.setData(grids ?? EMPTY);
  }

  /** Outlines these grids as the current selection. */
  select(codes: string[]): void {
    this.map.setFilter(SELECTED_LAYER_ID, codeIn(codes));
  }

  /** Outlines the grids a topology issue names. */
  flag(codes: string[]): void {
    this.map.setFilter(FLAGGED_LAYER_ID, codeIn(codes));
  }

  /** The code of the (non-micro) grid under a screen point, if any. */
  gridAt(point: { x: number; y: number }): string | undefined {
    const [feature] = this.map.queryRenderedFeatures([point.x, point.y], { layers: [PLAN_GRID_FILL_LAYER_ID] });
    const code: unknown = feature?.properties.code;
    return typeof code === 'string' ? code : undefined;
  }
}

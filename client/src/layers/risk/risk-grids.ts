import { GeoJsonLayer } from '@deck.gl/layers';
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { MapLibreMap } from 'maplibre-gl';
import type { GridCollection, GridProperties } from '../../api/planning-types';
import type { SourceId } from '../../api/types';
import { boundsOf, type BBox } from '../../map/bounds';

type GridFeature = Feature<Polygon | MultiPolygon, GridProperties>;

/** The published grids' vector tiles (their MVT layer has the same name). */
const GRID_TILES: SourceId = 'grids';
const OUTLINE_LAYER_ID = 'risk-grid-outline';
/** The grid being looked at, drawn by deck.gl over the hexagons. */
export const SELECTED_GRID_LAYER_ID = 'risk-grid-selected';

/** The grids of one plan by code, and which of them holds a point. */
export class GridLookup {
  private readonly boxes: BBox[];
  private readonly byCode: Map<string, GridFeature>;

  constructor(
    readonly planId: number,
    private readonly grids: GridCollection,
  ) {
    this.boxes = grids.features.map((grid) => boundsOf([grid]));
    this.byCode = new Map(grids.features.map((grid) => [grid.properties.code, grid]));
  }

  grid(code: string): GridFeature | undefined {
    return this.byCode.get(code);
  }

  /** The code of the grid holding a point, if any. */
  codeAt([lng, lat]: [number, number]): string | undefined {
    const index = this.grids.features.findIndex((grid, i) => {
      const [west, south, east, north] = this.boxes[i];
      return lng >= west && lng <= east && lat >= south && lat <= north && booleanPointInPolygon([lng, lat], grid);
    });
    return index < 0 ? undefined : this.grids.features[index].properties.code;
  }
}

/**
 * The outlines of one plan's grids, from the grid vector tiles (simplified per zoom by the
 * server, drawn by MapLibre under the hexagons: thousands of outlines redrawn by deck.gl with
 * every heatmap frame cost seconds on software WebGL). Nothing when the server has no grid tiles.
 */
export class GridOutlines {
  constructor(private readonly map: MapLibreMap) {
    if (!map.getSource(GRID_TILES)) return;
    map.addLayer({
      id: OUTLINE_LAYER_ID,
      type: 'line',
      source: GRID_TILES,
      'source-layer': GRID_TILES,
      filter: ['==', ['get', 'plan_id'], -1],
      layout: { visibility: 'none' },
      paint: { 'line-color': '#1d2433', 'line-opacity': 0.4, 'line-width': 0.8 },
    });
  }

  /** Outlines the grids of `planId`; null hides them. */
  show(planId: number | null): void {
    if (!this.map.getLayer(OUTLINE_LAYER_ID)) return;
    this.map.setLayoutProperty(OUTLINE_LAYER_ID, 'visibility', planId === null ? 'none' : 'visible');
    if (planId !== null) this.map.setFilter(OUTLINE_LAYER_ID, ['==', ['get', 'plan_id'], planId]);
  }
}

/** The chosen grid: a light fill and a thick dark outline. */
export const selectedGridLayer = (grid: GridFeature | undefined): GeoJsonLayer =>
  new GeoJsonLayer({
    id: SELECTED_GRID_LAYER_ID,
    data: grid ? [grid] : [],
    getFillColor: [47, 111, 222, 40],
    getLineColor: [29, 36, 51, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 3,
  });

import { GeoJsonLayer } from '@deck.gl/layers';
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { GridCollection, GridProperties } from '../../api/planning-types';
import { boundsOf, type BBox } from '../../map/bounds';

type GridFeature = Feature<Polygon | MultiPolygon, GridProperties>;

/** The published grids' outlines, over the hexagons. */
export const GRID_OUTLINE_LAYER_ID = 'risk-grid-outlines';
/** The grid being looked at. */
export const SELECTED_GRID_LAYER_ID = 'risk-grid-selected';

/**
 * The grids of the plan the ranking scores, drawn as thin outlines over the heatmap, and the
 * chosen one in a thick dark line; answers which grid holds a point.
 */
export class RiskGrids {
  private readonly boxes: BBox[];
  private readonly byCode: Map<string, GridFeature>;

  constructor(readonly grids: GridCollection) {
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

  layers(selected: string | null): GeoJsonLayer[] {
    const chosen = selected === null ? undefined : this.byCode.get(selected);
    return [
      new GeoJsonLayer({
        id: GRID_OUTLINE_LAYER_ID,
        data: this.grids,
        filled: false,
        getLineColor: [29, 36, 51, 70],
        lineWidthUnits: 'pixels',
        getLineWidth: 0.8,
      }),
      new GeoJsonLayer({
        id: SELECTED_GRID_LAYER_ID,
        data: chosen ? [chosen] : [],
        filled: true,
        getFillColor: [47, 111, 222, 40],
        getLineColor: [29, 36, 51, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
      }),
    ];
  }
}

import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { GeoJSONSource, MapLibreMap } from 'maplibre-gl';
import type { GridOutside, ReachAreas, ResponsePointCollection } from '../../api/emergency-types';
import type { GridCollection } from '../../api/planning-types';
import { indexColourExpression, OUTSIDE_REACH_COLOUR, REACH_COLOURS, RESPONSE_POINT_COLOURS } from './emergency-colours';

const AREAS_SOURCE_ID = 'reach-areas';
const OUTSIDE_SOURCE_ID = 'reach-outside-grids';
const POINTS_SOURCE_ID = 'response-points';
/** The grids left outside the longest reach: answers hovers. */
export const OUTSIDE_GRID_LAYER_ID = 'reach-outside-fill';
/** The outlines of the grids left outside (what the browser test counts). */
export const OUTSIDE_OUTLINE_LAYER_ID = 'reach-outside-outline';
export const RESPONSE_POINT_LAYER_ID = 'response-point';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

export type OutsideGridCollection = FeatureCollection<Polygon | MultiPolygon, GridOutside>;

/**
 * The areas as drawn: each with its rank by time (0 = shortest), longest first so the shorter
 * ones, which they contain, are painted over them.
 */
export function rankedReachAreas(areas: ReachAreas): FeatureCollection<MultiPolygon, { minutes: number; rank: number }> {
  const ranked = [...areas.features]
    .sort((a, b) => a.properties.minutes - b.properties.minutes)
    .map((area, rank) => ({ ...area, properties: { minutes: area.properties.minutes, rank } }));
  return { type: 'FeatureCollection', features: ranked.reverse() };
}

/** The plan's grids that the server lists outside the reach, with its figures as properties. */
export function outsideGridsOf(grids: GridCollection, outside: GridOutside[]): OutsideGridCollection {
  const byCode = new Map(outside.map((grid) => [grid.code, grid]));
  const features = grids.features.flatMap((grid) => {
    const figures = byCode.get(grid.properties.code);
    return figures ? [{ type: 'Feature' as const, geometry: grid.geometry, properties: figures }] : [];
  });
  return { type: 'FeatureCollection', features };
}

/**
 * Quick-response reach (1-3-5 minutes): graded green fills per time (under `fillsBeforeId`), the
 * grids left outside outlined in purple, and the response points as circles coloured by kind.
 */
export class ReachLayers {
  constructor(
    private readonly map: MapLibreMap,
    fillsBeforeId: string | undefined,
  ) {
    map.addSource(AREAS_SOURCE_ID, { type: 'geojson', data: EMPTY });
    map.addSource(OUTSIDE_SOURCE_ID, { type: 'geojson', data: EMPTY });
    map.addSource(POINTS_SOURCE_ID, { type: 'geojson', data: EMPTY });
    map.addLayer({
      id: 'reach-area-fill',
      type: 'fill',
      source: AREAS_SOURCE_ID,
      paint: { 'fill-color': indexColourExpression('rank', REACH_COLOURS), 'fill-opacity': 0.55 },
    }, fillsBeforeId);
    map.addLayer({
      id: OUTSIDE_GRID_LAYER_ID,
      type: 'fill',
      source: OUTSIDE_SOURCE_ID,
      paint: { 'fill-color': OUTSIDE_REACH_COLOUR, 'fill-opacity': 0.04 },
    }, fillsBeforeId);
    map.addLayer({
      id: OUTSIDE_OUTLINE_LAYER_ID,
      type: 'line',
      source: OUTSIDE_SOURCE_ID,
      paint: { 'line-color': OUTSIDE_REACH_COLOUR, 'line-width': 1.2, 'line-dasharray': [2, 1] },
    });
    map.addLayer({
      id: RESPONSE_POINT_LAYER_ID,
      type: 'circle',
      source: POINTS_SOURCE_ID,
      paint: {
        'circle-color': ['match', ['get', 'kind'], ...(Object.entries(RESPONSE_POINT_COLOURS).flat() as [string, string]), '#495057'],
        'circle-radius': 5.5,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    });
  }

  show(areas: ReachAreas | null, outside: OutsideGridCollection | null, points: ResponsePointCollection | null): void {
    this.map.getSource<GeoJSONSource>(AREAS_SOURCE_ID)?.setData(areas ? rankedReachAreas(areas) : EMPTY);
    this.map.getSource<GeoJSONSource>(OUTSIDE_SOURCE_ID)?.setData(outside ?? EMPTY);
    this.map.getSource<GeoJSONSource>(POINTS_SOURCE_ID)?.setData(points ?? EMPTY);
  }
}

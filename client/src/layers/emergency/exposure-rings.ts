import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { buffer, circle } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import type { GeoJSONSource, MapLibreMap } from 'maplibre-gl';
import type { RingExposure } from '../../api/emergency-types';
import type { GridCollection } from '../../api/planning-types';
import { boundsOf } from '../../map/bounds';
import { HALO_LABEL_PROPS } from '../../map/label-font';
import { indexColourExpression, RING_COLOURS, RING_LINE_COLOUR } from './emergency-colours';

type Area = Polygon | MultiPolygon;

export interface RingProperties {
  radiusM: number;
  /** 0 for the innermost ring */
  ring: number;
}

export type RingCollection = FeatureCollection<Area, RingProperties>;

/** A grid some ring reaches, with the innermost ring that does. */
export type ExposedGridCollection = FeatureCollection<Area, { code: string; ring: number }>;

const RING_STEPS = 72;

/**
 * The rings around a source at each distance in metres: circles around a point, buffers around a
 * line or an area; distance 0 is the area itself (nothing for a point or a line).
 * @example ringsAround({ type: 'Point', coordinates: [118.9, 32.1] }, [500, 1000]).features.length // 2
 */
export function ringsAround(source: Geometry, radiiM: number[]): RingCollection {
  const features = radiiM.flatMap((radiusM, ring): Feature<Area, RingProperties>[] => {
    const properties = { radiusM, ring };
    if (source.type === 'Point') {
      if (radiusM === 0) return [];
      return [{ ...circle(source.coordinates, radiusM, { steps: RING_STEPS, units: 'meters' }), properties }];
    }
    if (radiusM === 0) return source.type === 'Polygon' || source.type === 'MultiPolygon' ? [{ type: 'Feature', geometry: source, properties }] : [];
    const buffered = buffer({ type: 'Feature', geometry: source, properties: {} }, radiusM, { units: 'meters', steps: RING_STEPS / 4 });
    return buffered ? [{ ...buffered, properties }] : [];
  });
  return { type: 'FeatureCollection', features };
}

/** The grids of `grids` that the rings reach (they hold households inside), each with its innermost ring. */
export function exposedGridsOf(grids: GridCollection, rings: RingExposure[]): ExposedGridCollection {
  const innermost = new Map<string, number>();
  rings.forEach((ring, index) => {
    for (const grid of ring.grids) if (!innermost.has(grid.code)) innermost.set(grid.code, index);
  });
  const features = grids.features.flatMap((grid) => {
    const ring = innermost.get(grid.properties.code);
    return ring === undefined ? [] : [{ type: 'Feature' as const, geometry: grid.geometry, properties: { code: grid.properties.code, ring } }];
  });
  return { type: 'FeatureCollection', features };
}

const RINGS_SOURCE_ID = 'exposure-rings';
const GRIDS_SOURCE_ID = 'exposed-grids';
/** The exposed grids' fill: answers hovers. */
export const EXPOSED_GRID_LAYER_ID = 'exposed-grid-fill';
/** The rings' outlines, one feature per ring. */
export const RING_OUTLINE_LAYER_ID = 'exposure-ring-outline';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/**
 * Around a hazard (or a what-if point): the exposed grids filled by the innermost ring reaching
 * them (under `fillsBeforeId`, so roads stay readable), and the rings as faint discs with dashed edges.
 */
export class ExposureLayers {
  constructor(
    private readonly map: MapLibreMap,
    fillsBeforeId: string | undefined,
  ) {
    map.addSource(GRIDS_SOURCE_ID, { type: 'geojson', data: EMPTY });
    map.addSource(RINGS_SOURCE_ID, { type: 'geojson', data: EMPTY });
    const ringColour = indexColourExpression('ring', RING_COLOURS);
    map.addLayer({
      id: EXPOSED_GRID_LAYER_ID,
      type: 'fill',
      source: GRIDS_SOURCE_ID,
      paint: { 'fill-color': ringColour, 'fill-opacity': 0.5 },
    }, fillsBeforeId);
    map.addLayer({ id: 'exposed-grid-outline', type: 'line', source: GRIDS_SOURCE_ID, paint: { 'line-color': ringColour, 'line-width': 1.2 } });
    map.addLayer({ id: 'exposure-ring-fill', type: 'fill', source: RINGS_SOURCE_ID, paint: { 'fill-color': RING_LINE_COLOUR, 'fill-opacity': 0.06 } });
    map.addLayer({
      id: RING_OUTLINE_LAYER_ID,
      type: 'line',
      source: RINGS_SOURCE_ID,
      paint: { 'line-color': RING_LINE_COLOUR, 'line-width': 2, 'line-dasharray': [3, 2] },
    });
  }

  show(rings: RingCollection | null, grids: ExposedGridCollection | null): void {
    this.map.getSource<GeoJSONSource>(RINGS_SOURCE_ID)?.setData(rings ?? EMPTY);
    this.map.getSource<GeoJSONSource>(GRIDS_SOURCE_ID)?.setData(grids ?? EMPTY);
  }
}

interface RingLabel {
  text: string;
  position: [number, number];
}

/** The distance of each ring written at its northernmost point. */
export function ringLabelLayer(rings: RingCollection | null): TextLayer<RingLabel> {
  const labels = (rings?.features ?? [])
    .filter((ring) => ring.properties.radiusM > 0)
    .map((ring): RingLabel => {
      const [west, , east, north] = boundsOf([ring]);
      return { text: `${ring.properties.radiusM} m`, position: [(west + east) / 2, north] };
    });
  return new TextLayer<RingLabel>({
    id: 'exposure-ring-labels',
    data: labels,
    characterSet: '0123456789 m',
    ...HALO_LABEL_PROPS,
    fontWeight: 600,
    getText: (label) => label.text,
    getPosition: (label) => label.position,
    getSize: 12,
    getColor: [201, 42, 42],
  });
}

const MARKER_COLOUR: [number, number, number] = [201, 42, 42];

/** The point a what-if hazard was placed at. */
export function whatIfMarkerLayer(point: [number, number] | null): ScatterplotLayer<[number, number]> {
  return new ScatterplotLayer<[number, number]>({
    id: 'what-if-point',
    data: point ? [point] : [],
    getPosition: (position) => position,
    getRadius: 7,
    radiusUnits: 'pixels',
    stroked: true,
    getFillColor: MARKER_COLOUR,
    getLineColor: [255, 255, 255],
    getLineWidth: 2,
    lineWidthUnits: 'pixels',
  });
}

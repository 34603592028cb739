import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { FilterSpecification, GeoJSONSource, MapLibreMap } from 'maplibre-gl';
import type { GridCollection } from '../../api/planning-types';
import type { Alignment, Proposal } from '../../api/overlay-types';
import { addHatchPattern } from '../hatch-pattern';
import { CHANGED_RGB, CONFLICT_COLOUR, proposalColours, WHOLE_COLOUR } from './alignment-colours';

/** What the map needs of a comprehensive grid to draw it against an overlay. */
export interface AlignedGridProperties {
  code: string;
  fill: string;
  /** split between overlay grids today (drawn in the conflict colour); false while previewing */
  split: boolean;
  /** the proposal moves it to another overlay grid (hatched) */
  changed: boolean;
}

export type AlignedGridCollection = FeatureCollection<Polygon | MultiPolygon, AlignedGridProperties>;

const SOURCE_ID = 'police-comprehensive';
/** All comprehensive grids: answers hovers and clicks. */
export const ALIGNED_FILL_LAYER_ID = 'police-comprehensive-fill';
/** The split grids, drawn in the conflict colour (nothing while previewing a proposal). */
export const SPLIT_LAYER_ID = 'police-split-fill';
/** The grids a proposal moves, hatched. */
export const CHANGED_LAYER_ID = 'police-changed-hatch';
const OUTLINE_LAYER_ID = 'police-comprehensive-outline';
const SELECTED_LAYER_ID = 'police-comprehensive-selected';
const HATCH_IMAGE_ID = 'police-changed-hatch';

const EMPTY: AlignedGridCollection = { type: 'FeatureCollection', features: [] };
const codeIs = (code: string | null): FilterSpecification => ['==', ['get', 'code'], code ?? ''];

/**
 * Comprehensive grids coloured for alignment: by today's conflicts (split grids in the conflict
 * colour), or, with a proposal, by the overlay grid each would belong to, moved grids hatched.
 */
export function alignedGrids(grids: GridCollection, alignment: Alignment, proposal: Proposal | null): AlignedGridCollection {
  const split = new Set(alignment.grids.filter((grid) => grid.wholeIn === null).map((grid) => grid.code));
  const proposed = new Map(proposal?.rows.map((row) => [row.code, row]));
  const colours = proposalColours(proposed.size ? [...proposed.values()].map((row) => row.proposed) : []);
  const features = grids.features.map((grid): Feature<Polygon | MultiPolygon, AlignedGridProperties> => {
    const { code } = grid.properties;
    const row = proposed.get(code);
    const properties = proposal
      ? { code, fill: (row && colours.get(row.proposed)) ?? WHOLE_COLOUR, split: false, changed: row?.changed ?? false }
      : { code, fill: WHOLE_COLOUR, split: split.has(code), changed: false };
    return { type: 'Feature', geometry: grid.geometry, properties };
  });
  return { type: 'FeatureCollection', features };
}

/**
 * The comprehensive grids under the overlay: fills, the conflict highlight and the hatch of moved
 * grids go under `fillsBeforeId` (roads stay readable); outlines on top.
 */
export class AlignedGridLayers {
  constructor(
    private readonly map: MapLibreMap,
    fillsBeforeId: string | undefined,
  ) {
    addHatchPattern(map, HATCH_IMAGE_ID, CHANGED_RGB);
    map.addSource(SOURCE_ID, { type: 'geojson', data: EMPTY });
    const base = { source: SOURCE_ID } as const;
    map.addLayer({ ...base, id: ALIGNED_FILL_LAYER_ID, type: 'fill', paint: { 'fill-color': ['get', 'fill'], 'fill-opacity': 0.6 } }, fillsBeforeId);
    map.addLayer({
      ...base,
      id: SPLIT_LAYER_ID,
      type: 'fill',
      filter: ['==', ['get', 'split'], true],
      paint: { 'fill-color': CONFLICT_COLOUR, 'fill-opacity': 0.75 },
    }, fillsBeforeId);
    map.addLayer({
      ...base,
      id: CHANGED_LAYER_ID,
      type: 'fill',
      filter: ['==', ['get', 'changed'], true],
      paint: { 'fill-pattern': HATCH_IMAGE_ID, 'fill-opacity': 0.55 },
    }, fillsBeforeId);
    map.addLayer({
      ...base,
      id: OUTLINE_LAYER_ID,
      type: 'line',
      paint: { 'line-color': '#5b6475', 'line-opacity': 0.7, 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.3, 16, 1.2] },
    });
    map.addLayer({
      ...base,
      id: SELECTED_LAYER_ID,
      type: 'line',
      filter: codeIs(null),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#d6336c', 'line-width': 3.5 },
    });
  }

  setGrids(grids: AlignedGridCollection | null): void {
    this.map.getSource<GeoJSONSource>(SOURCE_ID)?.setData(grids ?? EMPTY);
  }

  /** Outlines one grid as the one looked at; null clears it. */
  select(code: string | null): void {
    this.map.setFilter(SELECTED_LAYER_ID, codeIs(code));
  }

  /** The code of the comprehensive grid under a screen point, if any. */
  gridAt(point: { x: number; y: number }): string | undefined {
    const [feature] = this.map.queryRenderedFeatures([point.x, point.y], { layers: [ALIGNED_FILL_LAYER_ID] });
    const code: unknown = feature?.properties.code;
    return typeof code === 'string' ? code : undefined;
  }
}

import type { ExpressionSpecification, FilterSpecification, GeoJSONSource, MapLibreMap } from 'maplibre-gl';
import type { DiffCollection, GridChange } from '../../api/planning-types';

const SOURCE_ID = 'plan-diff';
const EMPTY: DiffCollection = { type: 'FeatureCollection', features: [] };

/** Colours of the grids that differ between two plans (unchanged grids are not in the diff). */
export const CHANGE_COLOURS: Record<GridChange, string> = {
  reshaped: '#e8590c',
  added: '#2b8a3e',
  removed: '#5f6b7a',
};

const changeColour: ExpressionSpecification = [
  'match',
  ['get', 'change'],
  'reshaped',
  CHANGE_COLOURS.reshaped,
  'added',
  CHANGE_COLOURS.added,
  CHANGE_COLOURS.removed,
];
/** Grids (not micro-grids, which follow them) whose change is one of `changes`. */
const changeIs = (...changes: GridChange[]): FilterSpecification => [
  'all',
  ['!=', ['get', 'kind'], 'micro'],
  ['in', ['get', 'change'], ['literal', changes]],
];

/**
 * The grids two plans disagree on (micro-grids left out): a light fill and a bold outline,
 * dashed where a grid was removed.
 */
export class PlanDiffLayers {
  constructor(private readonly map: MapLibreMap) {
    map.addSource(SOURCE_ID, { type: 'geojson', data: EMPTY });
    const base = { source: SOURCE_ID } as const;
    map.addLayer({
      ...base,
      id: 'plan-diff-fill',
      type: 'fill',
      filter: changeIs('reshaped', 'added'),
      paint: { 'fill-color': changeColour, 'fill-opacity': 0.15 },
    });
    map.addLayer({
      ...base,
      id: 'plan-diff-outline',
      type: 'line',
      filter: changeIs('reshaped', 'added'),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': changeColour, 'line-width': 3 },
    });
    map.addLayer({
      ...base,
      id: 'plan-diff-removed',
      type: 'line',
      filter: changeIs('removed'),
      paint: { 'line-color': CHANGE_COLOURS.removed, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
    });
  }

  setDiff(diff: DiffCollection | null): void {
    this.map.getSource<GeoJSONSource>(SOURCE_ID)?.setData(diff ?? EMPTY);
  }
}

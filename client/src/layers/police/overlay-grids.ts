import { TextLayer } from '@deck.gl/layers';
import { pointOnFeature } from '@turf/turf';
import type { GeoJSONSource, MapLibreMap } from 'maplibre-gl';
import type { LayerGridCollection } from '../../api/layers-api';
import { HALO_LABEL_PROPS } from '../../map/label-font';
import { OVERLAY_OUTLINE_COLOUR } from './alignment-colours';

const SOURCE_ID = 'police-overlay';
const EMPTY: LayerGridCollection = { type: 'FeatureCollection', features: [] };

/** The overlay (police) grids as bold outlines on a white casing, above the comprehensive grids. */
export class OverlayGridLayers {
  constructor(private readonly map: MapLibreMap) {
    map.addSource(SOURCE_ID, { type: 'geojson', data: EMPTY });
    const base = { source: SOURCE_ID, type: 'line', layout: { 'line-join': 'round' } } as const;
    map.addLayer({ ...base, id: 'police-overlay-casing', paint: { 'line-color': '#ffffff', 'line-width': 5, 'line-opacity': 0.8 } });
    map.addLayer({ ...base, id: 'police-overlay-outline', paint: { 'line-color': OVERLAY_OUTLINE_COLOUR, 'line-width': 2.5 } });
  }

  setGrids(grids: LayerGridCollection | null): void {
    this.map.getSource<GeoJSONSource>(SOURCE_ID)?.setData(grids ?? EMPTY);
  }
}

export interface OverlayLabel {
  text: string;
  position: [number, number];
}

/** One label per overlay grid, at a point on its surface: its code, and its name under it. */
export function overlayLabelsOf(grids: LayerGridCollection): OverlayLabel[] {
  return grids.features.map((grid) => {
    const [lng, lat] = pointOnFeature(grid).geometry.coordinates;
    const { code, name } = grid.properties;
    return { text: name ? `${code}\n${name}` : code, position: [lng, lat] };
  });
}

export function overlayLabelLayer(labels: OverlayLabel[]): TextLayer<OverlayLabel> {
  return new TextLayer<OverlayLabel>({
    id: 'police-overlay-labels',
    data: labels,
    characterSet: new Set(labels.flatMap((label) => [...label.text])),
    ...HALO_LABEL_PROPS,
    fontWeight: 600,
    getText: (label) => label.text,
    getPosition: (label) => label.position,
    getSize: 13,
    getColor: [31, 58, 147],
  });
}

import { TextLayer } from '@deck.gl/layers';
import { pointOnFeature } from '@turf/turf';
import type { GridCollection } from '../../api/planning-types';
import { LABEL_FONT_FAMILY } from '../../map/label-font';

export interface GridLabel {
  code: string;
  households: number;
  position: [number, number];
}

/** One label point per non-micro grid: a point on its surface, so concave grids are labelled inside. */
export function gridLabelsOf(grids: GridCollection): GridLabel[] {
  return grids.features
    .filter((grid) => grid.properties.kind !== 'micro')
    .map((grid) => {
      const [lng, lat] = pointOnFeature(grid).geometry.coordinates;
      return { code: grid.properties.code, households: grid.properties.households, position: [lng, lat] };
    });
}

/** The household count of each grid written at its label point (digits only, so the atlas is tiny). */
export function gridLabelLayer(labels: GridLabel[]): TextLayer<GridLabel> {
  return new TextLayer<GridLabel>({
    id: 'plan-grid-labels',
    data: labels,
    characterSet: '0123456789',
    fontFamily: LABEL_FONT_FAMILY,
    fontWeight: 600,
    fontSettings: { sdf: true, fontSize: 48, buffer: 8, radius: 12 },
    outlineWidth: 6,
    outlineColor: [255, 255, 255, 230],
    getText: (label) => String(label.households),
    getPosition: (label) => label.position,
    getSize: 12,
    sizeUnits: 'pixels',
    getColor: [29, 36, 51],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
  });
}

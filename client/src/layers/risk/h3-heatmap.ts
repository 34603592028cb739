import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { getResolution } from 'h3-js';
import type { HeatmapAnswer } from '../../api/risk-types';
import type { Rgba } from './risk-colours';

/** One cell of a heatmap answer, as the layer draws and picks it. */
export interface HexCell {
  cell: string;
  /** events in the window */
  count: number;
  /** the metric's value: count, risk index 0–100 or Gi* z */
  value: number;
  /** risk: percentile rank 0–100 */
  percentile?: number;
  /** hotspot: confidence bin −3…3 */
  bin?: number;
}

const LINE_COLOUR: Rgba = [255, 255, 255, 140];
const HOVER_COLOUR: Rgba = [29, 36, 51, 90];
/** Colours ease from one window to the next, so playback reads as change rather than flicker. */
const FILL_TRANSITION_MS = 300;

/** The deck.gl layer id of the cells of one H3 resolution. */
export const hexLayerId = (resolution: number): string => `risk-h3-r${resolution}`;

/** The column-wise answer as one object per cell. */
export function hexCellsOf(answer: HeatmapAnswer): HexCell[] {
  return answer.cells.map((cell, i) => ({
    cell,
    count: answer.counts[i],
    value: answer.values[i],
    ...(answer.percentiles && { percentile: answer.percentiles[i] }),
    ...(answer.bins && { bin: answer.bins[i] }),
  }));
}

/** Cells grouped by their resolution (small counts may be folded into parent cells), finest first. */
export function cellsByResolution(cells: HexCell[]): Map<number, HexCell[]> {
  const groups = new Map<number, HexCell[]>();
  for (const cell of cells) {
    const resolution = getResolution(cell.cell);
    const group = groups.get(resolution);
    if (group) group.push(cell);
    else groups.set(resolution, [cell]);
  }
  return new Map([...groups].sort(([a], [b]) => b - a));
}

/**
 * The heatmap's H3 hexagons, one layer per resolution (a zoom that changes the resolution makes a
 * new layer rather than morphing the old one's cells). `fill` colours a cell; `fillKey` names the
 * colouring, so a change of metric or domain recolours the cells.
 */
export function h3HeatmapLayers(groups: Map<number, HexCell[]>, fill: (cell: HexCell) => Rgba, fillKey: string): H3HexagonLayer<HexCell>[] {
  return [...groups].map(
    ([resolution, cells]) =>
      new H3HexagonLayer<HexCell>({
        id: hexLayerId(resolution),
        data: cells,
        getHexagon: (cell) => cell.cell,
        getFillColor: fill,
        extruded: false,
        stroked: true,
        getLineColor: LINE_COLOUR,
        lineWidthUnits: 'pixels',
        getLineWidth: 0.5,
        pickable: true,
        autoHighlight: true,
        highlightColor: HOVER_COLOUR,
        updateTriggers: { getFillColor: fillKey },
        transitions: { getFillColor: FILL_TRANSITION_MS },
      }),
  );
}

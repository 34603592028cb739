import type { Layer } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';

type Position = [number, number];

const SKETCH_COLOUR: [number, number, number] = [214, 51, 108];

/** The split line being drawn: a dashed-looking path through the clicked vertices, each one a dot. */
export function splitSketchLayers(vertices: Position[]): Layer[] {
  if (vertices.length === 0) return [];
  return [
    new PathLayer<Position[]>({
      id: 'split-sketch-path',
      data: [vertices],
      getPath: (path) => path,
      getColor: SKETCH_COLOUR,
      getWidth: 3,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }),
    new ScatterplotLayer<Position>({
      id: 'split-sketch-vertices',
      data: vertices,
      getPosition: (vertex) => vertex,
      getRadius: 5,
      radiusUnits: 'pixels',
      getFillColor: [255, 255, 255],
      getLineColor: SKETCH_COLOUR,
      getLineWidth: 2,
      lineWidthUnits: 'pixels',
      stroked: true,
    }),
  ];
}

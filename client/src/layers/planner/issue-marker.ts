import { ScatterplotLayer } from '@deck.gl/layers';

const MARKER_COLOUR: [number, number, number] = [123, 44, 191];

/** A ring at the location of the topology issue being looked at. */
export function issueMarkerLayer(location: [number, number] | null): ScatterplotLayer<[number, number]> {
  return new ScatterplotLayer<[number, number]>({
    id: 'topology-issue-marker',
    data: location ? [location] : [],
    getPosition: (position) => position,
    getRadius: 14,
    radiusUnits: 'pixels',
    stroked: true,
    filled: true,
    getFillColor: [...MARKER_COLOUR, 40],
    getLineColor: MARKER_COLOUR,
    getLineWidth: 3,
    lineWidthUnits: 'pixels',
  });
}

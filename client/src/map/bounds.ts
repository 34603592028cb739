import type { Feature, Geometry, Position } from 'geojson';

/** [minLng, minLat, maxLng, maxLat] in degrees. */
export type BBox = [number, number, number, number];

/**
 * The bounding box of a set of features, from their coordinates.
 * @example boundsOf([{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [118.9, 32.1] } }])
 *   // [118.9, 32.1, 118.9, 32.1]
 */
export function boundsOf(features: Feature<Geometry, unknown>[]): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const feature of features) {
    for (const [lng, lat] of positionsOf(feature.geometry)) {
      box[0] = Math.min(box[0], lng);
      box[1] = Math.min(box[1], lat);
      box[2] = Math.max(box[2], lng);
      box[3] = Math.max(box[3], lat);
    }
  }
  if (!Number.isFinite(box[0])) throw new Error('boundsOf: the features have no coordinates');
  return box;
}

function positionsOf(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positionsOf);
  }
}

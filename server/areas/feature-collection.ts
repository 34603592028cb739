import type { Feature, FeatureCollection } from 'geojson';

/** Turns rows with a `geojson` text column into a paged GeoJSON FeatureCollection. */
export function toFeatureCollection(
  rows: Record<string, unknown>[],
  numberMatched: number,
): FeatureCollection & { numberMatched: number; numberReturned: number } {
  return {
    type: 'FeatureCollection',
    numberMatched,
    numberReturned: rows.length,
    features: rows.map(toFeature),
  };
}

export function toFeature(row: Record<string, unknown>): Feature {
  const { geojson, ...properties } = row;
  return { type: 'Feature', geometry: JSON.parse(geojson as string), properties };
}

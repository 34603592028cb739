import { readFileSync } from 'node:fs';
import type { FeatureCollection, MultiPolygon } from 'geojson';

/** The real parts of the demo, extracted once by scripts/extract-qixia.ts (see data/README.md). */
export interface Division {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community';
  parent_code: string | null;
}

const DATA_DIR = new URL('../../data/qixia/', import.meta.url);

export function readQixiaOutline(): MultiPolygon {
  const fc: FeatureCollection<MultiPolygon> = JSON.parse(readFileSync(new URL('outline.geojson', DATA_DIR), 'utf8'));
  return fc.features[0].geometry;
}

export function readQixiaDivisions(): Division[] {
  return JSON.parse(readFileSync(new URL('divisions.json', DATA_DIR), 'utf8'));
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { Db } from '../../server/db/knex';

export const FIXTURES = fileURLToPath(new URL('../fixtures/import', import.meta.url));
export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

/** Every table an import may write, emptied between tests. */
export async function resetImportTables(db: Db) {
  await db.knex.raw('truncate imports, grids, grid_plans, grid_layers, address_points, barriers, hazard_sources, admin_areas restart identity cascade');
}

export async function countRows(db: Db, table: string): Promise<number> {
  const { rows } = await db.knex.raw(`select count(*)::int as n from ${table}`);
  return rows[0].n;
}

export const fc = (...features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });

export const feature = (geometry: Geometry | null, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Feature =>
  ({ type: 'Feature', properties, geometry, ...extra }) as Feature;

/** A counter-clockwise square ring with its south-west corner at (x, y), side d degrees. */
export const square = (x: number, y: number, d = 0.01) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];

export const polygon = (...rings: number[][][]): Geometry => ({ type: 'Polygon', coordinates: rings });
export const point = (lng: number, lat: number): Geometry => ({ type: 'Point', coordinates: [lng, lat] });

export const area = (code: string, geometry: Geometry | null, props: Record<string, unknown> = {}) =>
  feature(geometry, { code, name: `area ${code}`, level: 'community', ...props });

/** Two valid communities in Qixia; tests append a bad third one (index 2). */
export const goodAreas = () => [
  area('320113001001', polygon(square(118.86, 32.11))),
  area('320113001002', polygon(square(118.88, 32.11))),
];

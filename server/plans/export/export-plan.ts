import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Knex } from 'knex';
import wkx from 'wkx';
import type { GridProperties } from '../../planning/planning.schema';
import { exportRows, type ExportRow } from '../plans.repo';
import type { ExportFormat } from '../plans.schema';
import { toCsv } from './csv';
import type { DbfField } from './dbf';
import { writeGeopackage, type GpkgColumn } from './geopackage';
import { shapefileEntries, type PolygonRings } from './shapefile';
import { zip } from './zip';

export interface ExportFile {
  bytes: Uint8Array;
  contentType: string;
  /** suggested file name, e.g. "综合网格-v2.gpkg" */
  filename: string;
}

export const EXPORT_EXTENSION: Record<ExportFormat, string> = { geojson: 'geojson', gpkg: 'gpkg', shp: 'zip', csv: 'csv' };
export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  geojson: 'application/geo+json',
  gpkg: 'application/geopackage+sqlite3',
  shp: 'application/zip',
  csv: 'text/csv; charset=utf-8',
};

/** The CSV columns, one row per grid; `wkt` is the MULTIPOLYGON in EPSG:4326. */
export const CSV_COLUMNS = ['code', 'kind', 'area_code', 'name', 'households', 'population', 'area_m2', 'polsby_popper', 'parent_grid_code', 'wkt'] as const;

/** GridProperties as attribute columns, in order; `dbf` is the ≤ 10-character shapefile field. */
const ATTRIBUTES: { key: keyof GridProperties; gpkg: GpkgColumn['type']; dbf: DbfField }[] = [
  { key: 'code', gpkg: 'TEXT', dbf: { name: 'code', type: 'C' } },
  { key: 'kind', gpkg: 'TEXT', dbf: { name: 'kind', type: 'C' } },
  { key: 'area_code', gpkg: 'TEXT', dbf: { name: 'area_code', type: 'C', length: 12 } },
  { key: 'name', gpkg: 'TEXT', dbf: { name: 'name', type: 'C' } },
  { key: 'households', gpkg: 'INTEGER', dbf: { name: 'households', type: 'N', length: 10 } },
  { key: 'population', gpkg: 'INTEGER', dbf: { name: 'population', type: 'N', length: 10 } },
  { key: 'area_m2', gpkg: 'DOUBLE', dbf: { name: 'area_m2', type: 'N', length: 19, decimals: 2 } },
  { key: 'polsby_popper', gpkg: 'DOUBLE', dbf: { name: 'polsby_pop', type: 'N', length: 10, decimals: 6 } },
  { key: 'target_min', gpkg: 'DOUBLE', dbf: { name: 'target_min', type: 'N', length: 12, decimals: 0 } },
  { key: 'target_max', gpkg: 'DOUBLE', dbf: { name: 'target_max', type: 'N', length: 12, decimals: 0 } },
  { key: 'in_range', gpkg: 'BOOLEAN', dbf: { name: 'in_range', type: 'L' } },
  { key: 'parent_grid_code', gpkg: 'TEXT', dbf: { name: 'parent_gri', type: 'C' } },
];

const properties = (r: ExportRow): GridProperties => Object.fromEntries(ATTRIBUTES.map((a) => [a.key, r[a.key]])) as unknown as GridProperties;
const geometry = (r: ExportRow) => wkx.Geometry.parse(r.wkb).toGeoJSON() as MultiPolygon | Polygon;

/** Rings of a (Multi)Polygon in the order a shapefile wants: each exterior followed by its holes. */
function ringsOf(g: MultiPolygon | Polygon): PolygonRings {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

/** A file name safe on Windows and in a Content-Disposition header: no path or control characters. */
export const safeFileName = (s: string) => s.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').trim() || 'plan';

/**
 * A plan's grids (optionally one kind) as a downloadable file: GeoJSON FeatureCollection (feature
 * id = grid id, properties = GridProperties), GeoPackage 1.2, zipped Shapefile, or CSV with WKT.
 * Geometries are EPSG:4326, exteriors counter-clockwise (clockwise in the shapefile, as it requires).
 */
export async function exportPlanFile(
  knex: Knex,
  plan: { id: number; name: string; layer_name: string },
  format: ExportFormat,
  kind?: string,
): Promise<ExportFile> {
  const rows = await exportRows(knex, plan.id, kind, format === 'shp' ? 'cw' : 'ccw');
  const base = safeFileName(`${plan.layer_name}-${plan.name}${kind ? `-${kind}` : ''}`);
  const filename = `${base}.${EXPORT_EXTENSION[format]}`;
  const file = (bytes: Uint8Array): ExportFile => ({ bytes, contentType: EXPORT_CONTENT_TYPE[format], filename });

  switch (format) {
    case 'geojson': {
      const fc: FeatureCollection & { name: string } = {
        type: 'FeatureCollection',
        name: `${plan.layer_name} ${plan.name}`,
        features: rows.map((r): Feature => ({ type: 'Feature', id: r.id, properties: properties(r), geometry: geometry(r) })),
      };
      return file(new TextEncoder().encode(JSON.stringify(fc)));
    }
    case 'gpkg':
      return file(
        await writeGeopackage({
          table: 'grids',
          identifier: `${plan.layer_name} ${plan.name}`,
          description: `grid plan ${plan.id}${kind ? `, ${kind} grids` : ''}`,
          columns: ATTRIBUTES.map((a) => ({ name: a.key, type: a.gpkg, notNull: a.key === 'code' })),
          features: rows.map((r) => ({
            wkb: r.wkb,
            envelope: r.envelope,
            values: ATTRIBUTES.map((a) => (a.key === 'in_range' ? (r.in_range ? 1 : 0) : (r[a.key] as string | number | null))),
          })),
        }),
      );
    case 'shp': {
      const entries = shapefileEntries(
        base,
        ATTRIBUTES.map((a) => a.dbf),
        rows.map((r) => ({ rings: r.envelope ? ringsOf(geometry(r)) : null, values: ATTRIBUTES.map((a) => r[a.key]) })),
      );
      return file(zip(entries));
    }
    case 'csv': {
      const csv = toCsv(
        [...CSV_COLUMNS],
        rows.map((r) => CSV_COLUMNS.map((c) => (c === 'wkt' ? wkx.Geometry.parse(r.wkb).toWkt() : r[c]))),
      );
      return file(new TextEncoder().encode(csv));
    }
  }
}

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Feature, Geometry } from 'geojson';
import type { Knex } from 'knex';
import wkx from 'wkx';
import { AppError } from '../http/errors';
import { CSV_BOM, csvLine } from './csv';
import type { ExportFormat } from './export.schema';
import { writeGeopackage } from './geopackage';
import { dbfField, layerPages, type ExportLayer, type ExportRow } from './layer';
import { shapefileEntries, shapeOf, type ShapeType } from './shapefile';
import { zip } from './zip';

export const EXPORT_EXTENSION: Record<ExportFormat, string> = { geojson: 'geojson', gpkg: 'gpkg', shp: 'zip', csv: 'csv' };
export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  geojson: 'application/geo+json',
  gpkg: 'application/geopackage+sqlite3',
  shp: 'application/zip',
  csv: 'text/csv; charset=utf-8',
};

/**
 * GeoPackage and Shapefile files are built in memory (sql.js and the zip need the whole file):
 * a layer with more features is a 413 pointing at the streamed formats. At ~1 KB a grid, the
 * limit keeps a download under ~200 MB of memory.
 */
export const IN_MEMORY_MAX_FEATURES = 200_000;

/** A file name safe on Windows and in a Content-Disposition header: no path or control characters. */
export const safeFileName = (s: string) => s.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').trim() || 'layer';

/** The suggested file name of a layer's export, e.g. "综合网格-v2.gpkg" (a shapefile is a .zip). */
export const exportFileName = (layer: ExportLayer, format: ExportFormat) => `${safeFileName(layer.name)}.${EXPORT_EXTENSION[format]}`;

/** The receiver went away (a cancelled download): stop reading the layer. */
export class ReceiverClosed extends Error {
  constructor() {
    super('the receiver of the export closed the stream');
  }
}

/** Writes `chunk`, waiting for 'drain' when the receiver's buffer is full (so a slow client paces the reads). */
async function put(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (out.destroyed) throw new ReceiverClosed();
  if (out.write(chunk)) return;
  const ac = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: ac.signal }),
      once(out, 'close', { signal: ac.signal }).then(() => {
        throw new ReceiverClosed();
      }),
    ]);
  } finally {
    ac.abort();
  }
}

const geometryOf = (r: ExportRow) => wkx.Geometry.parse(r.wkb).toGeoJSON() as Geometry;

function feature(layer: ExportLayer, r: ExportRow): Feature {
  return {
    type: 'Feature',
    ...(r.featureId === null ? {} : { id: r.featureId }),
    properties: Object.fromEntries(layer.columns.map((c, i) => [c.name, r.values[i]])),
    geometry: geometryOf(r),
  };
}

async function allRows(knex: Knex, layer: ExportLayer, rings: 'ccw' | 'cw', format: ExportFormat): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for await (const page of layerPages(knex, layer, rings)) {
    rows.push(...page);
    if (rows.length > IN_MEMORY_MAX_FEATURES) {
      throw new AppError(
        413,
        'export_too_large',
        `${layer.title} has more than ${IN_MEMORY_MAX_FEATURES.toLocaleString('en-US')} features; ${format} files are built in memory: export it as geojson or csv, which are streamed`,
      );
    }
  }
  return rows;
}

const FALLBACK_SHAPE: Record<ExportLayer['geometryType'], ShapeType> = { MULTIPOLYGON: 'Polygon', POINT: 'Point', GEOMETRY: 'Point' };

/** A GeoPackage or zipped Shapefile of the whole layer, built in memory. */
async function fileBytes(knex: Knex, layer: ExportLayer, format: 'gpkg' | 'shp'): Promise<Uint8Array> {
  if (format === 'gpkg') {
    const rows = await allRows(knex, layer, 'ccw', format);
    return writeGeopackage({
      table: layer.table,
      identifier: layer.title,
      description: layer.description,
      geometryType: layer.geometryType,
      columns: layer.columns.map((c) => ({ name: c.name, type: c.type === 'boolean' ? 'BOOLEAN' : c.type === 'text' ? 'TEXT' : c.type === 'integer' ? 'INTEGER' : 'DOUBLE' })),
      features: rows.map((r) => ({ wkb: r.wkb, envelope: r.envelope, values: r.values.map((v) => (typeof v === 'boolean' ? Number(v) : v)) })),
    });
  }
  const rows = await allRows(knex, layer, 'cw', format);
  const entries = shapefileEntries(
    safeFileName(layer.name),
    layer.columns.map(dbfField),
    rows.map((r) => ({ shape: r.envelope ? shapeOf(geometryOf(r)) : null, values: r.values })),
    FALLBACK_SHAPE[layer.geometryType],
  );
  return zip(entries);
}

/**
 * Writes the layer to `out` in `format`. GeoJSON (a
 * FeatureCollection, exteriors counter-clockwise) and CSV (the columns then `wkt`, UTF-8 with a
 * BOM, CRLF) are streamed page by page as the database answers; GeoPackage and Shapefile are
 * built whole first, so a failure leaves `out` untouched. Does not end `out`.
 */
export async function writeExport(knex: Knex, layer: ExportLayer, format: ExportFormat, out: Writable): Promise<void> {
  if (format === 'gpkg' || format === 'shp') {
    await put(out, await fileBytes(knex, layer, format));
    return;
  }
  let first = true;
  if (format === 'geojson') await put(out, `{"type":"FeatureCollection","name":${JSON.stringify(layer.title)},"features":[`);
  else await put(out, CSV_BOM + csvLine([...layer.columns.map((c) => c.name), 'wkt']));
  for await (const page of layerPages(knex, layer, 'ccw')) {
    const text = format === 'geojson'
      ? (first ? '' : ',') + page.map((r) => JSON.stringify(feature(layer, r))).join(',')
      : page.map((r) => csvLine([...r.values, wkx.Geometry.parse(r.wkb).toWkt()])).join('');
    first = false;
    await put(out, text);
  }
  if (format === 'geojson') await put(out, ']}');
}

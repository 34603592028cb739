import { fileError } from './import-errors';
import { IMPORT_FORMATS, type ImportFormat } from './import.schema';
import { isZip } from './parse-shapefile';

const ALIASES: Record<string, ImportFormat> = {
  geojson: 'geojson', json: 'geojson',
  csv: 'csv',
  shapefile: 'shapefile', shp: 'shapefile', zip: 'shapefile',
  geopackage: 'geopackage', gpkg: 'geopackage',
};

const BY_EXTENSION: Record<string, ImportFormat> = {
  geojson: 'geojson', json: 'geojson', csv: 'csv', zip: 'shapefile', gpkg: 'geopackage',
};

const BY_CONTENT_TYPE: Record<string, ImportFormat> = {
  'application/geo+json': 'geojson',
  'application/json': 'geojson',
  'text/csv': 'csv',
  'application/zip': 'shapefile',
  'application/x-zip-compressed': 'shapefile',
  'application/geopackage+sqlite3': 'geopackage',
};

const unsupported = (message: string) => fileError(415, 'unsupported_format', message);
const supported = IMPORT_FORMATS.join(', ');

/** The format named by a `format` parameter (aliases: json, shp, zip, gpkg); others are a 415. */
export function formatFromParam(name: string): ImportFormat {
  const format = ALIASES[name.toLowerCase()];
  if (!format) throw unsupported(`format '${name}' is not supported; use one of ${supported}`);
  return format;
}

/**
 * The upload's format: the explicit `format` parameter, else the file name's extension, else a
 * specific content type, else the first bytes (zip and SQLite signatures, a JSON brace, a header
 * line with a delimiter).
 */
export function detectFormat(hint: { format?: string; filename?: string; contentType?: string; head: Uint8Array }): ImportFormat {
  if (hint.format !== undefined) return formatFromParam(hint.format);
  const extension = hint.filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (extension === 'shp') throw unsupported('upload a shapefile as a .zip holding its .shp, .shx, .dbf, .prj and .cpg');
  const byName = extension && BY_EXTENSION[extension];
  if (byName) return byName;
  const mime = hint.contentType?.split(';')[0].trim().toLowerCase();
  const byType = mime && BY_CONTENT_TYPE[mime];
  if (byType) return byType;
  const sniffed = sniff(hint.head);
  if (sniffed) return sniffed;
  throw unsupported(`cannot tell the upload's format; pass format= one of ${supported}`);
}

function sniff(head: Uint8Array): ImportFormat | undefined {
  if (isZip(head)) return 'shapefile';
  const text = new TextDecoder().decode(head.subarray(0, 512)).replace(/^\uFEFF/, '');
  if (text.startsWith('SQLite format 3\0')) return 'geopackage';
  if (/^\s*[{[]/.test(text)) return 'geojson';
  const firstLine = text.split(/\r?\n/)[0];
  if (/[,\t;]/.test(firstLine) && /(^|[,\t;"])\s*(lng|lon|longitude|x|lat|latitude|y|经度|纬度|wkt)\s*("|[,\t;]|$)/i.test(firstLine)) return 'csv';
  return undefined;
}

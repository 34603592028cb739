import type { Feature, FeatureCollection, Geometry, Point } from 'geojson';
import wkx from 'wkx';
import { decodeChineseText } from './decode-text';
import { fileError } from './import-errors';

export interface CsvColumns {
  lngColumn?: string;
  latColumn?: string;
}

const LNG_NAMES = ['lng', 'lon', 'long', 'longitude', 'x', '经度'];
const LAT_NAMES = ['lat', 'latitude', 'y', '纬度'];

/**
 * Reads a CSV: one row per feature, every non-empty cell but the geometry's becomes a string
 * property. The geometry is the `wkt` column when there is one (any type, as GDAL and our exports
 * write it) and no lng/lat column was named; else the lng/lat columns give a Point. A coordinate cell that is not a number is kept as
 * the raw string so the structure check reports it against its row like any other bad position.
 */
export function parseCsv(bytes: Uint8Array, columns: CsvColumns = {}): FeatureCollection {
  const [header, ...rows] = splitCsv(decodeChineseText(bytes).replace(/^\uFEFF/, ''));
  if (!header) throw fileError(400, 'invalid_csv', 'the CSV is empty');
  const names = header.map((h) => h.trim());
  const wktAt = columns.lngColumn || columns.latColumn ? -1 : names.findIndex((n) => n.toLowerCase() === 'wkt');
  if (wktAt >= 0) return wktFeatures(names, rows, wktAt);
  const lngAt = findColumn(names, columns.lngColumn, LNG_NAMES, 'longitude', 'lngColumn');
  const latAt = findColumn(names, columns.latColumn, LAT_NAMES, 'latitude', 'latColumn');

  const features: Feature<Point | null>[] = rows.map((cells) => {
    const properties = cellProperties(names, cells, [lngAt, latAt]);
    const lng = cells[lngAt]?.trim() ?? '';
    const lat = cells[latAt]?.trim() ?? '';
    const geometry: Point | null =
      lng === '' && lat === '' ? null : { type: 'Point', coordinates: [toNumber(lng), toNumber(lat)] as number[] };
    return { type: 'Feature', properties, geometry };
  });
  return { type: 'FeatureCollection', features: features as Feature[] };
}

/** The row's non-empty cells by column name, but the geometry's columns. */
function cellProperties(names: string[], cells: string[], geometryAt: number[]): Record<string, string> {
  const properties: Record<string, string> = {};
  names.forEach((name, i) => {
    const value = cells[i]?.trim();
    if (!geometryAt.includes(i) && value) properties[name] = value;
  });
  return properties;
}

/** Features whose geometry is the WKT in column `wktAt`; a cell that is not WKT is a 400 naming its row. */
function wktFeatures(names: string[], rows: string[][], wktAt: number): FeatureCollection {
  const features = rows.map((cells, r): Feature<Geometry | null> => {
    const properties = cellProperties(names, cells, [wktAt]);
    const wkt = cells[wktAt]?.trim() ?? '';
    let geometry: Geometry | null = null;
    if (wkt) {
      try {
        geometry = wkx.Geometry.parse(wkt).toGeoJSON() as Geometry;
      } catch (e) {
        throw fileError(400, 'invalid_csv', `row ${r + 2}: the wkt cell is not WKT (${(e as Error).message}): ${JSON.stringify(wkt.slice(0, 60))}`);
      }
    }
    return { type: 'Feature', properties, geometry };
  });
  return { type: 'FeatureCollection', features: features as Feature[] };
}

function findColumn(names: string[], wanted: string | undefined, defaults: string[], what: string, param: string): number {
  const lower = names.map((n) => n.toLowerCase());
  const candidates = wanted ? [wanted.toLowerCase()] : defaults;
  const at = lower.findIndex((n) => candidates.includes(n));
  if (at >= 0) return at;
  const looked = wanted ? `'${wanted}'` : `one of ${defaults.join(', ')}`;
  throw fileError(400, 'invalid_csv', `the CSV has no ${what} column (looked for ${looked}; name it with ${param}=)`);
}

/** A number when the cell is one, else the cell itself (for the error message). */
function toNumber(cell: string): number | string {
  const n = Number(cell);
  return cell !== '' && !Number.isNaN(n) ? n : cell;
}

/** RFC 4180: quoted cells may hold delimiters, quotes ("") and line breaks; blank lines are skipped. */
export function splitCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', '\t', ';'].reduce((best, d) => (count(firstLine, d) > count(firstLine, best) ? d : best));
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endRow = () => {
    row.push(cell);
    cell = '';
    if (row.some((v) => v !== '')) rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') cell += text[i++];
      else quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else {
      cell += c;
    }
  }
  endRow();
  return rows;
}

const count = (s: string, c: string) => s.split(c).length - 1;

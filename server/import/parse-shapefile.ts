import type { Feature, FeatureCollection } from 'geojson';
import { iter } from 'but-unzip';
import { parseDbf, parseShp } from 'shpjs';
import { fileError } from './import-errors';

/**
 * Reads a zipped ESRI Shapefile (one .shp with its .dbf, optional .prj and .cpg). Coordinates
 * are taken as they are: the .prj must declare WGS84 or CGCS2000 geographic coordinates, since
 * reprojecting from a projected or local CRS is left to GIS software that knows its parameters.
 */
export async function parseShapefile(bytes: Uint8Array): Promise<FeatureCollection> {
  const files = await unzip(bytes);
  const shpNames = [...files.keys()].filter((n) => n.endsWith('.shp'));
  if (shpNames.length === 0) throw fileError(400, 'invalid_shapefile', 'the zip holds no .shp file');
  if (shpNames.length > 1) {
    throw fileError(400, 'invalid_shapefile', `the zip holds ${shpNames.length} shapefiles (${shpNames.join(', ')}); upload one per import`);
  }
  const base = shpNames[0].slice(0, -4);
  const shp = files.get(`${base}.shp`)!;
  const dbf = files.get(`${base}.dbf`);
  const prj = files.get(`${base}.prj`);
  const cpg = files.get(`${base}.cpg`);
  if (prj) assertGeographicPrj(new TextDecoder().decode(prj));

  let geometries: ReturnType<typeof parseShp>;
  let records: Record<string, unknown>[];
  try {
    geometries = parseShp(shp);
    records = dbf ? parseDbf(dbf, dbfEncoding(dbf, cpg)) : [];
  } catch (e) {
    throw fileError(400, 'invalid_shapefile', `the shapefile cannot be read: ${(e as Error).message}`);
  }
  const features: Feature[] = geometries.map((geometry, i) => ({
    type: 'Feature',
    properties: records[i] ?? {},
    geometry: geometry as Feature['geometry'],
  }));
  return { type: 'FeatureCollection', features };
}

/** Zip entries by lower-cased name (without __MACOSX junk); a file that isn't a zip is a 400. */
async function unzip(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const notZip = (why: string) => fileError(400, 'invalid_zip', `the upload is not a valid zip archive: ${why}`);
  if (!isZip(bytes)) throw notZip('it does not start with a zip header');
  // but-unzip searches for this record and, when a small archive has none, searches forever
  if (!hasEndRecord(bytes)) throw notZip('it has no end of central directory record (is it cut short?)');
  try {
    for (const entry of iter(bytes)) {
      if (entry.filename.includes('__MACOSX') || entry.filename.endsWith('/')) continue;
      files.set(entry.filename.toLowerCase(), await entry.read());
    }
  } catch (e) {
    throw notZip((e as Error).message);
  }
  return files;
}

/** An end-of-central-directory signature (PK 5 6) where a zip's must be: in its last 22 bytes + a comment of up to 65,535. */
function hasEndRecord(b: Uint8Array): boolean {
  for (let at = b.length - 22; at >= 0 && at >= b.length - 22 - 0xffff; at--) {
    if (b[at] === 0x50 && b[at + 1] === 0x4b && b[at + 2] === 5 && b[at + 3] === 6) return true;
  }
  return false;
}

/** Local file header or (empty archive) end-of-central-directory signature. */
export const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && b[3] === b[2] + 1;

const GEOGRAPHIC_DATUM = /WGS[ _]?(19)?84|China[ _]2000|CGCS[ _]?2000/i;

/** Accepts a geographic CRS on the WGS84 or CGCS2000 datum; names anything else in the error. */
export function assertGeographicPrj(wkt: string): void {
  const kind = /^\s*(\w+)\s*\[\s*"([^"]*)"/.exec(wkt);
  const name = kind?.[2] ?? wkt.slice(0, 60);
  const datum = /DATUM\s*\[\s*"([^"]*)"/i.exec(wkt)?.[1] ?? '';
  const geographic = kind !== null && /^(GEOGCS|GEOGCRS|GEODCRS)$/i.test(kind[1]);
  if (geographic && GEOGRAPHIC_DATUM.test(datum)) return;
  const what = geographic ? `a geographic CRS on another datum (${name})` : `a projected or unknown CRS (${name})`;
  throw fileError(
    400,
    'crs_not_supported',
    `the .prj declares ${what}; only WGS84 or CGCS2000 longitude/latitude (EPSG:4326, EPSG:4490) can be imported — reproject the data first`,
  );
}

/**
 * The TextDecoder label for the attribute table: from the .cpg (code page numbers like 936 are
 * mapped), else UTF-8, falling back to GB18030 when the records aren't valid UTF-8.
 */
function dbfEncoding(dbf: Uint8Array, cpg: Uint8Array | undefined): string {
  if (cpg) {
    const label = new TextDecoder().decode(cpg).trim().replace(/^ANSI\s+/i, '');
    const codePage: Record<string, string> = { '936': 'gbk', cp936: 'gbk', '54936': 'gb18030', '65001': 'utf-8', '950': 'big5' };
    const encoding = codePage[label.toLowerCase()] ?? label;
    try {
      return new TextDecoder(encoding).encoding;
    } catch {
      throw fileError(400, 'invalid_shapefile', `the .cpg names an unknown encoding '${label}'`);
    }
  }
  const headerLength = dbf.length >= 10 ? dbf[8] | (dbf[9] << 8) : 0;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(dbf.subarray(headerLength));
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

import { writeDbf, type DbfField } from './dbf';
import type { ZipEntry } from './zip';

/** Rings of one polygon shape: closed [x, y] rings, outer rings clockwise and holes counter-clockwise. */
export type PolygonRings = number[][][];

/** ESRI's WKT for WGS 84 longitude/latitude, as ArcGIS and QGIS write it in a .prj. */
export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const SHAPE_NULL = 0;
const SHAPE_POLYGON = 5;

/** The 100-byte header shared by .shp and .shx (lengths in 16-bit words, big-endian; the rest little-endian). */
function header(view: DataView, fileBytes: number, box: number[]) {
  view.setInt32(0, 9994, false);
  view.setInt32(24, fileBytes / 2, false);
  view.setInt32(28, 1000, true);
  view.setInt32(32, SHAPE_POLYGON, true);
  box.forEach((v, i) => view.setFloat64(36 + 8 * i, v, true)); // xmin ymin xmax ymax; z and m stay 0
}

function bounds(rings: PolygonRings): number[] {
  let [xmin, ymin, xmax, ymax] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
  }
  return [xmin, ymin, xmax, ymax];
}

/**
 * The .shp and .shx of polygon shapes (ESRI Shapefile Technical Description, 1998): one record
 * per entry, a null shape for `null`. All rings of a multipolygon go in one record as parts.
 */
export function writeShp(shapes: (PolygonRings | null)[]): { shp: Uint8Array; shx: Uint8Array } {
  const contentBytes = shapes.map((rings) => (rings ? 44 + 4 * rings.length + 16 * rings.reduce((n, r) => n + r.length, 0) : 4));
  const shpBytes = 100 + contentBytes.reduce((n, c) => n + 8 + c, 0);
  const shxBytes = 100 + 8 * shapes.length;
  const shp = new Uint8Array(shpBytes);
  const shx = new Uint8Array(shxBytes);
  const sv = new DataView(shp.buffer);
  const xv = new DataView(shx.buffer);

  const boxes = shapes.filter((s): s is PolygonRings => s !== null && s.length > 0).map(bounds);
  const box = boxes.length
    ? [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))]
    : [0, 0, 0, 0];
  header(sv, shpBytes, box);
  header(xv, shxBytes, box);

  let at = 100;
  shapes.forEach((rings, i) => {
    xv.setInt32(100 + 8 * i, at / 2, false);
    xv.setInt32(104 + 8 * i, contentBytes[i] / 2, false);
    sv.setInt32(at, i + 1, false); // record numbers start at 1
    sv.setInt32(at + 4, contentBytes[i] / 2, false);
    at += 8;
    if (!rings) {
      sv.setInt32(at, SHAPE_NULL, true);
      at += 4;
      return;
    }
    sv.setInt32(at, SHAPE_POLYGON, true);
    bounds(rings).forEach((v, k) => sv.setFloat64(at + 4 + 8 * k, v, true));
    const points = rings.reduce((n, r) => n + r.length, 0);
    sv.setInt32(at + 36, rings.length, true);
    sv.setInt32(at + 40, points, true);
    let p = 0;
    rings.forEach((ring, k) => {
      sv.setInt32(at + 44 + 4 * k, p, true);
      p += ring.length;
    });
    let q = at + 44 + 4 * rings.length;
    for (const ring of rings) {
      for (const [x, y] of ring) {
        sv.setFloat64(q, x, true);
        sv.setFloat64(q + 8, y, true);
        q += 16;
      }
    }
    at = q;
  });
  return { shp, shx };
}

/**
 * A polygon shapefile as zip entries `<name>.shp/.shx/.dbf/.prj/.cpg`: WGS 84 longitude/latitude,
 * attributes in UTF-8 (declared in the .cpg, so Chinese names read back in QGIS, ArcGIS and GDAL).
 */
export function shapefileEntries(
  name: string,
  fields: DbfField[],
  features: { rings: PolygonRings | null; values: unknown[] }[],
): ZipEntry[] {
  const { shp, shx } = writeShp(features.map((f) => f.rings));
  const dbf = writeDbf(fields, features.map((f) => f.values));
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    { name: `${name}.shp`, data: shp },
    { name: `${name}.shx`, data: shx },
    { name: `${name}.dbf`, data: dbf },
    { name: `${name}.prj`, data: text(WGS84_PRJ) },
    { name: `${name}.cpg`, data: text('UTF-8') },
  ];
}

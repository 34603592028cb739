import type { Geometry } from 'geojson';
import { writeDbf, type DbfField } from './dbf';
import { unionEnvelope, type Envelope } from './envelope';
import type { ZipEntry } from './zip';

/** The ESRI shape types written here (2-D); one shapefile holds shapes of one type (or null shapes). */
export const SHAPE_TYPES = { Point: 1, PolyLine: 3, Polygon: 5, MultiPoint: 8 } as const;
export type ShapeType = keyof typeof SHAPE_TYPES;

/**
 * The parts of one shape, each a list of [x, y]: a Point is one part of one position, a
 * MultiPoint one part of its positions; PolyLine parts are lines, Polygon parts closed rings,
 * outer rings clockwise and holes counter-clockwise, each exterior followed by its holes.
 */
export type ShapeParts = number[][][];
export interface Shape {
  type: ShapeType;
  parts: ShapeParts;
}

/** ESRI's WKT for WGS 84 longitude/latitude, as ArcGIS and QGIS write it in a .prj. */
export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const SHAPE_NULL = 0;

/**
 * A GeoJSON geometry as a shape: (Multi)Polygon → Polygon with every ring as a part (rings keep
 * the orientation they come with), (Multi)LineString → PolyLine, Point, MultiPoint.
 *
 * @example shapeOf({ type: 'Point', coordinates: [118.9, 32.1] }) // { type: 'Point', parts: [[[118.9, 32.1]]] }
 */
export function shapeOf(g: Geometry): Shape {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', parts: [[g.coordinates]] };
    case 'MultiPoint':
      return { type: 'MultiPoint', parts: [g.coordinates] };
    case 'LineString':
      return { type: 'PolyLine', parts: [g.coordinates] };
    case 'MultiLineString':
      return { type: 'PolyLine', parts: g.coordinates };
    case 'Polygon':
      return { type: 'Polygon', parts: g.coordinates };
    case 'MultiPolygon':
      return { type: 'Polygon', parts: g.coordinates.flat() };
    case 'GeometryCollection':
      throw new Error('a GeometryCollection has no shapefile shape type');
  }
}

/** Bytes of a record's content (after its 8-byte header). */
function contentBytes(type: ShapeType, parts: ShapeParts | null): number {
  if (!parts) return 4;
  const points = parts.reduce((n, p) => n + p.length, 0);
  if (type === 'Point') return 20;
  if (type === 'MultiPoint') return 40 + 16 * points;
  return 44 + 4 * parts.length + 16 * points;
}

/** The 100-byte header shared by .shp and .shx (lengths in 16-bit words, big-endian; the rest little-endian). */
function header(view: DataView, fileBytes: number, type: ShapeType, box: number[]) {
  view.setInt32(0, 9994, false);
  view.setInt32(24, fileBytes / 2, false);
  view.setInt32(28, 1000, true);
  view.setInt32(32, SHAPE_TYPES[type], true);
  box.forEach((v, i) => view.setFloat64(36 + 8 * i, v, true)); // xmin ymin xmax ymax; z and m stay 0
}

function bounds(parts: ShapeParts): Envelope {
  let [xmin, ymin, xmax, ymax] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const part of parts) {
    for (const [x, y] of part) {
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
  }
  return [xmin, ymin, xmax, ymax];
}

/**
 * The .shp and .shx of shapes of one type (ESRI Shapefile Technical Description, 1998): one
 * record per entry, a null shape for `null`. All rings of a multipolygon go in one record as parts.
 */
export function writeShp(type: ShapeType, shapes: (ShapeParts | null)[]): { shp: Uint8Array; shx: Uint8Array } {
  const sizes = shapes.map((parts) => contentBytes(type, parts));
  const shpBytes = 100 + sizes.reduce((n, c) => n + 8 + c, 0);
  const shxBytes = 100 + 8 * shapes.length;
  const shp = new Uint8Array(shpBytes);
  const shx = new Uint8Array(shxBytes);
  const sv = new DataView(shp.buffer);
  const xv = new DataView(shx.buffer);

  const box = unionEnvelope(shapes.filter((s): s is ShapeParts => s !== null && s.length > 0).map(bounds)) ?? [0, 0, 0, 0];
  header(sv, shpBytes, type, box);
  header(xv, shxBytes, type, box);

  let at = 100;
  const xy = (p: number[]) => {
    sv.setFloat64(at, p[0], true);
    sv.setFloat64(at + 8, p[1], true);
    at += 16;
  };
  shapes.forEach((parts, i) => {
    xv.setInt32(100 + 8 * i, at / 2, false);
    xv.setInt32(104 + 8 * i, sizes[i] / 2, false);
    sv.setInt32(at, i + 1, false); // record numbers start at 1
    sv.setInt32(at + 4, sizes[i] / 2, false);
    at += 8;
    sv.setInt32(at, parts ? SHAPE_TYPES[type] : SHAPE_NULL, true);
    at += 4;
    if (!parts) return;
    if (type === 'Point') return xy(parts[0][0]);
    bounds(parts).forEach((v, k) => sv.setFloat64(at + 8 * k, v, true));
    at += 32;
    const points = parts.reduce((n, p) => n + p.length, 0);
    if (type !== 'MultiPoint') {
      sv.setInt32(at, parts.length, true);
      at += 4;
    }
    sv.setInt32(at, points, true);
    at += 4;
    if (type !== 'MultiPoint') {
      let p = 0;
      for (const part of parts) {
        sv.setInt32(at, p, true);
        at += 4;
        p += part.length;
      }
    }
    for (const part of parts) part.forEach(xy);
  });
  return { shp, shx };
}

/**
 * A shapefile as zip entries `<name>.shp/.shx/.dbf/.prj/.cpg`: WGS 84 longitude/latitude,
 * attributes in UTF-8 (declared in the .cpg, so Chinese names read back in QGIS, ArcGIS and GDAL).
 * Features of several shape types (points and polygons in one layer) make one shapefile per type,
 * `<name>-point`, `<name>-polygon`, …; null shapes and an empty layer take `fallback`.
 */
export function shapefileEntries(
  name: string,
  fields: DbfField[],
  features: { shape: Shape | null; values: unknown[] }[],
  fallback: ShapeType,
): ZipEntry[] {
  const byType = new Map<ShapeType, typeof features>([[fallback, []]]);
  for (const f of features) {
    const type = f.shape?.type ?? fallback;
    const group = byType.get(type) ?? [];
    group.push(f);
    byType.set(type, group);
  }
  if (byType.get(fallback)!.length === 0 && byType.size > 1) byType.delete(fallback);
  const text = (s: string) => new TextEncoder().encode(s);
  return [...byType].flatMap(([type, group]) => {
    const base = byType.size === 1 ? name : `${name}-${type.toLowerCase()}`;
    const { shp, shx } = writeShp(type, group.map((f) => f.shape?.parts ?? null));
    return [
      { name: `${base}.shp`, data: shp },
      { name: `${base}.shx`, data: shx },
      { name: `${base}.dbf`, data: writeDbf(fields, group.map((f) => f.values)) },
      { name: `${base}.prj`, data: text(WGS84_PRJ) },
      { name: `${base}.cpg`, data: text('UTF-8') },
    ];
  });
}

import wkx from 'wkx';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/http/errors';
import { checkCoordinates } from '../../server/import/check-coordinates';
import { readFeatures } from '../../server/import/check-structure';
import { decodeChineseText } from '../../server/import/decode-text';
import { importQuerySchema } from '../../server/import/import.schema';
import { detectFormat } from '../../server/import/detect-format';
import { parseCsv, splitCsv } from '../../server/import/parse-csv';
import { readGpkgGeometry } from '../../server/import/parse-geopackage';
import { assertGeographicPrj } from '../../server/import/parse-shapefile';
import { mapProperties, TARGETS } from '../../server/import/targets';

const bytes = (s: string) => new TextEncoder().encode(s);
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('did not throw');
};

describe('importQuerySchema', () => {
  it('when repair is given bare, true, 1, false or not at all, then it reads as a boolean; crs defaults to wgs84', () => {
    expect(importQuerySchema.parse({ repair: '' })).toEqual({ repair: true, crs: 'wgs84' });
    expect(importQuerySchema.parse({ repair: '1' }).repair).toBe(true);
    expect(importQuerySchema.parse({ repair: 'false' }).repair).toBe(false);
    expect(importQuerySchema.parse({}).repair).toBe(false);
  });
});

describe('splitCsv', () => {
  it('when cells are quoted, then delimiters, doubled quotes and line breaks inside them are kept', () => {
    expect(splitCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', 'z']]);
  });
  it('when the header is tab- or semicolon-separated, then that delimiter is used', () => {
    expect(splitCsv('a\tb\n1\t2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(splitCsv('a;b\n1,5;2')).toEqual([['a', 'b'], ['1,5', '2']]);
  });
});

describe('parseCsv', () => {
  it('when columns are named 经度/纬度 and the file has a BOM, then they are found', () => {
    const fc = parseCsv(bytes('\uFEFF名称,经度,纬度\n仙林,118.9,32.1\n'));
    expect(fc.features[0]).toEqual({ type: 'Feature', properties: { 名称: '仙林' }, geometry: { type: 'Point', coordinates: [118.9, 32.1] } });
  });
  it('when a row has no coordinates at all, then its geometry is null', () => {
    expect(parseCsv(bytes('id,lon,lat\na,,\n')).features[0].geometry).toBeNull();
  });
});

describe('decodeChineseText', () => {
  it('when the bytes are GBK, then they are read as GB18030', () => {
    expect(decodeChineseText(new Uint8Array([0xc4, 0xcf, 0xbe, 0xa9]))).toBe('南京');
    expect(decodeChineseText(bytes('南京'))).toBe('南京');
  });
});

describe('detectFormat', () => {
  const head = (s: string) => bytes(s);
  it.each([
    [{ filename: 'a.GeoJSON', head: head('x') }, 'geojson'],
    [{ filename: 'a.csv', head: head('x') }, 'csv'],
    [{ filename: 'a.gpkg', head: head('x') }, 'geopackage'],
    [{ contentType: 'application/zip', head: head('x') }, 'shapefile'],
    [{ contentType: 'application/octet-stream', head: new Uint8Array([0x50, 0x4b, 3, 4]) }, 'shapefile'],
    [{ head: head('SQLite format 3\0...') }, 'geopackage'],
    [{ head: head('  \n{"type":') }, 'geojson'],
    [{ head: head('id,lng,lat\n1,2,3') }, 'csv'],
    [{ format: 'gpkg', filename: 'a.csv', head: head('x') }, 'geopackage'],
  ])('when given %o, then it is %s', (hint, format) => {
    expect(detectFormat(hint)).toBe(format);
  });
  it('when a bare .shp is given, then 415 asks for the zip', () => {
    const e = thrown(() => detectFormat({ filename: 'roads.shp', head: head('x') }));
    expect(e.status).toBe(415);
    expect(e.message).toMatch(/as a \.zip/);
  });
});

describe('readFeatures', () => {
  const declaring = (name: string) => ({ type: 'FeatureCollection', crs: { type: 'name', properties: { name } }, features: [{}] });
  it.each(['EPSG:4326', 'EPSG:4490', 'urn:ogc:def:crs:EPSG::4326', 'urn:ogc:def:crs:EPSG:6.6:4490', 'urn:ogc:def:crs:OGC:1.3:CRS84'])(
    'when the GeoJSON declares crs %s, then it is accepted',
    (name) => {
      expect(readFeatures(declaring(name))).toHaveLength(1);
    },
  );
  it.each(['EPSG:3857', 'EPSG:4548', 'urn:ogc:def:crs:EPSG::4214'])('when the GeoJSON declares crs %s, then it is rejected', (name) => {
    expect(thrown(() => readFeatures(declaring(name))).code).toBe('crs_not_supported');
  });
  it('when a single Feature is given, then it is the one feature', () => {
    expect(readFeatures({ type: 'Feature', properties: {}, geometry: null })).toHaveLength(1);
  });
});

describe('checkCoordinates', () => {
  it('when a polygon lies in Nanjing, then there is no problem', () => {
    expect(checkCoordinates({ type: 'Polygon', coordinates: [[[118.8, 32], [118.9, 32], [118.9, 32.1], [118.8, 32]]] })).toBeNull();
  });
  it('when only some positions are swapped, then the feature is reported as out of range, not as swapped', () => {
    const p = checkCoordinates({ type: 'LineString', coordinates: [[118.8, 32.1], [32.1, 118.8]] });
    expect(p).toMatchObject({ reason: 'latitude out of range', location: 'POINT(32.1 118.8)' });
  });
  it('when a point is in the sea south of Japan, then it is outside China', () => {
    expect(checkCoordinates({ type: 'Point', coordinates: [139.7, 30.5] })).toMatchObject({ reason: 'outside China' });
  });
});

describe('assertGeographicPrj', () => {
  it.each([
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
    'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]]]',
    'GEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101]]]',
  ])('when the .prj is %s, then it is accepted', (wkt) => {
    expect(() => assertGeographicPrj(wkt)).not.toThrow();
  });
  it.each([
    ['GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]]]', /geographic CRS on another datum \(GCS_Beijing_1954\)/],
    ['GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]]]', /another datum \(GCS_Xian_1980\)/],
    ['PROJCS["WGS_1984_UTM_Zone_50N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]]', /projected or unknown CRS \(WGS_1984_UTM_Zone_50N\)/],
  ])('when the .prj is %s, then it is rejected by name', (wkt, message) => {
    const e = thrown(() => assertGeographicPrj(wkt));
    expect(e.code).toBe('crs_not_supported');
    expect(e.message).toMatch(message);
  });
});

describe('readGpkgGeometry', () => {
  const blob = (flags: number, envelope: number[], wkb: Buffer) => {
    const header = Buffer.alloc(8);
    header.write('GP', 0, 'ascii');
    header[3] = flags;
    header.writeInt32LE(4326, 4);
    const env = Buffer.alloc(envelope.length * 8);
    envelope.forEach((v, i) => env.writeDoubleLE(v, i * 8));
    return new Uint8Array(Buffer.concat([header, env, wkb]));
  };
  it('when the blob has an xy envelope, then the WKB after it is read', () => {
    const wkb = wkx.Geometry.parse('POINT(118.8 32.1)').toWkb();
    expect(readGpkgGeometry(blob(0b011, [118.8, 118.8, 32.1, 32.1], wkb))).toEqual({ type: 'Point', coordinates: [118.8, 32.1] });
  });
  it('when the empty flag is set, then the geometry has no coordinates', () => {
    const wkb = wkx.Geometry.parse('POLYGON EMPTY').toWkb();
    expect(readGpkgGeometry(blob(0b10001, [], wkb))).toEqual({ type: 'Polygon', coordinates: [] });
  });
});

describe('mapProperties', () => {
  it('when DBF-style names are upper-case or truncated, then they still map to columns; the rest stays in properties', () => {
    const mapped = mapProperties(TARGETS.areas, { properties: { CODE: 320113001001, NAME: ' 仙林 ', Level: 'street', PARENT_COD: '320113000000', 备注: 'x' } });
    expect(mapped).toEqual({
      values: { code: '320113001001', name: '仙林', level: 'street', parent_code: '320113000000' },
      rest: { 备注: 'x' },
      problems: [],
    });
  });
  it('when an address point has no id property, then the feature id becomes ext_id and households default to 1', () => {
    const mapped = mapProperties(TARGETS.address_points, { id: 7, properties: { population: '12' } });
    expect(mapped.values).toEqual({ ext_id: '7', households: 1, population: 12, building_id: null, area_code: null });
  });
});

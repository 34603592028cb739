import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { TARGETS } from '../../server/import/targets';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { area, countRows, fc, feature, fixture, goodAreas, point, polygon, square } from './import-helpers';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
/** The uploads' temp files go here (os.tmpdir() reads TMPDIR), so leftovers can be counted. */
let tmp: string;
const savedTmpdir = process.env.TMPDIR;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gridatlas-bad-input-'));
  process.env.TMPDIR = tmp;
  db = await createTestDb();
  http = await serveApp(db, { UPLOAD_LIMIT_MB: '1' });
  // a district already in the database, so "nothing written" is checked against a non-empty table
  const res = await post('areas', json(fc(area('320113000000', polygon(square(118.8, 32.0, 0.3)), { level: 'district' }))));
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
  process.env.TMPDIR = savedTmpdir;
  await rm(tmp, { recursive: true, force: true });
});

function post(target: string, init: RequestInit, query = '') {
  return fetch(http.url(`/api/import/${target}${query ? `?${query}` : ''}`), { method: 'POST', ...init });
}

const json = (value: unknown): RequestInit => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/geo+json' } });
const raw = (body: BodyInit, contentType: string, filename?: string): RequestInit => ({
  body,
  headers: { 'content-type': contentType, ...(filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {}) },
});
const multipart = (bytes: Uint8Array | string, filename: string): RequestInit => {
  const form = new FormData();
  form.set('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]), filename);
  return { body: form };
};
/** Two good areas and a bad one at index 2. */
const withBadArea = (...bad: Parameters<typeof feature>) => json(fc(...goodAreas(), feature(...bad)));
const badAreaProps = (props: Record<string, unknown>) => json(fc(...goodAreas(), feature(polygon(square(118.9, 32.11)), props)));
const nanjing = (lng = 118.8, lat = 32.06) => point(lng, lat);
const oneMiBPlus = 1024 * 1024 + 1;
/** A body sent in chunks, without Content-Length, so the limit must be enforced while streaming. */
const chunked = (bytes: Uint8Array, contentType: string): RequestInit => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.slice(at, at + 64 * 1024));
      controller.close();
    },
  });
  return { body, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit;
};
const multipartBytes = (bytes: Uint8Array, filename: string) => {
  const head = `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return new Uint8Array(Buffer.concat([Buffer.from(head), bytes, Buffer.from('\r\n--XyZ--\r\n')]));
};

interface BadInput {
  what: string;
  target?: string;
  query?: string;
  send: () => RequestInit;
  status: number;
  code: string;
  reason: RegExp;
  /** The feature the message must name (index, and id when it has one). */
  feature?: { index: number; id?: string };
}

const cases: BadInput[] = [
  // geometry structure
  { what: 'an unclosed ring', send: () => withBadArea(polygon(square(118.9, 32.11).slice(0, 4)), { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /ring is not closed/, feature: { index: 2, id: '320113001003' } },
  { what: 'a ring with fewer than 4 positions', send: () => withBadArea(polygon([[118.9, 32.1], [118.91, 32.1], [118.9, 32.1]]), { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /a ring needs at least 4 positions/, feature: { index: 2, id: '320113001003' } },
  { what: 'a self-intersecting bowtie', send: () => withBadArea(polygon([[118.8, 32.0], [118.82, 32.02], [118.82, 32.0], [118.8, 32.02], [118.8, 32.0]]), { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /Self-intersection at POINT\(118\.81 32\.01\) \(pass repair=true to fix it with ST_MakeValid\)/, feature: { index: 2, id: '320113001003' } },
  { what: 'a ring that touches itself', send: () => withBadArea(polygon([[118.8, 32.0], [118.82, 32.0], [118.82, 32.02], [118.81, 32.0], [118.8, 32.02], [118.8, 32.0]]), { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /Ring Self-intersection at POINT\(118\.81 32\)/, feature: { index: 2, id: '320113001003' } },
  { what: 'a hole outside its shell', send: () => withBadArea(polygon(square(118.8, 32.0), square(118.9, 32.0)), { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /Hole lies outside shell/, feature: { index: 2, id: '320113001003' } },
  // found by test/fuzz: PostgreSQL text and jsonb cannot hold U+0000, and the insert failed with a 500
  { what: 'a property named with a NUL character', send: () => badAreaProps({ code: '320113001003', name: 'x', level: 'community', '\u0000': 'dfsoO' }),
    status: 400, code: 'invalid_features', reason: /"properties\.\\u0000" holds a NUL character or an unpaired surrogate/, feature: { index: 2, id: '320113001003' } },
  { what: 'a property value with a NUL character or a lone surrogate', send: () => badAreaProps({ code: '320113001003', name: 'x', level: 'community', note: ['a\u0000b'], other: '\ud800' }),
    status: 400, code: 'invalid_features', reason: /"properties\.note\.0" holds a NUL character/, feature: { index: 2, id: '320113001003' } },
  // found by test/fuzz: but-unzip searched forever for the end record of a short archive, and the server hung
  { what: 'a zip cut short after its first bytes', send: () => raw(Buffer.from('UEsDBG1nJokEAYsC', 'base64'), 'application/zip'),
    status: 400, code: 'invalid_zip', reason: /no end of central directory record/ },
  { what: 'a CSV id with a NUL character', target: 'hazards', send: () => raw('id,type,wkt\r\n\u0000,gas_station,POINT (118.9 32.1)\r\nh-2,gas_station,POINT (118.9 32.1)\r\n', 'text/csv'),
    status: 400, code: 'invalid_features', reason: /"properties\.id" holds a NUL character/, feature: { index: 0, id: '\u0000' } },
  { what: 'a NaN coordinate (a string in JSON)', send: () => withBadArea(polygon([[118.8, 'NaN'] as never, ...square(118.8, 32.0).slice(1)]), { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /^[^;]*coordinate is not a number \("NaN" in \[118\.8, "NaN"\]\)$/, feature: { index: 2, id: '320113001003' } },
  { what: 'an infinite coordinate (1e400)', send: () => raw(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"320113001003","name":"x","level":"community"},"geometry":{"type":"Polygon","coordinates":[[[118.8,32],[1e400,32],[118.81,32.01],[118.8,32]]]}}]}`, 'application/geo+json'),
    status: 400, code: 'invalid_features', reason: /coordinate is not finite/, feature: { index: 0, id: '320113001003' } },
  { what: 'a latitude out of range', target: 'address_points', send: () => json(fc(feature(nanjing()), feature(nanjing(118.81)), feature(point(118.8, 95), { id: 'p-3' }))),
    status: 400, code: 'invalid_features', reason: /latitude out of range at POINT\(118\.8 95\)/, feature: { index: 2, id: 'p-3' } },
  { what: 'a longitude out of range', target: 'address_points', send: () => json(fc(feature(nanjing()), feature(nanjing(118.81)), feature(point(190, 32), { id: 'p-3' }))),
    status: 400, code: 'invalid_features', reason: /longitude out of range at POINT\(190 32\)/, feature: { index: 2, id: 'p-3' } },
  { what: 'swapped latitude and longitude (Nanjing as [32.1, 118.8])', target: 'address_points', send: () => json(fc(feature(nanjing()), feature(nanjing(118.81)), feature(point(32.1, 118.8), { id: 'p-3' }))),
    status: 400, code: 'invalid_features', reason: /latitude and longitude look swapped/, feature: { index: 2, id: 'p-3' } },
  { what: 'a point outside China (Paris)', target: 'address_points', send: () => json(fc(feature(nanjing()), feature(nanjing(118.81)), feature(point(2.35, 48.85), { id: 'p-3' }))),
    status: 400, code: 'invalid_features', reason: /outside China at POINT\(2\.35 48\.85\)/, feature: { index: 2, id: 'p-3' } },
  { what: 'an empty geometry', send: () => withBadArea({ type: 'Polygon', coordinates: [] }, { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /geometry is empty/, feature: { index: 2, id: '320113001003' } },
  { what: 'a null geometry', send: () => withBadArea(null, { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /geometry is null/, feature: { index: 2, id: '320113001003' } },
  { what: 'a GeometryCollection', target: 'hazards', send: () => json(fc(feature(nanjing(), { type: 'gas_station' }), feature(nanjing(118.81), { type: 'gas_station' }),
      feature({ type: 'GeometryCollection', geometries: [nanjing()] } as never, { id: 'h-3', type: 'gas_station' }))),
    status: 400, code: 'invalid_features', reason: /GeometryCollection is not supported/, feature: { index: 2, id: 'h-3' } },
  { what: 'a Point into areas', send: () => withBadArea(nanjing(), { code: '320113001003', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /geometry type "Point" is not allowed here \(expected Polygon or MultiPolygon\)/, feature: { index: 2, id: '320113001003' } },
  { what: 'a LineString of one position into barriers', target: 'barriers', send: () => json(fc(feature({ type: 'LineString', coordinates: [[118.8, 32.1]] }, { id: 'b-1', class: 'road' }))),
    status: 400, code: 'invalid_features', reason: /a LineString needs at least 2 positions/, feature: { index: 0, id: 'b-1' } },
  { what: 'a feature without its "properties" member', target: 'address_points', send: () => json(fc({ type: 'Feature', geometry: nanjing(), id: 'p-1' } as never)),
    status: 400, code: 'invalid_features', reason: /invalid GeoJSON feature.*must have a member with the name "properties"/, feature: { index: 0, id: 'p-1' } },
  // identities and properties
  { what: 'duplicate ids in the upload', target: 'address_points', send: () => json(fc(feature(nanjing(), { id: 'a-1' }), feature(nanjing(118.81), { id: 'a-2' }), feature(nanjing(118.82), { id: 'a-1' }))),
    status: 400, code: 'invalid_features', reason: /duplicate id 'a-1' in the upload \(first used by feature 0\)/, feature: { index: 2, id: 'a-1' } },
  { what: 'an area without code', send: () => badAreaProps({ name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /missing required property 'code'/, feature: { index: 2 } },
  { what: 'an 11-digit code', send: () => badAreaProps({ code: '32011300100', name: 'x', level: 'community' }),
    status: 400, code: 'invalid_features', reason: /property 'code' must be a 12-digit statistical code, got "32011300100" \(11 digits\)/, feature: { index: 2 } },
  { what: 'an unknown level', send: () => badAreaProps({ code: '320113001003', name: 'x', level: 'province' }),
    status: 400, code: 'invalid_features', reason: /property 'level' must be one of district, street, community/, feature: { index: 2, id: '320113001003' } },
  { what: 'an unknown parent_code', send: () => badAreaProps({ code: '320113001003', name: 'x', level: 'community', parent_code: '320113999000' }),
    status: 400, code: 'invalid_features', reason: /property 'parent_code' names an unknown area '320113999000'/, feature: { index: 2, id: '320113001003' } },
  { what: 'an address point in an unknown area', target: 'address_points', send: () => json(fc(feature(nanjing(), { id: 'a-1', area_code: '320113999999' }))),
    status: 400, code: 'invalid_features', reason: /property 'area_code' names an unknown area '320113999999' \(not in the database\)/, feature: { index: 0, id: 'a-1' } },
  { what: 'negative households', target: 'address_points', send: () => json(fc(feature(nanjing(), { id: 'a-1', households: -3 }))),
    status: 400, code: 'invalid_features', reason: /property 'households' must be a whole number ≥ 0, got -3/, feature: { index: 0, id: 'a-1' } },
  { what: 'an unknown barrier class', target: 'barriers', send: () => json(fc(feature({ type: 'LineString', coordinates: [[118.8, 32.1], [118.9, 32.1]] }, { id: 'b-1', class: 'wall' }))),
    status: 400, code: 'invalid_features', reason: /property 'class' must be one of road, river, rail, got "wall"/, feature: { index: 0, id: 'b-1' } },
  // the upload as a whole
  { what: 'a body that is not JSON', send: () => raw('{"type": "FeatureCollection", features: [', 'application/json'),
    status: 400, code: 'invalid_json', reason: /the upload is not valid JSON/ },
  { what: 'JSON that is not GeoJSON', send: () => json({ hello: 'world' }),
    status: 400, code: 'not_geojson', reason: /expected a GeoJSON FeatureCollection or Feature, got an object without a "type" member/ },
  { what: 'a FeatureCollection without features', send: () => json(fc()),
    status: 400, code: 'no_features', reason: /the upload holds no features/ },
  { what: 'a crs declaration of EPSG:3857', send: () => json({ ...fc(...goodAreas()), crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } } }),
    status: 400, code: 'crs_not_supported', reason: /declares crs "urn:ogc:def:crs:EPSG::3857"; only EPSG:4326, EPSG:4490 or CRS84/ },
  { what: 'a shapefile zip without .shp', send: () => raw(fixture('no-shp.zip'), 'application/zip'),
    status: 400, code: 'invalid_shapefile', reason: /the zip holds no \.shp file/ },
  { what: 'a .zip that is not a zip', send: () => multipart('just some text', 'areas.zip'),
    status: 400, code: 'invalid_zip', reason: /not a valid zip archive/ },
  { what: 'a shapefile in a projected CRS (.prj)', send: () => multipart(fixture('areas-gk117.zip'), 'areas-gk117.zip'),
    status: 400, code: 'crs_not_supported', reason: /\.prj declares a projected or unknown CRS \(CGCS2000_3_Degree_GK_CM_117E\)/ },
  { what: 'a truncated GeoPackage', send: () => raw(fixture('areas.gpkg').subarray(0, 5000), 'application/geopackage+sqlite3'),
    status: 400, code: 'invalid_geopackage', reason: /not a valid GeoPackage/ },
  { what: 'a GeoPackage in EPSG:3857', send: () => multipart(fixture('areas-3857.gpkg'), 'areas-3857.gpkg'),
    status: 400, code: 'crs_not_supported', reason: /GeoPackage layer 'areas' is in EPSG:3857/ },
  { what: 'a CSV with a non-numeric lat', target: 'address_points', send: () => raw('id,lng,lat\na-1,118.80,32.06\na-2,118.81,32.07\na-3,118.82,abc\n', 'text/csv'),
    status: 400, code: 'invalid_features', reason: /coordinate is not a number \("abc" in \[118\.82, "abc"\]\)/, feature: { index: 2, id: 'a-3' } },
  { what: 'a CSV without a latitude column', target: 'address_points', send: () => raw('id,lng,height\na-1,118.80,32.06\n', 'text/csv'),
    status: 400, code: 'invalid_csv', reason: /the CSV has no latitude column/ },
  { what: 'an oversize raw upload', send: () => raw(new Uint8Array(oneMiBPlus).fill(32), 'application/geo+json'),
    status: 413, code: 'upload_too_large', reason: /^the upload to POST \/api\/import\/areas exceeds the 1 MiB limit \(UPLOAD_LIMIT_MB\); nothing was written$/ },
  { what: 'an oversize multipart upload', send: () => multipart(new Uint8Array(oneMiBPlus).fill(32), 'big.geojson'),
    status: 413, code: 'upload_too_large', reason: /^the upload to POST \/api\/import\/areas exceeds the 1 MiB limit \(UPLOAD_LIMIT_MB\); nothing was written$/ },
  { what: 'an oversize chunked raw upload', send: () => chunked(new Uint8Array(oneMiBPlus).fill(32), 'application/geo+json'),
    status: 413, code: 'upload_too_large', reason: /^the upload to POST \/api\/import\/areas exceeds the 1 MiB limit \(UPLOAD_LIMIT_MB\); nothing was written$/ },
  { what: 'an oversize chunked multipart upload', send: () => chunked(multipartBytes(new Uint8Array(oneMiBPlus).fill(32), 'big.geojson'), 'multipart/form-data; boundary=XyZ'),
    status: 413, code: 'upload_too_large', reason: /^the upload to POST \/api\/import\/areas exceeds the 1 MiB limit \(UPLOAD_LIMIT_MB\); nothing was written$/ },
  { what: 'an empty body', send: () => raw('', 'application/geo+json'),
    status: 400, code: 'empty_upload', reason: /the upload is empty/ },
  { what: 'a multipart upload without a file field', send: () => { const f = new FormData(); f.set('other', 'x'); return { body: f }; },
    status: 400, code: 'missing_file', reason: /no 'file' field/ },
  { what: 'an unknown format', query: 'format=kml', send: () => raw('<kml/>', 'application/octet-stream'),
    status: 415, code: 'unsupported_format', reason: /format 'kml' is not supported; use one of geojson, csv, shapefile, geopackage/ },
  { what: 'content whose format cannot be told', send: () => raw('hello world', 'application/octet-stream'),
    status: 415, code: 'unsupported_format', reason: /cannot tell the upload's format/ },
  // the request
  { what: 'an unknown target', target: 'rivers', send: () => json(fc(...goodAreas())),
    status: 404, code: 'unknown_target', reason: /unknown import target 'rivers'; valid targets: areas, address_points, barriers, grids, hazards, response_points/ },
  { what: 'an invalid crs parameter', query: 'crs=utm50', send: () => json(fc(...goodAreas())),
    status: 400, code: 'invalid_query', reason: /query parameter 'crs'/ },
  { what: 'a misspelt parameter', query: 'reapir=true', send: () => json(fc(...goodAreas())),
    status: 400, code: 'invalid_query', reason: /unknown query parameter 'reapir'/ },
  { what: 'grids without a layer', target: 'grids', query: 'kind=police', send: () => json(fc(feature(polygon(square(118.8, 32.0)), { code: 'g-1' }))),
    status: 400, code: 'invalid_param', reason: /importing grids needs the 'layer' parameter/ },
];

describe('import rejects bad input and writes nothing', () => {
  it.each(cases)('when the upload has $what, then $status $code', async (c) => {
    const target = c.target ?? 'areas';
    const table = TARGETS[target as keyof typeof TARGETS]?.table ?? 'admin_areas';
    const before = { rows: await countRows(db, table), imports: await countRows(db, 'imports') };

    const res = await post(target, c.send(), c.query);
    const body = await res.json();

    expect(res.status, JSON.stringify(body)).toBe(c.status);
    expect(body.error.code).toBe(c.code);
    expect(body.error.message).toMatch(c.reason);
    if (c.feature) {
      const named = `feature ${c.feature.index}${c.feature.id ? ` (id '${c.feature.id}')` : ''}: `;
      expect(body.error.message.startsWith(named), body.error.message).toBe(true);
      expect(body.error.details.errors[0]).toMatchObject({ index: c.feature.index, id: c.feature.id ?? null });
      expect(body.error.details.total).toBeGreaterThanOrEqual(1);
    }
    expect({ rows: await countRows(db, table), imports: await countRows(db, 'imports') }).toEqual(before);
  });

  it('when several features fail in different ways, then all are listed in upload order and none is written', async () => {
    const before = await countRows(db, 'admin_areas');
    const res = await post('areas', json(fc(
      area('320113001003', polygon([[118.8, 32.0], [118.82, 32.02], [118.82, 32.0], [118.8, 32.02], [118.8, 32.0]])), // PostGIS: bowtie
      feature(polygon(square(118.9, 32.11)), { code: '320113001004', level: 'community' }), // no name
      ...goodAreas(),
      area('320113001005', polygon(square(118.9, 32.11).slice(0, 4))), // unclosed
    )));
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body.error.details.total).toBe(3);
    expect(body.error.details.errors.map((e: { index: number }) => e.index)).toEqual([0, 1, 4]);
    expect(body.error.details.errors.map((e: { reason: string }) => e.reason)).toEqual([
      'Self-intersection',
      "missing required property 'name'",
      'ring is not closed',
    ]);
    expect(body.error.details.errors[0].location).toBe('POINT(118.81 32.01)');
    expect(body.error.message).toMatch(/^feature 0 \(id '320113001003'\): Self-intersection at POINT.*; and 2 more errors$/);
    expect(await countRows(db, 'admin_areas')).toBe(before);
  });

  it('when 150 features fail, then 100 are listed and the total says 150', async () => {
    const points = Array.from({ length: 150 }, (_, i) => feature(point(2.35, 48.85), { id: `p-${i}` }));
    const res = await post('address_points', json(fc(...points)));
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body.error.details.errors).toHaveLength(100);
    expect(body.error.details.total).toBe(150);
    expect(body.error.message).toMatch(/and 149 more errors$/);
  });

  it('when an upload repeats a key already in the table, then 409 names the feature and nothing is written', async () => {
    const before = { rows: await countRows(db, 'admin_areas'), imports: await countRows(db, 'imports') };
    const res = await post('areas', json(fc(...goodAreas(), area('320113000000', polygon(square(118.8, 32.0, 0.3)), { level: 'district' }))));
    const body = await res.json();
    expect(res.status).toBe(409);
    expect(body.error.code).toBe('duplicate_key');
    expect(body.error.message).toBe("feature 2 (id '320113000000'): code '320113000000' already exists in admin_areas");
    expect({ rows: await countRows(db, 'admin_areas'), imports: await countRows(db, 'imports') }).toEqual(before);
  });

  it('when all those uploads have been answered, then no temp file is left behind', async () => {
    expect(os.tmpdir()).toBe(tmp);
    expect(await readdir(tmp)).toEqual([]);
  });
});

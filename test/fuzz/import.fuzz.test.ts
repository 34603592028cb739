/**
 * Fuzz of POST /api/import/:target (issue 6): valid uploads — GeoJSON areas and grids, CSV with
 * WKT, the zipped shapefile and GeoPackage fixtures — mutated by fast-check (features dropped,
 * repeated, reordered; coordinates, rings, geometry types and properties corrupted; bytes
 * truncated, flipped, re-encoded), and random bytes and JSON. Every answer must be below 500, the
 * server must still answer, and the tables must have grown by exactly what a 201 says — by
 * nothing at all after a 4xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { fixture } from '../import/import-helpers';
import { byteMutation, countRows, expectHealthy, fuzzParams, mutateBytes, nastyString, pick, shuffle, weirdNumber, wrongValue, type ByteMutation } from './fuzz-helpers';

const TABLES = ['admin_areas', 'grids', 'grid_plans', 'grid_layers', 'address_points', 'barriers', 'hazard_sources', 'response_points', 'imports'] as const;
const TABLE_OF: Record<string, (typeof TABLES)[number]> = {
  areas: 'admin_areas', grids: 'grids', address_points: 'address_points', barriers: 'barriers', hazards: 'hazard_sources', response_points: 'response_points',
};
/** Codes of the areas in the shapefile and GeoPackage fixtures, children first. */
const FIXTURE_CODES = ['320113001001', '320113001000', '320113000000'];
/** An area already in the database that uploaded areas and grids name as their parent / area. */
const CITY = '320100000000';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
/** Numbers each run, so the keys of a valid upload are new to the table. */
let run = 0;

beforeAll(async () => {
  db = await createTestDb();
  http = await serveApp(db, { UPLOAD_LIMIT_MB: '1', RATE_LIMIT_PER_MINUTE: '0' });
  await db.knex.raw(`insert into admin_areas (code, name, level, geom) values (?, '南京市辖区', 'district', ST_Multi(ST_MakeEnvelope(118.3, 31.2, 119.3, 32.6, 4326)))`, [CITY]);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

interface Upload {
  target: string;
  query: string;
  bytes: Uint8Array;
  transport: Transport;
}
type Transport = { kind: 'raw'; contentType: string } | { kind: 'multipart'; filename: string };

/**
 * Posts an upload and checks the invariants: no 5xx, the server still answers, a 4xx wrote
 * nothing, a 201 wrote exactly `inserted` rows (and one `imports` row). Returns the answer.
 */
async function postAndCheck(u: Upload): Promise<{ status: number; body: { inserted?: number; error?: { code: string } } }> {
  const before = await countRows(db, TABLES);
  const init: RequestInit =
    u.transport.kind === 'raw'
      ? { method: 'POST', body: new Uint8Array(u.bytes), headers: { 'content-type': u.transport.contentType } }
      : (() => {
          const form = new FormData();
          form.set('file', new Blob([new Uint8Array(u.bytes)]), u.transport.filename);
          return { method: 'POST', body: form };
        })();
  // a request that hangs fails the property (with its counterexample) instead of the test's timeout
  const res = await fetch(http.url(`/api/import/${u.target}${u.query ? `?${u.query}` : ''}`), { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBeLessThan(500);
  const body = JSON.parse(text);
  await expectHealthy(http.url);
  const after = await countRows(db, TABLES);
  if (res.status >= 400) {
    expect(body.error?.code, text.slice(0, 500)).toEqual(expect.any(String));
    expect(after, `${res.status} ${text.slice(0, 300)}`).toEqual(before);
  } else {
    expect(res.status).toBe(201);
    const table = TABLE_OF[u.target];
    const expected: Record<string, number> = { ...before, [table]: before[table] + body.inserted, imports: before.imports + 1 };
    if (u.target === 'grids') {
      // the layer and the plan are created when missing
      expected.grid_layers = after.grid_layers;
      expected.grid_plans = after.grid_plans;
      expect(after.grid_layers - before.grid_layers).toBeGreaterThanOrEqual(0);
      expect(after.grid_layers - before.grid_layers).toBeLessThanOrEqual(1);
      expect(after.grid_plans - before.grid_plans).toBeGreaterThanOrEqual(0);
      expect(after.grid_plans - before.grid_plans).toBeLessThanOrEqual(1);
    }
    expect(after, text).toEqual(expected);
  }
  return { status: res.status, body };
}

// ---- GeoJSON areas and grids -------------------------------------------------------------------

type Op =
  | { kind: 'drop' | 'dup'; at: number }
  | { kind: 'shuffle'; seed: number }
  | { kind: 'coord'; at: number; pos: number; axis: number; value: unknown }
  | { kind: 'ring'; at: number; how: 'tooFew' | 'unclosed' | 'bowtie' | 'empty' | 'flat' | 'deep' | 'spike' | 'hole-outside' | 'swap' | 'gcj-out' | 'z' }
  | { kind: 'prop'; at: number; key: string; value: unknown }
  | { kind: 'noProps'; at: number; value: unknown }
  | { kind: 'geomType'; at: number; type: unknown }
  | { kind: 'geometry'; at: number; value: unknown }
  | { kind: 'feature'; at: number; value: unknown }
  | { kind: 'top'; key: string; value: unknown };

const at = fc.nat({ max: 20 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('drop' as const, 'dup' as const), at }),
  fc.record({ kind: fc.constant('shuffle' as const), seed: fc.nat() }),
  { arbitrary: fc.record({ kind: fc.constant('coord' as const), at, pos: fc.nat({ max: 4 }), axis: fc.nat({ max: 2 }), value: weirdNumber() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('ring' as const), at, how: fc.constantFrom('tooFew' as const, 'unclosed' as const, 'bowtie' as const, 'empty' as const, 'flat' as const, 'deep' as const, 'spike' as const, 'hole-outside' as const, 'swap' as const, 'gcj-out' as const, 'z' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('prop' as const), at, key: fc.constantFrom('code', 'name', 'level', 'parent_code', 'area_code', 'CODE', 'remark', '', '\u0000'), value: wrongValue() }), weight: 3 },
  fc.record({ kind: fc.constant('noProps' as const), at, value: fc.constantFrom<unknown>(null, [], 'x', 1) }),
  fc.record({ kind: fc.constant('geomType' as const), at, type: fc.constantFrom<unknown>('Point', 'LineString', 'MultiPolygon', 'GeometryCollection', 'polygon', '', null, 7) }),
  fc.record({ kind: fc.constant('geometry' as const), at, value: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 3 })) }),
  fc.record({ kind: fc.constant('feature' as const), at, value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('top' as const),
    key: fc.constantFrom('type', 'features', 'crs', 'bbox'),
    value: fc.oneof(fc.constantFrom<unknown>('Feature', 'FeatureCollection', { type: 'name', properties: { name: 'EPSG:3857' } }, { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } }), fc.jsonValue({ maxDepth: 2 })),
  }),
);

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Applies one structural mutation to a FeatureCollection (in place). */
function applyOp(doc: Json, o: Op) {
  const features: Json[] = Array.isArray(doc.features) ? doc.features : [];
  const f = 'at' in o ? pick(features, o.at) : undefined;
  const ring: Json[] | undefined = Array.isArray(f?.geometry?.coordinates?.[0]) ? f.geometry.coordinates[0] : undefined;
  switch (o.kind) {
    case 'drop':
      if (features.length) features.splice(o.at % features.length, 1);
      return;
    case 'dup':
      if (f) features.push(structuredClone(f));
      return;
    case 'shuffle':
      doc.features = shuffle(features, o.seed);
      return;
    case 'coord':
      if (ring && Array.isArray(ring[o.pos % ring.length])) ring[o.pos % ring.length][o.axis] = o.value;
      return;
    case 'ring':
      if (!f?.geometry || !ring) return;
      switch (o.how) {
        case 'tooFew': f.geometry.coordinates[0] = ring.slice(0, 3); return;
        case 'unclosed': ring.pop(); return;
        case 'bowtie': [ring[1], ring[2]] = [ring[2], ring[1]]; return;
        case 'empty': f.geometry.coordinates = []; return;
        case 'flat': f.geometry.coordinates[0] = [ring[0], ring[1], ring[1], ring[0]]; return;
        case 'deep': f.geometry.coordinates = [f.geometry.coordinates]; return;
        case 'spike': ring.splice(1, 0, [ring[0][0] + 0.005, ring[0][1] - 0.02], ring[0]); return;
        case 'hole-outside': f.geometry.coordinates.push(ring.map(([x, y]: number[]) => [x + 1, y + 1]).reverse()); return;
        case 'swap': f.geometry.coordinates[0] = ring.map(([x, y]: number[]) => [y, x]); return;
        case 'gcj-out': f.geometry.coordinates[0] = ring.map(([x, y]: number[]) => [x - 60, y]); return;
        case 'z': f.geometry.coordinates[0] = ring.map(([x, y]: number[]) => [x, y, 12.5]); return;
      }
      return;
    case 'prop':
      if (f && typeof f.properties === 'object' && f.properties) f.properties[o.key] = o.value;
      return;
    case 'noProps':
      if (f) f.properties = o.value;
      return;
    case 'geomType':
      if (f?.geometry) f.geometry.type = o.type;
      return;
    case 'geometry':
      if (f) f.geometry = o.value;
      return;
    case 'feature':
      if (features.length) features[o.at % features.length] = o.value;
      return;
    case 'top':
      doc[o.key] = o.value;
      return;
  }
}

const square = (x: number, y: number, d = 0.01) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];

/** A valid FeatureCollection of `n` areas (or grids) with keys new to the table. */
function validCollection(target: 'areas' | 'grids', n: number): Json {
  const r = ++run;
  return {
    type: 'FeatureCollection',
    features: Array.from({ length: n }, (_, i) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [square(118.6 + 0.02 * i, 31.9 + 0.0001 * (r % 1000))] },
      properties: target === 'areas'
        ? { code: `3201${String(r * 10 + i).padStart(8, '0')}`, name: `社区 ${r}-${i}`, level: 'community', parent_code: CITY, remark: '备注' }
        : { code: `G-${r}-${i}`, name: `网格 ${r}-${i}`, area_code: CITY },
    })),
  };
}

const jsonTransport: fc.Arbitrary<Transport> = fc.oneof(
  fc.constantFrom<Transport>(
    { kind: 'raw', contentType: 'application/geo+json' },
    { kind: 'raw', contentType: 'application/json' },
    { kind: 'raw', contentType: 'application/octet-stream' },
    { kind: 'multipart', filename: 'upload.geojson' },
    { kind: 'multipart', filename: 'upload.json' },
    { kind: 'multipart', filename: '区域.GEOJSON' },
  ),
);

describe('import fuzz', () => {
  it('when valid GeoJSON areas and grids are mutated, then no answer is a 5xx and a 4xx writes nothing', async () => {
    let created = 0;
    const runs = fuzzParams(350).numRuns!;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          target: fc.constantFrom('areas' as const, 'grids' as const),
          n: fc.integer({ min: 1, max: 4 }),
          ops: fc.array(op, { maxLength: 3 }),
          bytes: byteMutation(),
          transport: jsonTransport,
          query: fc.constantFrom('', 'repair=true', 'crs=gcj02', 'crs=bd09', 'crs=cgcs2000&repair', 'format=geojson', 'format=csv'),
        }),
        async ({ target, n, ops, bytes, transport, query }) => {
          const doc = validCollection(target, n);
          for (const o of ops) applyOp(doc, o);
          const params = target === 'grids' ? ['layer=fuzz-grids', 'kind=comprehensive', `plan=p${run % 3}`] : [];
          const res = await postAndCheck({ target, query: [...params, query].filter(Boolean).join('&'), bytes: mutateBytes(JSON.stringify(doc), bytes), transport });
          // an unmutated valid upload must be imported whole
          if (ops.length === 0 && bytes.kind === 'none' && !query.startsWith('format=csv')) expect(res.status, JSON.stringify(res.body)).toBe(201);
          if (res.status === 201) created++;
        },
      ),
      { ...fuzzParams(350), numRuns: runs },
    );
    expect(created).toBeGreaterThan(runs / 20); // the mutations leave enough uploads valid to exercise the writes
  });

  it('when a CSV with WKT or lng/lat columns is mutated, then no answer is a 5xx and a 4xx writes nothing', async () => {
    const wkts = ['POINT (118.9 32.1)', 'MULTIPOINT ((118.9 32.1), (118.91 32.11))', 'LINESTRING (118.9 32.1, 118.95 32.12)', 'POLYGON ((118.9 32.1, 118.91 32.1, 118.91 32.11, 118.9 32.1))'];
    const badWkts = fc.oneof(
      fc.constantFrom('POINT (nan 32.1)', 'POINT (1e400 32.1)', 'POINT (32.1 118.9)', 'POINT EMPTY', 'POINT (118.9)', 'POINT (118.9 32.1 5 6 7)', 'LINESTRING (118.9 32.1)',
        'POLYGON ((118.9 32.1, 118.91 32.1, 118.91 32.11))', 'POLYGON ((118.9 32.1, 118.91 32.11, 118.91 32.1, 118.9 32.11, 118.9 32.1))', 'GEOMETRYCOLLECTION (POINT (118.9 32.1))',
        'POLYGON ((118.9 32.1', 'SRID=3857;POINT (13236000 3770000)', 'CIRCULARSTRING (118.9 32.1, 118.91 32.11, 118.92 32.1)', 'TIN EMPTY', 'POINT (118,9 32,1)', 'point(118.9 32.1)'),
      nastyString(),
    );
    type CsvOp = { kind: 'drop' | 'dup'; at: number } | { kind: 'shuffle'; seed: number } | { kind: 'cell'; at: number; col: number; value: string }
      | { kind: 'quote'; at: number; pos: number } | { kind: 'extra'; at: number } | { kind: 'header'; value: string[] } | { kind: 'delimiter'; value: string };
    const csvOp: fc.Arbitrary<CsvOp> = fc.oneof(
      fc.record({ kind: fc.constantFrom('drop' as const, 'dup' as const), at }),
      fc.record({ kind: fc.constant('shuffle' as const), seed: fc.nat() }),
      { arbitrary: fc.record({ kind: fc.constant('cell' as const), at, col: fc.nat({ max: 5 }), value: fc.oneof(badWkts, fc.constantFrom('NaN', '-1', '2147483648', '1.5', '', '200', '95')) }), weight: 4 },
      fc.record({ kind: fc.constant('quote' as const), at, pos: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('extra' as const), at }),
      fc.record({ kind: fc.constant('header' as const), value: fc.array(fc.oneof(fc.constantFrom('id', 'type', 'wkt', 'WKT', 'lng', 'lat', 'x', 'y', '经度', '纬度', 'households', ''), nastyString()), { maxLength: 6 }) }),
      fc.record({ kind: fc.constant('delimiter' as const), value: fc.constantFrom(';', '\t', '|', ' ') }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          target: fc.constantFrom('hazards' as const, 'address_points' as const),
          n: fc.integer({ min: 1, max: 5 }),
          geom: fc.array(fc.nat({ max: 3 }), { minLength: 5, maxLength: 5 }),
          lngLat: fc.boolean(),
          ops: fc.array(csvOp, { maxLength: 3 }),
          bytes: byteMutation(),
          transport: fc.constantFrom<Transport>({ kind: 'raw', contentType: 'text/csv' }, { kind: 'multipart', filename: 'points.csv' }, { kind: 'multipart', filename: 'points.txt' }),
          crs: fc.constantFrom('', 'crs=gcj02', 'lngColumn=x&latColumn=y'),
        }),
        async ({ target, n, geom, lngLat, ops, bytes, transport, crs }) => {
          const r = ++run;
          const cell = (s: string) => (/[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
          let header = target === 'hazards' ? ['id', 'type', 'name'] : ['id', 'households', 'population'];
          const named = crs.startsWith('lngColumn');
          header = [...header, ...(lngLat ? (named ? ['x', 'y'] : ['lng', 'lat']) : ['wkt'])];
          let rows = Array.from({ length: n }, (_, i) => {
            const base = target === 'hazards' ? [`h-${r}-${i}`, 'gas_station', `加油站 ${i}`] : [`a-${r}-${i}`, String(i + 1), String(3 * i)];
            return [...base, ...(lngLat ? [String(118.9 + i / 100), '32.1'] : [target === 'hazards' ? wkts[geom[i]] : 'POINT (118.9 32.1)'])];
          });
          let delimiter = ',';
          const quoted: number[] = [];
          for (const o of ops) {
            if (o.kind === 'drop' && rows.length) rows.splice(o.at % rows.length, 1);
            else if (o.kind === 'dup' && rows.length) rows.push([...rows[o.at % rows.length]]);
            else if (o.kind === 'shuffle') rows = shuffle(rows, o.seed);
            else if (o.kind === 'cell' && rows.length) rows[o.at % rows.length][o.col % header.length] = o.value;
            else if (o.kind === 'extra' && rows.length) rows[o.at % rows.length].push('extra');
            else if (o.kind === 'header') header = o.value;
            else if (o.kind === 'delimiter') delimiter = o.value;
            else if (o.kind === 'quote') quoted.push(o.at);
          }
          const lines = [header, ...rows].map((cells) => cells.map(cell).join(delimiter));
          for (const q of quoted) {
            const i = q % lines.length;
            const p = Math.floor((lines[i].length * (q % 7)) / 7);
            lines[i] = `${lines[i].slice(0, p)}"${lines[i].slice(p)}`;
          }
          const csv = lines.join('\r\n') + '\r\n';
          const query = named && !lngLat ? '' : crs;
          const res = await postAndCheck({ target, query, bytes: mutateBytes(csv, bytes), transport });
          if (ops.length === 0 && bytes.kind === 'none') expect(res.status, JSON.stringify(res.body)).toBe(201);
        },
      ),
      fuzzParams(300),
    );
  });

  it('when random bytes or random JSON are posted to any target in any format, then the answer is a 4xx and nothing is written', async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.record({ type: fc.constantFrom('FeatureCollection', 'Feature'), features: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 4 }), geometry: fc.jsonValue({ maxDepth: 3 }), properties: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 400 }).map((b) => new Uint8Array(Buffer.concat([Buffer.from('PK\x03\x04'), b]))),
      fc.uint8Array({ maxLength: 400 }).map((b) => new Uint8Array(Buffer.concat([Buffer.from('SQLite format 3\0'), b]))),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.array(fc.array(nastyString(), { maxLength: 5 }), { maxLength: 5 }).map((rows) => rows.map((r) => r.join(',')).join('\n')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          target: fc.constantFrom('areas', 'grids', 'address_points', 'barriers', 'hazards', 'response_points', 'nope'),
          format: fc.constantFrom('', 'geojson', 'csv', 'shapefile', 'geopackage', 'kml'),
          body,
          transport: fc.oneof(
            fc.constantFrom('application/geo+json', 'text/csv', 'application/zip', 'application/geopackage+sqlite3', 'application/octet-stream', 'text/plain', 'multipart/form-data').map((contentType): Transport => ({ kind: 'raw', contentType })),
            fc.constantFrom('a.geojson', 'a.csv', 'a.zip', 'a.gpkg', 'a', 'a.shp', '').map((filename): Transport => ({ kind: 'multipart', filename })),
          ),
        }),
        async ({ target, format, body, transport }) => {
          const params = [format && `format=${format}`, target === 'grids' && 'layer=fuzz-random&kind=dedicated', target === 'response_points' && 'kind=police'].filter(Boolean);
          const bytes = typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body;
          const res = await postAndCheck({ target, query: params.join('&'), bytes, transport });
          expect(res.status).toBeGreaterThanOrEqual(400);
        },
      ),
      fuzzParams(300),
    );
  });

  it('when the zipped shapefile and GeoPackage fixtures are corrupted, then no answer is a 5xx and a 4xx writes nothing', async () => {
    const files = [
      { name: 'areas-utf8.zip', bytes: new Uint8Array(fixture('areas-utf8.zip')) },
      { name: 'areas-gbk.zip', bytes: new Uint8Array(fixture('areas-gbk.zip')) },
      { name: 'areas.gpkg', bytes: new Uint8Array(fixture('areas.gpkg')) },
    ];
    const corruption: fc.Arbitrary<ByteMutation> = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      { arbitrary: fc.record({ kind: fc.constant('flip' as const), flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }) }), weight: 4 },
      fc.record({ kind: fc.constant('overwrite' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    );
    let created = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: files.length - 1 }), corruption, fc.boolean(), async (i, m, multipart) => {
        // the fixture's three areas are removed first, so an intact upload can land again
        await db.knex.raw(`delete from admin_areas where code = any(?::text[])`, [FIXTURE_CODES]);
        const file = files[i];
        const transport: Transport = multipart ? { kind: 'multipart', filename: file.name } : { kind: 'raw', contentType: file.name.endsWith('.zip') ? 'application/zip' : 'application/geopackage+sqlite3' };
        const res = await postAndCheck({ target: 'areas', query: 'crs=cgcs2000', bytes: mutateBytes(file.bytes, m), transport });
        if (m.kind === 'none') expect(res.status, JSON.stringify(res.body)).toBe(201);
        if (res.status === 201) created++;
      }),
      fuzzParams(200),
    );
    expect(created).toBeGreaterThan(0);
  });
});

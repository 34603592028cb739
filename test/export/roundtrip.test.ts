import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { iter } from 'but-unzip';
import wkx from 'wkx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYWHERE } from '../../server/auth/scope';
import type { Db } from '../../server/db/knex';
import type { ExportFormat } from '../../server/export/export.schema';
import { dbfField, layerPages, type ExportColumn } from '../../server/export/layer';
import { AREA_COLUMNS, areasLayer, GRID_COLUMNS, HAZARD_COLUMNS, RESPONSE_POINT_COLUMNS } from '../../server/export/layers';
import { zip } from '../../server/export/zip';
import type { ImportTarget } from '../../server/import/import.schema';
import { TARGETS } from '../../server/import/targets';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { boxSql, EAST_STREET, insertPlan, NE, NW, SE, SW, WEST_STREET, type Frame, type GridSpec } from '../plans/plan-fixture';

/**
 * Export → import round trips: each layer is downloaded from the source database's API and the
 * file is uploaded to POST /api/import/:target of a second, empty database (the real import
 * path: detection by file name, the format's parser, validation, one transaction). Then, per
 * feature: the geometry stored there equals the source's vertex by vertex within 1e-9° (both
 * normalised by ST_Normalize: ring starts and orientation), and the properties it stored (the
 * target's columns plus the `properties` jsonb) equal the source's GeoJSON export, read as the
 * format types them: CSV cells are text, GeoPackage and CSV leave nulls out, shapefile fields
 * carry 10-character names and fixed decimals.
 */

let source: Db;
let target: Db;
let from: Awaited<ReturnType<typeof serveApp>>;
let to: Awaited<ReturnType<typeof serveApp>>;
let o: Frame;
let planId: number;
let policeLayerId: number;

const ODD_NAME = '西北"一",网格';
/** A coordinate with all of a double's digits, to catch any rounding on the way. */
const FINE = 1.234567890123e-7;

const grids: GridSpec[] = [
  { code: `${NW}001`, area: NW, name: ODD_NAME, boxes: [[0, 0.5, 0.4, 1]], properties: { target_min: 50, target_max: 200 } },
  { code: `${NW}002`, area: NW, name: '西北二网格', boxes: [[0.4, 0.5, 1, 1]] },
  { code: `${SW}001`, area: SW, boxes: [[0, 0, 1, 0.5]] }, // no name: null
  { code: `${NE}001`, area: NE, name: '东北两块网格', boxes: [[1, 0.5, 1.2, 1], [1.8, 0.5, 2, 1]] }, // two parts
  { code: `${NE}002`, area: NE, name: '东北二网格', boxes: [[1.2, 0.5, 1.8, 1]] },
  { code: `${SE}001`, area: SE, name: '东南有洞网格', boxes: [[1, 0, 2, 0.5]] }, // a hole, below
  { code: `${SE}901`, kind: 'dedicated', area: SE, name: '栖霞中学', boxes: [[1.4, 0.2, 1.5, 0.3]] },
  { code: `${NW}00101`, kind: 'micro', area: NW, parent: `${NW}001`, name: '1幢', boxes: [[0, 0.5, 0.2, 1]] },
];

beforeAll(async () => {
  [source, target] = await Promise.all([createTestDb(), createTestDb()]);
  o = await insertSquareDistrict(source.knex);
  planId = await insertPlan(source.knex, o, { layer: '综合网格', name: '导出', grids });
  const fine = `ST_Translate(${boxSql(o, [1.4, 0.2, 1.5, 0.3])}, ${FINE}, ${-FINE})`;
  await source.knex.raw(`update grids set geom = ST_Multi(ST_Difference(geom, ${fine})) where plan_id = ? and code = ?`, [planId, `${SE}001`]);
  await source.knex.raw(`update grids set geom = ST_Multi(${fine}) where plan_id = ? and code = ?`, [planId, `${SE}901`]);

  const police = await insertPlan(source.knex, o, {
    layer: '警格', name: '警格 v1', status: 'published',
    grids: [
      { code: 'JG01', area: WEST_STREET, name: '西片警格', boxes: [[0, 0, 1, 1]] },
      { code: 'JG02', area: EAST_STREET, name: '东片警格', boxes: [[1, 0, 2, 1]] },
    ],
  });
  await source.knex.raw(`update grids set kind = 'police' where plan_id = ?`, [police]);
  const { rows } = await source.knex.raw(`update grid_layers set kind = 'police' where id = (select layer_id from grid_plans where id = ?) returning id`, [police]);
  policeLayerId = Number(rows[0].id);

  const at = (x: number, y: number) => [o.x0 + x * o.dx + FINE, o.y0 + y * o.dy - FINE];
  const wkt = (g: Geometry) => wkx.Geometry.parseGeoJSON(g).toWkt();
  const hazards: [string, string, string | null, string, Geometry][] = [
    ['hz-g01', 'gas_station', '一般', '加油站 G01', { type: 'Point', coordinates: at(0.3, 0.3) }],
    ['hz-f01', 'flood_zone', '重大', '洪涝易发区 F01', {
      type: 'Polygon',
      coordinates: [[at(1, 0), at(2, 0), at(2, 0.3), at(1, 0.3), at(1, 0)], [at(1.4, 0.1), at(1.4, 0.2), at(1.6, 0.2), at(1.6, 0.1), at(1.4, 0.1)]],
    }],
    ['hz-p01', 'gas_pipeline', null, '输气管线,"东"', { type: 'LineString', coordinates: [at(0.1, 0.9), at(1.1, 0.8), at(1.9, 0.95)] }],
  ];
  for (const [extId, type, level, name, g] of hazards) {
    await source.knex.raw(`insert into hazard_sources (ext_id, type, level, name, geom) values (?, ?, ?, ?, ST_GeomFromText(?, 4326))`, [extId, type, level, name, wkt(g)]);
  }
  const points: [string, string, string | null, number[]][] = [
    ['rp-1', 'police_station', '栖霞派出所', at(0.5, 0.5)],
    ['rp-2', 'quick_response', null, at(1.5, 0.5)],
    ['rp-3', 'fire_station', '消防站', at(1.9, 0.1)],
  ];
  for (const [extId, kind, name, [x, y]] of points) {
    await source.knex.raw(`insert into response_points (ext_id, kind, name, geom) values (?, ?, ?, ST_SetSRID(ST_MakePoint(?, ?), 4326))`, [extId, kind, name, x, y]);
  }
  [from, to] = await Promise.all([serveApp(source), serveApp(target)]);
});

afterAll(async () => {
  await from?.close();
  await to?.close();
  await source?.close();
  await target?.close();
});

async function download(path: string) {
  const res = await fetch(from.url(path));
  expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
  const filename = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? '');
  return { bytes: new Uint8Array(await res.arrayBuffer()), filename, type: res.headers.get('content-type') ?? '', headers: res.headers };
}

/** Uploads a file as a browser would (multipart, with its file name) to the target's import. */
async function upload(importTarget: ImportTarget, file: { bytes: Uint8Array; filename: string }, params: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(file.bytes)]), file.filename);
  const res = await fetch(to.url(`/api/import/${importTarget}?${new URLSearchParams(params)}`), { method: 'POST', body: form });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body as { inserted: number };
}

/** A shapefile zip holding several shapefiles, as one zip per shapefile (the import takes one at a time). */
async function splitShapefiles(file: { bytes: Uint8Array }) {
  const entries = new Map<string, Uint8Array>();
  for (const e of iter(file.bytes)) entries.set(e.filename, new Uint8Array(await e.read()));
  const bases = [...entries.keys()].filter((n) => n.endsWith('.shp')).map((n) => n.slice(0, -4));
  return bases.map((base) => ({
    filename: `${base}.zip`,
    bytes: new Uint8Array(zip([...entries].filter(([n]) => n.startsWith(`${base}.`)).map(([name, data]) => ({ name, data })))),
  }));
}

type Coords = number | Coords[];
interface Stored { type: string; coordinates: Coords; properties: Record<string, unknown> }

const normalised = (g: string) => `ST_AsBinary(ST_Normalize(${g}), 'NDR') as wkb`;
const geometryOf = (wkb: Uint8Array) => wkx.Geometry.parse(Buffer.from(wkb)).toGeoJSON() as { type: string; coordinates: Coords };

/** What the target stored per key: its geometry (normalised) and the target's columns over the `properties` jsonb. */
async function storedInTarget(importTarget: ImportTarget, where = 'true', bindings: unknown[] = []): Promise<Map<string, Stored>> {
  const spec = TARGETS[importTarget];
  const columns = spec.properties.map((p) => `t.${p.column}`).join(', ');
  const { rows } = await target.knex.raw(`select ${columns}, t.properties, ${normalised('t.geom')} from ${spec.table} t where ${where}`, bindings as never[]);
  const keyName = spec.key === 'ext_id' ? 'id' : spec.key;
  return new Map(rows.map((r: Record<string, unknown>) => {
    const properties = { ...(r.properties as object), ...Object.fromEntries(spec.properties.map((p) => [p.name, r[p.column]])) } as Record<string, unknown>;
    return [String(properties[keyName]), { ...geometryOf(r.wkb as Uint8Array), properties }];
  }));
}

/** The source's geometries per key, normalised like the target's. */
async function sourceGeometries(table: string, key: string, where = 'true', bindings: unknown[] = []) {
  const { rows } = await source.knex.raw(`select ${key} as key, ${normalised('geom')} from ${table} where ${where}`, bindings as never[]);
  return new Map<string, { type: string; coordinates: Coords }>(rows.map((r: { key: string; wkb: Uint8Array }) => [String(r.key).trim(), geometryOf(r.wkb)]));
}

/** Largest difference between two coordinate trees of the same shape (Infinity when the shapes differ). */
function maxDifference(a: Coords, b: Coords): number {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) : Infinity;
  if (a.length !== b.length) return Infinity;
  return a.reduce<number>((m, x, i) => Math.max(m, maxDifference(x, b[i])), 0);
}

/** A value as the column types it, after the format's own typing (text cells, 1/0 booleans, blanks). */
function typed(c: ExportColumn, v: unknown, format: ExportFormat): unknown {
  if (v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v))) return null;
  if (c.type === 'text') return String(v);
  if (c.type === 'boolean') return v === true || v === 1 || v === 'true';
  const decimals = dbfField(c).decimals;
  return format === 'shp' ? Number(Number(v).toFixed(decimals)) : Number(v);
}

/**
 * Runs one round trip: the source's GeoJSON export (the reference properties) against what the
 * target stored from the `format` file, feature by feature.
 */
async function expectSameFeatures(
  exportPath: string,
  format: ExportFormat,
  columns: ExportColumn[],
  stored: Map<string, Stored>,
  original: Map<string, { type: string; coordinates: Coords }>,
) {
  const reference = JSON.parse(new TextDecoder().decode((await download(`${exportPath}format=geojson`)).bytes)) as FeatureCollection;
  const keyName = columns[0].name;
  const expected = new Map(reference.features.map((f: Feature) => [String(f.properties![keyName]), f.properties!]));
  expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
  expect([...original.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, props] of expected) {
    const got = stored.get(key)!;
    const was = original.get(key)!;
    expect(got.type, key).toBe(was.type);
    expect(maxDifference(got.coordinates, was.coordinates), `${key}: vertex by vertex`).toBeLessThanOrEqual(1e-9);
    const nameIn = (c: ExportColumn) => (format === 'shp' ? dbfField(c).name! : c.name);
    for (const c of columns) {
      expect(typed(c, got.properties[nameIn(c)] ?? got.properties[c.name], format), `${key}.${c.name}`).toEqual(typed(c, props[c.name], format));
    }
    const known = new Set(columns.flatMap((c) => [c.name, nameIn(c)]));
    expect(Object.keys(got.properties).filter((k) => !known.has(k)), `${key}: no other properties`).toEqual([]);
  }
  return expected;
}

const FORMATS: ExportFormat[] = ['geojson', 'gpkg', 'shp', 'csv'];

describe.each(FORMATS)('round trip through %s: export from the API, POST /api/import into an empty database', (format) => {
  beforeAll(async () => {
    await target.knex.raw('truncate admin_areas, grid_layers, hazard_sources, response_points, address_points, imports restart identity cascade');
  });

  it('when the areas are exported and imported, then every area comes back with its code, Chinese name, level and parent', async () => {
    const file = await download(`/api/areas/export?format=${format}`);
    expect((await upload('areas', file)).inserted).toBe(7);
    const expected = await expectSameFeatures('/api/areas/export?', format, AREA_COLUMNS, await storedInTarget('areas'), await sourceGeometries('admin_areas', 'code'));
    expect(expected.get('320113002001')).toMatchObject({ name: '西北社区', level: 'community', parent_code: '320113002000' });
    expect(expected.get('320113000000')!.parent_code).toBeNull();
  });

  it('when a plan with a hole, a two-part grid, Chinese names and nulls is exported and imported, then its grids come back the same', async () => {
    const file = await download(`/api/plans/${planId}/export?format=${format}`);
    expect((await upload('grids', file, { layer: `rt-${format}`, kind: 'comprehensive', plan: 'roundtrip' })).inserted).toBe(grids.length);
    const stored = await storedInTarget('grids', `t.plan_id = (select p.id from grid_plans p join grid_layers l on l.id = p.layer_id where l.name = ?)`, [`rt-${format}`]);
    const original = await sourceGeometries('grids', 'code', 'plan_id = ?', [planId]);
    const expected = await expectSameFeatures(`/api/plans/${planId}/export?`, format, GRID_COLUMNS, stored, original);
    expect(stored.get(`${NE}001`)!.coordinates).toHaveLength(2); // two parts
    expect((stored.get(`${SE}001`)!.coordinates as Coords[][])[0]).toHaveLength(2); // an exterior and its hole
    expect(expected.get(`${NW}001`)).toMatchObject({ name: ODD_NAME, target_min: 50, target_max: 200, in_range: false, households: 0 });
    expect(expected.get(`${NW}002`)).toMatchObject({ households: 120, population: 360 });
    expect(expected.get(`${SW}001`)).toMatchObject({ name: null, parent_grid_code: null });
    expect(expected.get(`${NW}00101`)).toMatchObject({ kind: 'micro', parent_grid_code: `${NW}001` });
  });

  it('when the police layer is exported by layer id and imported, then its published plan comes back with the 警格 names', async () => {
    const file = await download(`/api/layers/${policeLayerId}/export?format=${format}`);
    expect(file.filename).toBe(`警格-警格 v1.${format === 'shp' ? 'zip' : format}`);
    expect((await upload('grids', file, { layer: `警格-${format}`, kind: 'police' })).inserted).toBe(2);
    const stored = await storedInTarget('grids', `t.plan_id = (select p.id from grid_plans p join grid_layers l on l.id = p.layer_id where l.name = ?)`, [`警格-${format}`]);
    const policePlan = (await source.knex.raw(`select id from grid_plans where layer_id = ? and status = 'published'`, [policeLayerId])).rows[0].id;
    const expected = await expectSameFeatures(`/api/layers/${policeLayerId}/export?`, format, GRID_COLUMNS, stored, await sourceGeometries('grids', 'code', 'plan_id = ?', [policePlan]));
    expect(expected.get('JG01')).toMatchObject({ kind: 'police', name: '西片警格' });
  });

  it(`when the hazard sources (point, polygon with a hole, line) are exported and imported${format === 'shp' ? ' (one import per shapefile in the zip: one per shape type)' : ''}, then they come back the same`, async () => {
    const file = await download(`/api/hazards/export?format=${format}`);
    const files = format === 'shp' ? await splitShapefiles(file) : [file];
    if (format === 'shp') expect(files.map((f) => f.filename).sort()).toEqual(['风险源-point.zip', '风险源-polygon.zip', '风险源-polyline.zip']);
    let inserted = 0;
    for (const f of files) inserted += (await upload('hazards', f)).inserted;
    expect(inserted).toBe(3);
    const expected = await expectSameFeatures('/api/hazards/export?', format, HAZARD_COLUMNS, await storedInTarget('hazards'), await sourceGeometries('hazard_sources', 'ext_id'));
    expect(expected.get('hz-p01')).toMatchObject({ level: null, name: '输气管线,"东"' });
  });

  it('when the response points are exported and imported, then they come back the same', async () => {
    const file = await download(`/api/response-points/export?format=${format}`);
    expect((await upload('response_points', file)).inserted).toBe(3);
    const expected = await expectSameFeatures('/api/response-points/export?', format, RESPONSE_POINT_COLUMNS, await storedInTarget('response_points'), await sourceGeometries('response_points', 'ext_id'));
    expect(expected.get('rp-1')).toMatchObject({ kind: 'police_station', name: '栖霞派出所' });
  });
});

describe('export routes', () => {
  it('when a format is unknown, then each route answers 400 listing the valid ones', async () => {
    for (const path of ['/api/areas/export', `/api/plans/${planId}/export`, `/api/layers/${policeLayerId}/export`, '/api/hazards/export', '/api/response-points/export']) {
      const res = await fetch(from.url(`${path}?format=kml`));
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.message, path).toBe("query parameter 'format': 'kml' is not a format; valid: geojson, gpkg, shp, csv");
    }
  });

  it('when a layer or plan is unknown, or a layer has no published plan, then 404 says which', async () => {
    const unknown = await fetch(from.url('/api/layers/999/export'));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe('layer 999 not found');
    expect((await fetch(from.url('/api/plans/999/export'))).status).toBe(404);
    const { rows } = await source.knex.raw('select layer_id from grid_plans where id = ?', [planId]);
    const draftOnly = await fetch(from.url(`/api/layers/${rows[0].layer_id}/export`));
    expect(draftOnly.status).toBe(404);
    expect((await draftOnly.json()).error).toMatchObject({ code: 'no_published_plan', message: expect.stringContaining('综合网格') });
    expect((await fetch(from.url('/api/layers/x/export'))).status).toBe(400);
  });

  it('when areas of one level are exported, then only they are in the file, named after the level', async () => {
    const file = await download('/api/areas/export?format=geojson&level=street');
    expect(file.filename).toBe('行政区划-街道.geojson');
    const fc = JSON.parse(new TextDecoder().decode(file.bytes)) as FeatureCollection;
    expect(fc.features.map((f) => f.properties!.name)).toEqual(['东街道', '西街道']);
    expect((await fetch(from.url('/api/areas/export?level=town'))).status).toBe(400);
  });

  it('when GeoJSON and CSV are exported, then they are streamed (chunked, no Content-Length) with their file names', async () => {
    for (const [format, type, name] of [['geojson', 'application/geo+json', '风险源.geojson'], ['csv', 'text/csv; charset=utf-8', '风险源.csv']]) {
      const file = await download(`/api/hazards/export?format=${format}`);
      expect(file.headers.get('transfer-encoding')).toBe('chunked');
      expect(file.headers.get('content-length')).toBeNull();
      expect(file.type).toBe(type);
      expect(file.filename).toBe(name);
    }
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode((await download('/api/response-points/export?format=csv')).bytes);
    expect(csv.split('\r\n')[0]).toBe('\uFEFFid,kind,name,wkt');
    expect(csv).toMatch(/\r\nrp-2,quick_response,,POINT\(/); // null name: an empty cell
  });

  it('when a layer is read in pages, then the pages follow the key without gaps or repeats', async () => {
    const keys: string[] = [];
    const sizes: number[] = [];
    for await (const page of layerPages(source.knex, areasLayer(EVERYWHERE), 'ccw', 3)) {
      sizes.push(page.length);
      keys.push(...page.map((r) => String(r.values[0])));
    }
    expect(sizes).toEqual([3, 3, 1]);
    const { rows } = await source.knex.raw('select code from admin_areas order by code');
    expect(keys).toEqual(rows.map((r: { code: string }) => r.code));
  });

  it('when a CSV cell in the wkt column is not WKT, then the import answers 400 naming the row', async () => {
    const csv = new TextEncoder().encode('id,kind,name,wkt\r\nrp-9,patrol,巡逻点,POINT(118.9 32.1)\r\nrp-10,patrol,坏,POINT(118.9\r\n');
    const form = new FormData();
    form.append('file', new Blob([csv]), 'points.csv');
    const res = await fetch(to.url('/api/import/response_points'), { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^row 3: the wkt cell is not WKT/);
  });
});

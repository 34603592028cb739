import gcoord from 'gcoord';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { area, countRows, fc, feature, fixture, point, polygon, resetImportTables, square } from './import-helpers';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;

beforeAll(async () => {
  db = await createTestDb();
  http = await serveApp(db, { UPLOAD_LIMIT_MB: '1' });
});
beforeEach(() => resetImportTables(db));
afterAll(async () => {
  await http?.close();
  await db?.close();
});

async function post(target: string, body: BodyInit, contentType: string, query = '') {
  const res = await fetch(http.url(`/api/import/${target}${query ? `?${query}` : ''}`), { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: await res.json() };
}
const postJson = (target: string, value: unknown, query = '') => post(target, JSON.stringify(value), 'application/geo+json', query);
async function postFile(target: string, bytes: Uint8Array, filename: string, query = '') {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)]), filename);
  const res = await fetch(http.url(`/api/import/${target}${query ? `?${query}` : ''}`), { method: 'POST', body: form });
  return { status: res.status, body: await res.json() };
}
const rows = async (sql: string, bindings: readonly Knex.RawBinding[] = []) => (await db.knex.raw(sql, bindings)).rows;

/** The three Qixia areas of test/fixtures/import/areas.geojson (and of the .zip/.gpkg made from it). */
async function expectQixiaAreas() {
  const areas = await rows(`select code::text, name, level, parent_code::text, properties, GeometryType(geom) as type, ST_SRID(geom) as srid,
      round(ST_Area(geom)::numeric, 6)::float as area, ST_IsPolygonCCW(geom) as ccw from admin_areas order by code`);
  expect(areas).toEqual([
    { code: '320113000000', name: '栖霞区', level: 'district', parent_code: null, properties: { 备注: '南京市辖区' }, type: 'MULTIPOLYGON', srid: 4326, area: 0.03, ccw: true },
    { code: '320113001000', name: '尧化街道', level: 'street', parent_code: '320113000000', properties: { 备注: '街道办事处' }, type: 'MULTIPOLYGON', srid: 4326, area: 0.0025, ccw: true },
    { code: '320113001001', name: '尧林仙居社区', level: 'community', parent_code: '320113001000', properties: { 备注: '示例社区' }, type: 'MULTIPOLYGON', srid: 4326, area: 0.0004, ccw: true },
  ]);
}

describe('import of good input', () => {
  it('when GeoJSON areas are posted, then they are stored as MultiPolygons with their hierarchy and the import is logged', async () => {
    const res = await post('areas', fixture('areas.geojson'), 'application/geo+json');
    expect(res).toEqual({ status: 201, body: { target: 'areas', inserted: 3, repaired: 0, importId: 1 } });
    await expectQixiaAreas();
    expect(await rows('select target, filename, format, crs, feature_count from imports')).toEqual([
      { target: 'areas', filename: null, format: 'geojson', crs: 'wgs84', feature_count: 3 },
    ]);
  });

  it('when GeoJSON is streamed in chunks without Content-Length, then it is received whole', async () => {
    const bytes = fixture('areas.geojson');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 100) controller.enqueue(new Uint8Array(bytes.subarray(at, at + 100)));
        controller.close();
      },
    });
    const res = await fetch(http.url('/api/import/areas'), { method: 'POST', body, headers: { 'content-type': 'application/geo+json' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(201);
    await expectQixiaAreas();
  });

  it('when a child area comes before its parent in the upload, then the parent is inserted first', async () => {
    const child = area('320113001001', polygon(square(118.86, 32.11)), { parent_code: '320113001000' });
    const parent = area('320113001000', polygon(square(118.85, 32.1, 0.05)), { level: 'street' });
    expect((await postJson('areas', fc(child, parent))).status).toBe(201);
    expect(await countRows(db, 'admin_areas')).toBe(2);
  });

  it('when a zipped UTF-8 shapefile with Chinese names is uploaded, then names and attributes arrive intact', async () => {
    const res = await postFile('areas', fixture('areas-utf8.zip'), 'areas-utf8.zip');
    expect(res.status).toBe(201);
    await expectQixiaAreas();
    expect(await rows('select filename, format from imports')).toEqual([{ filename: 'areas-utf8.zip', format: 'shapefile' }]);
  });

  it('when a zipped GBK (.cpg 936) shapefile in CGCS2000 is posted raw, then its Chinese attributes are decoded', async () => {
    expect((await post('areas', fixture('areas-gbk.zip'), 'application/zip', 'crs=cgcs2000')).status).toBe(201);
    await expectQixiaAreas();
  });

  it('when a GeoPackage in EPSG:4326 is uploaded, then its features are imported', async () => {
    const res = await postFile('areas', fixture('areas.gpkg'), 'areas.gpkg');
    expect(res.status).toBe(201);
    await expectQixiaAreas();
    expect(await rows('select format from imports')).toEqual([{ format: 'geopackage' }]);
  });

  it('when a CSV of points is posted, then lng/lat become Points and other columns properties', async () => {
    const csv = 'id,lng,lat,households,population,building_id,名称\n"a-1",118.80,32.06,12,30,b-7,"仙林, 1号楼"\na-2,118.81,32.07,,,,\n';
    const res = await post('address_points', csv, 'text/csv');
    expect(res).toEqual({ status: 201, body: { target: 'address_points', inserted: 2, repaired: 0, importId: 1 } });
    expect(await rows('select ext_id, households, population, building_id, properties, ST_X(geom) as x, ST_Y(geom) as y from address_points order by ext_id')).toEqual([
      { ext_id: 'a-1', households: 12, population: 30, building_id: 'b-7', properties: { 名称: '仙林, 1号楼' }, x: 118.8, y: 32.06 },
      { ext_id: 'a-2', households: 1, population: null, building_id: null, properties: {}, x: 118.81, y: 32.07 },
    ]);
  });

  it('when a CSV names its coordinate columns differently, then lngColumn and latColumn pick them', async () => {
    const csv = 'id\t东经\t北纬\nh-1\t118.9\t32.1\n';
    const res = await post('hazards', csv, 'text/csv', `lngColumn=${encodeURIComponent('东经')}&latColumn=${encodeURIComponent('北纬')}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400); // hazards need a type: the CSV parsed, the target check ran
    expect(res.body.error.message).toBe("feature 0 (id 'h-1'): missing required property 'type'");
    const ok = await post('hazards', 'id,type,东经,北纬\nh-1,gas_station,118.9,32.1\n', 'text/csv', `lngColumn=${encodeURIComponent('东经')}&latColumn=${encodeURIComponent('北纬')}`);
    expect(ok.status).toBe(201);
    expect(await rows('select ext_id, type, ST_AsText(geom) as wkt from hazard_sources')).toEqual([{ ext_id: 'h-1', type: 'gas_station', wkt: 'POINT(118.9 32.1)' }]);
  });

  describe('coordinate systems', () => {
    // Xinjiekou, Nanjing, in WGS84
    const wgs84: [number, number] = [118.7784, 32.0416];

    it.each([
      ['gcj02', gcoord.GCJ02, 300, 700],
      ['bd09', gcoord.BD09, 800, 1500],
    ] as const)('when points are posted with crs=%s, then they are moved back onto WGS84 as gcoord does', async (crs, system, minM, maxM) => {
      const shifted = gcoord.transform(wgs84, gcoord.WGS84, system) as [number, number];
      const expected = gcoord.transform(shifted, system, gcoord.WGS84) as [number, number];
      const res = await postJson('address_points', fc(feature(point(...shifted), { id: 'x' })), `crs=${crs}`);
      expect(res.status).toBe(201);
      const [stored] = await rows(
        `select ST_X(geom) as x, ST_Y(geom) as y, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) as moved_m from address_points`,
        shifted,
      );
      expect(stored.x).toBeCloseTo(expected[0], 9);
      expect(stored.y).toBeCloseTo(expected[1], 9);
      expect(Math.abs(stored.x - wgs84[0])).toBeLessThan(1e-6);
      expect(Math.abs(stored.y - wgs84[1])).toBeLessThan(1e-6);
      expect(stored.moved_m).toBeGreaterThan(minM);
      expect(stored.moved_m).toBeLessThan(maxM);
      expect(await rows('select crs from imports')).toEqual([{ crs }]);
    });

    it('when a polygon is posted with crs=gcj02, then every vertex is converted', async () => {
      const ring = square(118.86, 32.11).map((p) => gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.GCJ02) as number[]);
      expect((await postJson('areas', fc(area('320113001001', polygon(ring))), 'crs=gcj02')).status).toBe(201);
      const [{ wkt }] = await rows('select ST_AsText(geom, 6) as wkt from admin_areas');
      expect(wkt).toBe('MULTIPOLYGON(((118.86 32.11,118.87 32.11,118.87 32.12,118.86 32.12,118.86 32.11)))');
    });
  });

  describe('geometry normalisation', () => {
    const bowtie = [[118.8, 32.0], [118.82, 32.02], [118.82, 32.0], [118.8, 32.02], [118.8, 32.0]];

    it('when a bowtie is posted with repair=true, then it becomes a valid MultiPolygon of two triangles and the response counts it', async () => {
      const res = await postJson('areas', fc(area('320113001001', polygon(bowtie)), area('320113001002', polygon(square(118.9, 32.1)))), 'repair=true');
      expect(res).toEqual({ status: 201, body: { target: 'areas', inserted: 2, repaired: 1, importId: 1 } });
      const [stored] = await rows(`select ST_IsValid(geom) as valid, GeometryType(geom) as type, ST_NumGeometries(geom) as parts,
          round(ST_Area(geom)::numeric, 8)::float as area from admin_areas where code = '320113001001'`);
      // two triangles of half-diagonal 0.01: 2 × (0.02 × 0.01 / 2)
      expect(stored).toEqual({ valid: true, type: 'MULTIPOLYGON', parts: 2, area: 0.0002 });
    });

    it('when a polygon is wound clockwise (hole counter-clockwise), then it is accepted and stored with RFC 7946 winding', async () => {
      const shell = square(118.8, 32.0, 0.04).reverse();
      const hole = square(118.81, 32.01, 0.01);
      const res = await postJson('areas', fc(area('320113001001', polygon(shell, hole))));
      expect(res.status).toBe(201);
      const [stored] = await rows(`select ST_IsPolygonCCW(geom) as ccw, ST_IsPolygonCW(geom) as cw, ST_NRings(geom) as rings,
          round(ST_Area(geom)::numeric, 8)::float as area from admin_areas`);
      expect(stored).toEqual({ ccw: true, cw: false, rings: 2, area: 0.0015 });
    });

    it('when positions carry a Z value, then it is dropped and X/Y are kept', async () => {
      const ring3d = square(118.8, 32.0).map(([x, y]) => [x, y, 12.5]);
      const res = await postJson('areas', fc(area('320113001001', polygon(ring3d))));
      expect(res.status).toBe(201);
      const [stored] = await rows('select ST_NDims(geom) as dims, ST_AsText(geom) as wkt from admin_areas');
      expect(stored).toEqual({ dims: 2, wkt: 'MULTIPOLYGON(((118.8 32,118.81 32,118.81 32.01,118.8 32.01,118.8 32)))' });
    });
  });

  describe('other targets', () => {
    it('when barriers are posted, then LineStrings are stored as MultiLineStrings', async () => {
      const road = feature({ type: 'LineString', coordinates: [[118.8, 32.1], [118.9, 32.1]] }, { id: 'r-1', class: 'road', name: '仙林大道', lanes: 6 });
      const river = feature({ type: 'MultiLineString', coordinates: [[[118.8, 32.0], [118.85, 32.05]], [[118.85, 32.05], [118.9, 32.06]]] }, { id: 'w-1', class: 'river' });
      expect((await postJson('barriers', fc(road, river))).status).toBe(201);
      expect(await rows('select ext_id, class, name, properties, GeometryType(geom) as type from barriers order by ext_id')).toEqual([
        { ext_id: 'r-1', class: 'road', name: '仙林大道', properties: { lanes: 6 }, type: 'MULTILINESTRING' },
        { ext_id: 'w-1', class: 'river', name: null, properties: {}, type: 'MULTILINESTRING' },
      ]);
    });

    it('when hazards of several geometry types are posted, then each keeps its type', async () => {
      const res = await postJson('hazards', fc(
        feature(point(118.9, 32.1), { type: 'gas_station', level: 'high' }, { id: 'h-1' }),
        feature(polygon(square(118.8, 32.0)), { id: 'h-2', type: 'chemical_plant' }),
        feature({ type: 'LineString', coordinates: [[118.8, 32.1], [118.9, 32.1]] }, { id: 'h-3', type: 'pipeline' }),
      ));
      expect(res.status).toBe(201);
      expect(await rows('select ext_id, type, level, GeometryType(geom) as geom from hazard_sources order by ext_id')).toEqual([
        { ext_id: 'h-1', type: 'gas_station', level: 'high', geom: 'POINT' },
        { ext_id: 'h-2', type: 'chemical_plant', level: null, geom: 'POLYGON' },
        { ext_id: 'h-3', type: 'pipeline', level: null, geom: 'LINESTRING' },
      ]);
    });

    it('when grids of one community make a new layer, then the layer and its plan belong to that community (its planners may publish it)', async () => {
      await postJson('areas', fc(area('320113001001', polygon(square(118.86, 32.11)))));
      const grids = fc(
        feature(polygon(square(118.86, 32.11, 0.005)), { code: 'J-01', area_code: '320113001001' }),
        feature(polygon(square(118.865, 32.11, 0.005)), { code: 'J-02', area_code: '320113001001' }),
      );
      expect((await postJson('grids', grids, 'layer=police-yl&kind=police')).status).toBe(201);
      expect(await rows(`select l.area_code::text as layer_area, p.area_code::text as plan_area from grid_plans p join grid_layers l on l.id = p.layer_id`))
        .toEqual([{ layer_area: '320113001001', plan_area: '320113001001' }]);
    });

    it('when grids are posted with a layer and kind, then the layer and plan are created and a repeat into the same plan is a 409', async () => {
      await postJson('areas', fc(area('320113001001', polygon(square(118.86, 32.11)))));
      const grids = fc(
        feature(polygon(square(118.86, 32.11, 0.005)), { code: 'J-01', name: '一号警格', area_code: '320113001001' }),
        feature(polygon(square(118.865, 32.11, 0.005)), { code: 'J-02' }),
      );
      const res = await postJson('grids', grids, 'layer=police-xl&kind=police');
      expect(res.status).toBe(201);
      expect(res.body.inserted).toBe(2);
      expect(await rows(`select l.name as layer, l.kind, p.name as plan, g.code, g.kind as grid_kind, g.area_code::text, g.name
          from grids g join grid_plans p on p.id = g.plan_id join grid_layers l on l.id = p.layer_id order by g.code`)).toEqual([
        { layer: 'police-xl', kind: 'police', plan: 'imported', code: 'J-01', grid_kind: 'police', area_code: '320113001001', name: '一号警格' },
        { layer: 'police-xl', kind: 'police', plan: 'imported', code: 'J-02', grid_kind: 'police', area_code: null, name: null },
      ]);
      // one grid lies in no area, so neither does the layer or the plan
      expect(await rows(`select l.area_code::text as layer_area, p.area_code::text as plan_area from grid_plans p join grid_layers l on l.id = p.layer_id`))
        .toEqual([{ layer_area: null, plan_area: null }]);

      const again = await postJson('grids', grids, 'layer=police-xl&kind=police');
      expect(again.status).toBe(409);
      expect(again.body.error.message).toBe("feature 0 (id 'J-01'): code 'J-01' already exists in grids (same plan); and 1 more error");
      const otherPlan = await postJson('grids', grids, 'layer=police-xl&kind=police&plan=2024');
      expect(otherPlan.status).toBe(201);
      expect(await countRows(db, 'grid_plans')).toBe(2);

      const wrongKind = await postJson('grids', grids, 'layer=police-xl&kind=emergency&plan=2025');
      expect(wrongKind.status).toBe(400);
      expect(wrongKind.body.error.message).toMatch(/layer 'police-xl' is a police layer, not emergency/);
      expect(await countRows(db, 'grids')).toBe(4);
    });
  });

  it('when the targets are listed, then each names its geometry types and required properties', async () => {
    const res = await fetch(http.url('/api/import/targets'));
    const targets = await res.json();
    expect(res.status).toBe(200);
    expect(targets.map((t: { target: string }) => t.target)).toEqual(['areas', 'address_points', 'barriers', 'grids', 'hazards', 'response_points']);
    const areas = targets[0];
    expect(areas.geometryTypes).toEqual(['Polygon', 'MultiPolygon']);
    expect(areas.properties.filter((p: { required: boolean }) => p.required).map((p: { name: string }) => p.name)).toEqual(['code', 'name', 'level']);
    expect(targets[3].params).toHaveProperty('layer');
  });
});

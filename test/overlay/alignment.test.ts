/**
 * Alignment figures on hand-made layers, metres from (118.9°, 32.1°): a community 1,500 × 500 m
 * of three comprehensive grids C1 | C2 | C3 (500 m wide each) under five police grids —
 * P1 = [0,700] × [0,500] with a hole [100,200]², P5 = that hole, P2 = [700,1000] × [0,250],
 * P3 = [700,1000] × [250,500], P4 = [1000,1500] × [0,500]. C1 is split by the hole, C2 three
 * ways, C3 lies whole in P4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { makeContiguous } from '../../server/overlay/proposal';
import { balanceWorkload, workloadFigures } from '../../server/overlay/workload';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

const [X0, Y0, KX, KY] = [118.9, 32.1, 0.0106 / 1000, 0.009 / 1000];
const pt = (x: number, y: number) => `${X0 + x * KX} ${Y0 + y * KY}`;
const ring = (x0: number, y0: number, x1: number, y1: number) => `(${pt(x0, y0)}, ${pt(x1, y0)}, ${pt(x1, y1)}, ${pt(x0, y1)}, ${pt(x0, y0)})`;
const box = (x0: number, y0: number, x1: number, y1: number) => `MULTIPOLYGON((${ring(x0, y0, x1, y1)}))`;
const COMMUNITY = '320113001001';

let db: Db;
let app: Awaited<ReturnType<typeof serveApp>>;
const plans: Record<string, number> = {};

async function plan(layer: string, kind: string, grids: [string, string, number][]) {
  const { rows: [l] } = await db.knex.raw(`insert into grid_layers (name, kind) values (?, ?) returning id`, [layer, kind]);
  const { rows: [p] } = await db.knex.raw(`insert into grid_plans (layer_id, name) values (?, 'v1') returning id`, [l.id]);
  for (const [code, wkt, households] of grids) {
    await db.knex.raw(`insert into grids (plan_id, code, kind, area_code, households, geom) values (?, ?, ?, ?, ?, ST_GeomFromText(?, 4326))`, [p.id, code, kind, COMMUNITY, households, wkt]);
  }
  return p.id as number;
}

beforeAll(async () => {
  db = await createTestDb();
  await db.knex.raw(`insert into admin_areas (code, name, level, geom) values (?, '测试社区', 'community', ST_GeomFromText(?, 4326))`, [COMMUNITY, box(0, 0, 1500, 500)]);
  plans.c = await plan('综合网格', 'comprehensive', [
    [`${COMMUNITY}001`, box(0, 0, 500, 500), 50],
    [`${COMMUNITY}002`, box(500, 0, 1000, 500), 100],
    [`${COMMUNITY}003`, box(1000, 0, 1500, 500), 60],
  ]);
  plans.p = await plan('警格', 'police', [
    ['P1', `MULTIPOLYGON((${ring(0, 0, 700, 500)}, (${pt(100, 100)}, ${pt(100, 200)}, ${pt(200, 200)}, ${pt(200, 100)}, ${pt(100, 100)})))`, 0],
    ['P2', box(700, 0, 1000, 250), 0],
    ['P3', box(700, 250, 1000, 500), 0],
    ['P4', box(1000, 0, 1500, 500), 0],
    ['P5', box(100, 100, 200, 200), 0],
  ]);
  for (const [x, y, h] of [[50, 50, 10], [150, 150, 10], [300, 300, 20], [450, 450, 10], [600, 100, 40], [800, 100, 30], [800, 400, 30], [1200, 250, 60]]) {
    await db.knex.raw(`insert into address_points (households, geom) values (?, ST_GeomFromText(?, 4326))`, [h, `POINT(${pt(x, y)})`]);
  }
  app = await serveApp(db);
});
afterAll(async () => { await app?.close(); await db?.close(); });

const round = (x: number) => Math.round(x * 1e4) / 1e4;

describe('GET /api/overlay/alignment', () => {
  it('when police grids are laid over comprehensive grids, then each grid gets exact shares of area and households', async () => {
    const res = await fetch(app.url(`/api/overlay/alignment?comprehensive=${plans.c}&overlay=${plans.p}`));
    expect(res.status).toBe(200);
    const body = await res.json();
    const shares = body.grids.map((g: { code: string; wholeIn: string | null; overlays: { code: string; areaShare: number; householdsShare: number }[] }) =>
      [g.code.slice(-3), g.wholeIn, g.overlays.map((o) => [o.code, round(o.areaShare), round(o.householdsShare)])]);
    expect(shares, JSON.stringify(shares)).toEqual([
      ['001', null, [['P1', 0.96, 0.8], ['P5', 0.04, 0.2]]], // the hole: 100 × 100 of 500 × 500
      ['002', null, [['P1', 0.4, 0.4], ['P2', 0.3, 0.3], ['P3', 0.3, 0.3]]], // split three ways
      ['003', 'P4', [['P4', 1, 1]]],
    ]);
  });

  it('when the layer figures are read, then they count whole and split grids, their households, and the boundary that matches no grid edge', async () => {
    const body = await (await fetch(app.url(`/api/overlay/alignment?comprehensive=${plans.c}&overlay=${plans.p}`))).json();
    expect(body.figures).toMatchObject({ grids: 3, splitGrids: 2, householdsInSplit: 150, sliverAreaM2: 0 });
    expect(body.figures.wholeShare).toBeCloseTo(1 / 3, 10);
    // x = 700 (500 m), the hole's ring (400 m), y = 250 between x 700 and 1000 (300 m); ±1% for the fixture's metre→degree factors
    expect(body.figures.mismatchedBoundaryM).toBeGreaterThan(1200 * 0.99);
    expect(body.figures.mismatchedBoundaryM).toBeLessThan(1200 * 1.01);
    const byCode = Object.fromEntries(body.overlays.map((o: { code: string }) => [o.code, o]));
    expect(byCode.P4).toMatchObject({ inside: [`${COMMUNITY}003`], split: [] });
    expect(byCode.P1).toMatchObject({ inside: [], split: [`${COMMUNITY}001`, `${COMMUNITY}002`] });
    expect(byCode.P5).toMatchObject({ inside: [], split: [`${COMMUNITY}001`] });
  });

  it('when a crosswalk is asked for two overlay layers, then each grid row names the covering grid or "split", in JSON and CSV', async () => {
    plans.e = await plan('应急格', 'emergency', [['E1', box(0, 0, 1500, 500), 0]]);
    const json = await (await fetch(app.url(`/api/overlay/crosswalk?comprehensive=${plans.c}&overlays=${plans.p},${plans.e}`))).json();
    expect(json.layers.map((l: { name: string }) => l.name)).toEqual(['警格', '应急格']);
    expect(json.rows.map((r: { code: string; layers: Record<string, string> }) => [r.code.slice(-3), r.layers[plans.p], r.layers[plans.e]]))
      .toEqual([['001', 'split', 'E1'], ['002', 'split', 'E1'], ['003', 'P4', 'E1']]);
    const csv = await fetch(app.url(`/api/overlay/crosswalk?comprehensive=${plans.c}&overlays=${plans.p},${plans.e}&format=csv`));
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines).toEqual(['code,households,警格,应急格', `${COMMUNITY}001,50,split,E1`, `${COMMUNITY}002,100,split,E1`, `${COMMUNITY}003,60,P4,E1`]);
    const bad = await fetch(app.url(`/api/overlay/crosswalk?comprehensive=${plans.c}&overlays=x`));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/overlays.*comma-separated/);
  });

  it('when a proposal is asked for, then each grid goes whole to the police grid with most of its households', async () => {
    const body = await (await fetch(app.url(`/api/overlay/proposal?comprehensive=${plans.c}&overlay=${plans.p}`))).json();
    expect(body.rows.map((r: { code: string; today: string; proposed: string; changed: boolean }) => [r.code.slice(-3), r.today, r.proposed, r.changed]))
      .toEqual([['001', 'P1', 'P1', true], ['002', 'P1', 'P1', true], ['003', 'P4', 'P4', false]]);
    expect(body).toMatchObject({ changed: 2, overlayGrids: 2 });
  });

  it('when the proposal is accepted, then the new police plan is an exact union of comprehensive grids', async () => {
    const res = await fetch(app.url('/api/overlay/proposal/accept'), {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ comprehensive: plans.c, overlay: plans.p, name: 'aligned' }),
    });
    expect(res.status).toBe(201);
    const { planId, check, workload } = await res.json();
    // the planning topology check's gap and overlap queries, and the areas, on the new plan
    expect(check).toMatchObject({ overlaps: 0, gaps: 0, comprehensiveGaps: 0 });
    expect(check.areaError).toBeLessThan(1e-9);
    expect(workload.proposed).toMatchObject({ overlayGrids: 2, minHouseholds: 60, maxHouseholds: 150 });
    const { rows } = await db.knex.raw(
      `select n.code, n.households, ST_NumGeometries(n.geom) as parts,
              abs(ST_Area(n.geom) - (select sum(ST_Area(c.geom)) from grids c where c.plan_id = ? and ST_Covers(n.geom, ST_PointOnSurface(c.geom)))) / ST_Area(n.geom) as union_error
       from grids n where n.plan_id = ? order by n.code`, [plans.c, planId]);
    expect(rows.map((r: { code: string; households: number; parts: number }) => [r.code, r.households, r.parts])).toEqual([['P1', 150, 1], ['P4', 60, 1]]);
    for (const r of rows) expect(r.union_error).toBeLessThan(1e-9);
    const { rows: [t] } = await db.knex.raw(
      `select (select count(*)::int from grids a join grids b on a.plan_id = b.plan_id and a.id < b.id and ST_Relate(a.geom, b.geom, '2********') where a.plan_id = ?) as overlaps,
              ST_Area(ST_SymDifference((select ST_Union(geom) from grids where plan_id = ?), (select ST_Union(geom) from grids where plan_id = ?), 1e-11)) / ST_Area((select ST_Union(geom) from grids where plan_id = ?)) as coverage_error`,
      [planId, planId, plans.c, plans.c]);
    expect(t.overlaps).toBe(0);
    expect(t.coverage_error).toBeLessThan(1e-9);
    const again = await fetch(app.url('/api/overlay/proposal/accept'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ comprehensive: plans.c, overlay: plans.p, name: 'aligned' }) });
    expect(again.status).toBe(409);
  });

  it('when an overlay grid would get two separate pieces, then the lighter piece goes to the neighbour it borders most', () => {
    // A – B – C in a row; A and C assigned to X, B to Y: X's lighter piece (A) joins Y
    const assigned = ['X', 'Y', 'X'];
    makeContiguous(assigned, [{ a: 0, b: 1, lengthM: 100 }, { a: 1, b: 2, lengthM: 100 }], [10, 50, 20]);
    expect(assigned).toEqual(['Y', 'Y', 'X']);
  });

  it('when workload is balanced, then a grid moves from the overloaded overlay grid to its lighter neighbour, keeping both in one piece', () => {
    // A – B – C – D in a row, 100 households each; X holds three, Y one: the mean is 200, the window 160–240
    const assigned = ['X', 'X', 'X', 'Y'];
    const row = [{ a: 0, b: 1, lengthM: 100 }, { a: 1, b: 2, lengthM: 100 }, { a: 2, b: 3, lengthM: 100 }];
    expect(balanceWorkload(assigned, [100, 100, 100, 100], row, 0.2)).toBe(1);
    expect(assigned).toEqual(['X', 'X', 'Y', 'Y']);
    expect(workloadFigures(assigned.map((overlay) => ({ overlay, households: 100 })))).toMatchObject({ minHouseholds: 200, maxHouseholds: 200, cv: 0 });
  });

  it('when balancing is asked for, then the proposal reports the workload before and after', async () => {
    const body = await (await fetch(app.url(`/api/overlay/proposal?comprehensive=${plans.c}&overlay=${plans.p}&balance=households&tolerance=0.2`))).json();
    // today: P1 80 (C1 40 + C2 40), P2 30, P3 30, P4 60, P5 10 households by the address points in each part
    expect(body.workload.today).toMatchObject({ overlayGrids: 5, minHouseholds: 10, maxHouseholds: 80 });
    // moving C2 (100) to P4 would leave 50 | 160, further from 84–126 than 150 | 60: nothing moves
    expect(body).toMatchObject({ balanceMoves: 0, changed: 2 });
    const bad = await fetch(app.url(`/api/overlay/proposal?comprehensive=${plans.c}&overlay=${plans.p}&balance=area`));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/balance/);
  });

  it('when a plan does not exist, then it answers 404 naming it', async () => {
    const res = await fetch(app.url(`/api/overlay/alignment?comprehensive=${plans.c}&overlay=999999`));
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('plan 999999');
  });
});

describe('POST /api/overlay/generate', () => {
  const generate = (body: object) => fetch(app.url('/api/overlay/generate'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const gridsOf = async (planId: number) => (await db.knex.raw(
    `select code, name, households, ST_NumGeometries(geom) as parts, round(ST_Area(geom::geography))::int as m2 from grids where plan_id = ? order by code`, [planId])).rows;

  it('when an emergency layer is generated per community, then its one grid is the union of the community\'s grids', async () => {
    const res = await generate({ comprehensive: plans.c, kind: 'emergency', layer: '应急格 (生成)', by: 'community' });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ grids: 1, check: { overlaps: 0, gaps: 0 } });
    const [grid] = await gridsOf(body.planId);
    const { rows: [community] } = await db.knex.raw(`select round(ST_Area(geom::geography))::int as m2 from admin_areas where code = ?`, [COMMUNITY]);
    expect(grid).toMatchObject({ code: `YJ${COMMUNITY}`, name: '测试社区应急格', households: 210, parts: 1, m2: community.m2 });
  });

  it('when a safety layer is generated to a count, then the groups are contiguous, numbered west to east and as balanced as the grids allow', async () => {
    const res = await generate({ comprehensive: plans.c, kind: 'safety', layer: '安监格', by: 'count', count: 2 });
    expect(res.status).toBe(201);
    const body = await res.json();
    // 50 | 100 | 60 households in a row: 150 | 60 is nearer 105 each than 50 | 160
    expect((await gridsOf(body.planId)).map((g: { code: string; households: number; parts: number }) => [g.code, g.households, g.parts]))
      .toEqual([['AJ320113001', 150, 1], ['AJ320113002', 60, 1]]);
    expect(body.workload).toMatchObject({ overlayGrids: 2, minHouseholds: 60, maxHouseholds: 150 });
  });

  it('when the request cannot be met, then it answers 4xx saying why and writes nothing', async () => {
    const { rows: [before] } = await db.knex.raw('select count(*)::int as n from grid_plans');
    const cases: [object, number, RegExp][] = [
      [{ comprehensive: plans.c, kind: 'safety', layer: 'x', by: 'count', count: 5 }, 400, /count 5 is more than the 3 comprehensive grids/],
      [{ comprehensive: plans.c, kind: 'safety', layer: 'x', by: 'count' }, 400, /needs 'count'/],
      [{ comprehensive: plans.c, kind: 'safety', layer: 'x', by: 'street' }, 400, /grid 320113001001001 lies in no street/],
      [{ comprehensive: plans.c, kind: 'emergency', layer: '警格', by: 'community' }, 400, /layer '警格' holds police grids, not emergency ones/],
      [{ comprehensive: plans.c, kind: 'police', layer: 'x' }, 400, /kind/],
      [{ comprehensive: 999999, kind: 'safety', layer: 'x' }, 404, /plan 999999/],
    ];
    for (const [body, status, message] of cases) {
      const res = await generate(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
    }
    const { rows: [after] } = await db.knex.raw('select count(*)::int as n from grid_plans');
    expect(after.n).toBe(before.n);
  });
});

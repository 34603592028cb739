/**
 * Area scopes in the planning side of the API: a planner scoped to one street (西街道) sees and
 * edits only that street's areas and grids, through every way out of the service (lists, single
 * objects, tiles, OGC, exports) and every write (edits, publishing, partitioning, imports);
 * jobs are the caller's own. Each check is made against what an admin (every area) gets, so a
 * missing filter shows.
 */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import * as editingRepo from '../../server/editing/editing.repo';
import { client } from '../editing/http-client';
import { buildPlan, code, insertEditingWorld, NE, NW, planState, SW, type BuiltPlan, type Frame } from '../editing/plan-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { tileOf } from '../helpers/tiles';

const DISTRICT = '320113000000';
const WEST = '320113002000'; // the planner's street: 西北社区 (NW) and 西南社区 (SW)
const EAST = '320113001000'; // another street: 东北社区 (NE), 东南社区
const NE1 = `${NE}001`;
const NE2 = `${NE}002`;
const inWest = (c: string | null | undefined) => !!c && c.startsWith('320113002');

type Http = Awaited<ReturnType<typeof serveApp>>;
let db: Db;
let o: Frame;
let plan: BuiltPlan;
let layerId: number;
let adminHttp: Http;
let plannerHttp: Http;
let admin: ReturnType<typeof client>;
let planner: ReturnType<typeof client>;

beforeAll(async () => {
  db = await createTestDb();
  o = await insertEditingWorld(db.knex);
  plan = await buildPlan(db.knex, o, { brokenNe: true }); // grids in both streets
  // the district's plan of a district layer: a street planner sees it, with only its street's grids
  const { rows: [p] } = await db.knex.raw(`update grid_plans set area_code = ? where id = ? returning layer_id`, [DISTRICT, plan.planId]);
  layerId = Number(p.layer_id);
  await db.knex.raw(`update grid_layers set area_code = ? where id = ?`, [DISTRICT, layerId]);
  adminHttp = await serveApp(db);
  plannerHttp = await serveApp(db, {}, { as: 'planner', areaCode: WEST });
  admin = client(adminHttp);
  planner = client(plannerHttp);
});
afterAll(async () => {
  await plannerHttp?.close();
  await adminHttp?.close();
  await db?.close();
});

/** The plan's grids in the database, by code, with their area: what an unscoped reader sees. */
async function gridsInDb(kind?: string): Promise<{ code: string; area_code: string | null }[]> {
  const { rows } = await db.knex.raw(
    `select code, area_code::text as area_code from grids where plan_id = ? and (cast(? as text) is null or kind = cast(? as text)) order by code`,
    [plan.planId, kind ?? null, kind ?? null]);
  return rows;
}
const codesOf = (features: { properties: { code: string } }[]) => features.map((f) => f.properties.code).sort();

async function tileFeatures(http: Http, source: string, t: { z: number; x: number; y: number }) {
  const res = await fetch(http.url(`/tiles/${source}/${t.z}/${t.x}/${t.y}.mvt`));
  expect(res.status).toBe(200);
  const vt = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
  const l = vt.layers[source];
  return { res, features: l ? Array.from({ length: l.length }, (_, i) => l.feature(i).properties) : [] };
}

describe('reads in a street scope', () => {
  it('when areas are listed, then only the street and its communities come back', async () => {
    const all = await admin.get('/api/areas');
    expect(all.body.numberMatched).toBe(7);
    const mine = await planner.get('/api/areas');
    expect(codesOf(mine.body.features)).toEqual([WEST, '320113002001', '320113002002']);
    expect(mine.body.numberMatched).toBe(3);
  });

  it('when an area of another street (or the district above) is asked, then it is a 404 like a missing one', async () => {
    expect((await admin.get(`/api/areas/${EAST}`)).status).toBe(200);
    expect((await planner.get(`/api/areas/${EAST}`)).status).toBe(404);
    expect((await planner.get(`/api/areas/${DISTRICT}`)).status).toBe(404);
    expect((await planner.get(`/api/areas/${WEST}`)).status).toBe(200);
  });

  it("when a layer's grids and a plan's grids are listed, then only the street's grids come back", async () => {
    const all = await gridsInDb();
    const west = all.filter((g) => inWest(g.area_code)).map((g) => g.code);
    expect(all.some((g) => g.code === NE1)).toBe(true); // the other street has grids to leak
    const layer = await planner.get(`/api/layers/${layerId}/grids?limit=1000`);
    expect(codesOf(layer.body.features)).toEqual(west);
    expect(layer.body.numberMatched).toBe(west.length);
    const planGrids = await planner.get(`/api/plans/${plan.planId}/grids`);
    expect(codesOf(planGrids.body.features)).toEqual(west);
    expect(codesOf((await admin.get(`/api/plans/${plan.planId}/grids`)).body.features)).toEqual(all.map((g) => g.code));
  });

  it("when layers and plans are listed, then the district's layer and plan show, counting only the street's grids", async () => {
    const west = (await gridsInDb()).filter((g) => inWest(g.area_code));
    const layers = (await planner.get('/api/layers')).body as { id: number; plan_id: number; grids: number }[];
    expect(layers.find((l) => l.plan_id === plan.planId)?.grids).toBe(west.length);
    const summary = (await planner.get(`/api/plans/${plan.planId}`)).body;
    const counted = Object.values(summary.grid_counts as Record<string, number>).reduce((s, n) => s + n, 0);
    expect(counted).toBe(west.length);
    const adminSummary = (await admin.get(`/api/plans/${plan.planId}`)).body;
    expect(Object.values(adminSummary.grid_counts as Record<string, number>).reduce((s, n) => s + n, 0)).toBeGreaterThan(counted);
  });

  it('when a grid of another street is asked, then it is a 404 like a missing one', async () => {
    expect((await admin.get(`/api/plans/${plan.planId}/grids/${NE1}`)).status).toBe(200);
    const res = await planner.get(`/api/plans/${plan.planId}/grids/${NE1}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await planner.get(`/api/plans/${plan.planId}/grids/${code.A}`)).status).toBe(200);
  });

  it("when a plan of another street's layer is asked, then it is a 404", async () => {
    const other = await buildPlan(db.knex, o);
    await db.knex.raw(`update grid_plans set area_code = ? where id = ?`, [EAST, other.planId]);
    await db.knex.raw(`update grid_layers set area_code = ? where id = (select layer_id from grid_plans where id = ?)`, [EAST, other.planId]);
    expect((await admin.get(`/api/plans/${other.planId}`)).status).toBe(200);
    expect((await planner.get(`/api/plans/${other.planId}`)).status).toBe(404);
    expect((await planner.get(`/api/plans/${other.planId}/grids`)).status).toBe(404);
    expect(((await planner.get('/api/plans')).body as { id: number }[]).map((p) => p.id)).not.toContain(other.planId);
    await db.knex.raw(`delete from grid_layers where id = (select layer_id from grid_plans where id = ?)`, [other.planId]);
  });

  it("when a tile over both streets is fetched, then it holds no grid, area or address point of the other street", async () => {
    const t = tileOf(o.x0 + o.dx, o.y0 + o.dy / 2, 12);
    const adminGrids = (await tileFeatures(adminHttp, 'grids', t)).features;
    expect(adminGrids.map((f) => f.code)).toContain(NE1);
    const { res, features: grids } = await tileFeatures(plannerHttp, 'grids', t);
    expect(grids.length).toBeGreaterThan(0);
    expect(grids.filter((f) => !inWest(String(f.area_code)))).toEqual([]);
    expect(grids.map((f) => f.code)).not.toContain(NE1);
    expect(res.headers.get('cache-control')).toMatch(/^private/);

    const areas = (await tileFeatures(plannerHttp, 'areas', t)).features.map((f) => String(f.code)).sort();
    expect(areas).toEqual([WEST, '320113002001', '320113002002']);
    expect((await tileFeatures(adminHttp, 'areas', t)).features).toHaveLength(7);

    const t13 = tileOf(o.x0 + o.dx / 2, o.y0 + (3 * o.dy) / 4, 13);
    const adminPoints = (await tileFeatures(adminHttp, 'address_points', t13)).features;
    const plannerPoints = (await tileFeatures(plannerHttp, 'address_points', t13)).features;
    const { rows: [counts] } = await db.knex.raw(
      `select count(*)::int as "all", (count(*) filter (where area_code between '320113002000' and '320113002999'))::int as west
         from address_points where ST_Intersects(geom, ST_Transform(ST_TileEnvelope(?, ?, ?, margin => ?), 4326))`,
      [t13.z, t13.x, t13.y, 64 / 4096]);
    expect(plannerPoints.length).toBe(counts.west);
    expect(adminPoints.length).toBe(counts.all);
    expect(counts.all).toBeGreaterThan(counts.west); // the fixture's points with no area are the admin's only
  });

  it("when an OGC collection is paged, then numberMatched and the items are the street's grids only", async () => {
    const comprehensive = await gridsInDb('comprehensive');
    const west = comprehensive.filter((g) => inWest(g.area_code)).map((g) => g.code);
    expect(comprehensive.length).toBeGreaterThan(west.length);
    const path = `/ogc/collections/plan-${plan.planId}-comprehensive/items?limit=100`;
    expect((await admin.get(path)).body.numberMatched).toBe(comprehensive.length);
    const page = (await planner.get(path)).body;
    expect(page.numberMatched).toBe(west.length);
    expect(codesOf(page.features)).toEqual(west);
    expect((await planner.get(`/ogc/collections/plan-${plan.planId}-comprehensive/items/${NE1}`)).status).toBe(404);
    const areas = (await planner.get('/ogc/collections/areas-community/items')).body;
    expect(areas.numberMatched).toBe(2);
    expect(codesOf(areas.features)).toEqual([NW, SW]);
  });

  it("when a collection is described, then its extent is that of the street's grids", async () => {
    const c = (await planner.get(`/ogc/collections/plan-${plan.planId}-comprehensive`)).body;
    const [minLng, , maxLng] = c.extent.spatial.bbox[0] as number[];
    expect(minLng).toBeCloseTo(o.x0, 6);
    expect(maxLng).toBeCloseTo(o.x0 + o.dx, 6); // the other street's grids reach further east
    const all = (await admin.get(`/ogc/collections/plan-${plan.planId}-comprehensive`)).body;
    expect(all.extent.spatial.bbox[0][2]).toBeGreaterThan(o.x0 + o.dx + 1e-6);
  });

  it("when a plan and the areas are exported, then the files hold only the street's features", async () => {
    const west = (await gridsInDb()).filter((g) => inWest(g.area_code)).map((g) => g.code);
    const mine = await planner.get(`/api/plans/${plan.planId}/export?format=geojson`);
    expect(mine.status).toBe(200);
    expect(codesOf(mine.body.features)).toEqual(west);
    expect((await admin.get(`/api/plans/${plan.planId}/export?format=geojson`)).body.features.length).toBeGreaterThan(west.length);
    const areas = await planner.get('/api/areas/export?format=geojson');
    expect(codesOf(areas.body.features)).toEqual([WEST, '320113002001', '320113002002']);
  });

  it("when the topology and the units are read, then nothing of the other street shows", async () => {
    const adminReport = (await admin.get(`/api/plans/${plan.planId}/topology`)).body;
    expect(adminReport.issues.some((i: { areaCode: string | null }) => i.areaCode === NE)).toBe(true); // its broken tiling
    const report = (await planner.get(`/api/plans/${plan.planId}/topology`)).body;
    expect(report.issues.filter((i: { areaCode: string | null }) => !inWest(i.areaCode))).toEqual([]);
    const units = (await planner.get(`/api/plans/${plan.planId}/units`)).body;
    expect(units.features.length).toBe(18); // 16 of 西北社区, 2 of 西南社区; not the 2 of 东北社区
    expect(units.features.filter((f: { properties: { area_code: string } }) => !inWest(f.properties.area_code))).toEqual([]);
  });
});

describe('writes in a street scope', () => {
  it("when an edit touches another street's grid, then it is a 403 out_of_scope naming the area, and nothing changes", async () => {
    const before = await planState(db.knex, plan.planId);
    const merge = await planner.edit(plan.planId, { op: 'merge', grids: [NE1, NE2] });
    expect(merge.status).toBe(403);
    expect(merge.body.error.code).toBe('out_of_scope');
    expect(merge.body.error.message).toContain(NE);
    const move = await planner.edit(plan.planId, { op: 'move_units', unitIds: [plan.neUnits[0]], toGrid: NE2 });
    expect(move.status).toBe(403);
    const split = await planner.edit(plan.planId, { op: 'split', grid: NE1, line: { type: 'LineString', coordinates: [[o.x0 + o.dx, o.y0], [o.x0 + 2 * o.dx, o.y0 + o.dy]] } });
    expect(split.status).toBe(403);
    expect(await planState(db.knex, plan.planId)).toEqual(before);
  });

  it('when an edit stays in the street, then it is made, and undoing it is allowed', async () => {
    const merge = await planner.edit(plan.planId, { op: 'merge', grids: [code.A, code.B] });
    expect(merge.status).toBe(201);
    expect((await planner.undo(plan.planId)).status).toBe(200);
  });

  it("when the latest edit is another street's, then the street planner may not undo or redo it", async () => {
    // an edit of the other street as the history holds it (its community's tiling is broken on
    // purpose, so no real edit there passes the tiling check): what it replaced and wrote is NE1
    const snap = await editingRepo.snapshot(db.knex, plan.planId, [NE1]);
    await editingRepo.discardUndone(db.knex, plan.planId);
    await editingRepo.insertEdit(db.knex, plan.planId, await editingRepo.nextSeq(db.knex, plan.planId), { op: 'split', grid: NE1 }, snap, snap);
    const before = await planState(db.knex, plan.planId);
    const undo = await planner.undo(plan.planId);
    expect(undo.status).toBe(403);
    expect(undo.body.error.code).toBe('out_of_scope');
    expect(await planState(db.knex, plan.planId)).toEqual(before);
    const touchesNe = (h: { edits: { beforeGrids: string[] }[] }) => h.edits.some((e) => e.beforeGrids.includes(NE1));
    expect(touchesNe((await admin.get(`/api/plans/${plan.planId}/edits`)).body)).toBe(true);
    expect(touchesNe((await planner.get(`/api/plans/${plan.planId}/edits`)).body)).toBe(false);
    expect((await admin.undo(plan.planId)).status).toBe(200);
    expect((await planner.redo(plan.planId)).status).toBe(403);
  });

  it("when the district's plan is published by the street planner, then it is a 403 out_of_scope: the layer is the district's", async () => {
    const res = await planner.post(`/api/plans/${plan.planId}/publish`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('out_of_scope');
    expect(res.body.error.message).toContain(DISTRICT);
    const { rows: [p] } = await db.knex.raw('select status from grid_plans where id = ?', [plan.planId]);
    expect(p.status).toBe('draft');
  });

  it('when the other street is partitioned, then it is a 403 out_of_scope and no job or plan is made', async () => {
    const count = async () => (await db.knex.raw(`select (select count(*) from jobs)::int as jobs, (select count(*) from grid_plans)::int as plans`)).rows[0];
    const before = await count();
    const res = await planner.post('/api/planning/partition', { areaCode: EAST });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('out_of_scope');
    expect(res.body.error.message).toContain(EAST);
    expect((await planner.post('/api/planning/partition', { areaCode: DISTRICT })).status).toBe(403);
    expect(await count()).toEqual(before);
  });

  it('when address points of another street are imported, then it is a 403 out_of_scope and none is stored', async () => {
    const point = (area: string, id: string) => ({ type: 'Feature', id, properties: { households: 3, area_code: area }, geometry: { type: 'Point', coordinates: [o.x0 + 0.1 * o.dx, o.y0 + 0.1 * o.dy] } });
    const send = (features: unknown[]) => fetch(plannerHttp.url('/api/import/address_points'), {
      method: 'POST', headers: { 'content-type': 'application/geo+json' }, body: JSON.stringify({ type: 'FeatureCollection', features }),
    });
    const stored = async () => Number((await db.knex.raw('select count(*)::int as n from address_points')).rows[0].n);
    const before = await stored();
    const res = await send([point(SW, 'p-in'), point(`${EAST.slice(0, 9)}001`, 'p-out')]);
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('out_of_scope');
    expect(body.error.message).toContain('320113001001');
    expect(await stored()).toBe(before);
    expect((await send([point(SW, 'p-in')])).status).toBe(201);
    expect(await stored()).toBe(before + 1);
  });
});

describe('jobs', () => {
  it("when jobs are listed or read, then a planner sees its own, not another's; an admin sees both", async () => {
    const { rows: [token] } = await db.knex.raw(`select id from api_tokens where name = 'tests-planner'`);
    const job = (id: string, owner: string) => db.knex('jobs').insert({ id, kind: 'partition', status: 'done', progress: 100, stage: 'done', started_at: new Date().toISOString(), owner });
    const mine = '00000000-0000-4000-8000-000000000001';
    const theirs = '00000000-0000-4000-8000-000000000002';
    await job(mine, `token:${token.id}`);
    await job(theirs, 'user:999');
    const listed = ((await planner.get('/api/jobs')).body as { id: string }[]).map((j) => j.id);
    expect(listed).toContain(mine);
    expect(listed).not.toContain(theirs);
    expect((await planner.get(`/api/jobs/${theirs}`)).status).toBe(404);
    expect((await planner.post(`/api/jobs/${theirs}/cancel`)).status).toBe(404);
    expect((await planner.get(`/api/jobs/${mine}`)).status).toBe(200);
    expect(((await admin.get('/api/jobs')).body as { id: string }[]).map((j) => j.id)).toEqual(expect.arrayContaining([mine, theirs]));
    // an admin of 东街道 sees the jobs of users and tokens in its area, not the 西街道 planner's
    const eastAdminHttp = await serveApp(db, {}, { as: 'admin', areaCode: EAST });
    try {
      const eastAdmin = client(eastAdminHttp);
      expect(((await eastAdmin.get('/api/jobs')).body as { id: string }[]).map((j) => j.id)).not.toContain(mine);
      expect((await eastAdmin.get(`/api/jobs/${mine}`)).status).toBe(404);
      const { rows: [westAdmin] } = await db.knex.raw(`insert into api_tokens (name, token_hash, role, area_code) values ('west-admin', '\\x01', 'admin', ?) returning id`, [WEST]);
      const westJob = '00000000-0000-4000-8000-000000000003';
      await job(westJob, `token:${westAdmin.id}`);
      expect((await eastAdmin.get(`/api/jobs/${westJob}`)).status).toBe(404);
      const westAdminView = await serveApp(db, {}, { as: 'admin', areaCode: WEST });
      try {
        expect(((await client(westAdminView).get('/api/jobs')).body as { id: string }[]).map((j) => j.id)).toEqual(expect.arrayContaining([mine, westJob]));
      } finally {
        await westAdminView.close();
      }
    } finally {
      await eastAdminHttp.close();
    }
  });
});

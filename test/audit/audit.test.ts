import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import type { ImportTarget } from '../../server/import/import.schema';
import { importFeatures } from '../../server/import/import.service';
import type { JobView } from '../../server/jobs/job-registry';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { buildPlan, code, insertEditingWorld, latticeX, latticeY, NE, NW, SW, type Frame } from '../editing/plan-fixture';

type Http = Awaited<ReturnType<typeof serveApp>>;

let db: Db;
let http: Http;
let o: Frame;
let adminActor: string;

beforeAll(async () => {
  db = await createTestDb();
  o = await insertEditingWorld(db.knex);
  http = await serveApp(db);
  const { rows: [t] } = await db.knex.raw(`select id from api_tokens where name = 'tests-admin'`);
  adminActor = `token:${t.id}:tests-admin`;
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

/** A request through `through` (default: the admin's server); answers status, X-Request-Id and JSON. */
async function call(method: string, path: string, body?: unknown, through: Http = http, contentType = 'application/json') {
  const res = await fetch(through.url(path), {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as any };
}

/** The audit rows a request wrote, oldest first, straight from the table. */
async function rowsOf(requestId: string | null) {
  const { rows } = await db.knex.raw(`select * from audit_log where request_id = ? order by id`, [requestId]);
  return rows as any[];
}
const auditCount = async () => Number((await db.knex.raw(`select count(*)::int as n from audit_log`)).rows[0].n);

/** A grid's figures and geometry digest as the plan holds it now, read from the API and the table. */
async function gridNow(planId: number, gridCode: string) {
  const res = await call('GET', `/api/plans/${planId}/grids/${gridCode}`);
  expect(res.status).toBe(200);
  const { rows: [g] } = await db.knex.raw(
    `select encode(sha256(ST_AsEWKB(geom)), 'hex') as digest, ST_NPoints(geom) as vertices from grids where plan_id = ? and code = ?`, [planId, gridCode]);
  return { ...res.body.properties, digest: g.digest as string, vertices: Number(g.vertices) };
}

function expectState(state: any, grid: any) {
  expect(state).toMatchObject({ code: grid.code, kind: grid.kind, households: grid.households, population: grid.population, geomSha256: grid.digest, vertices: grid.vertices });
  expect(state.areaM2).toBeCloseTo(grid.area_m2, 1);
}

const splitA = () => ({
  op: 'split', grid: code.A,
  line: { type: 'LineString', coordinates: [[latticeX(o, 0.5), latticeY(o, 1.6)], [latticeX(o, 0.5), latticeY(o, 4.4)]] },
});

describe('grid edits', () => {
  it('when a grid is split through the API, then one entry per changed grid is written by the token, under the request id answered, with before and after as the grids were and are', async () => {
    const p = await buildPlan(db.knex, o);
    const aBefore = await gridNow(p.planId, code.A);
    const res = await call('POST', `/api/plans/${p.planId}/edits`, splitA());
    expect(res.status).toBe(201);
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const newCode = `${NW}004`;
    const [aAfter, created] = [await gridNow(p.planId, code.A), await gridNow(p.planId, newCode)];

    const rows = await rowsOf(res.requestId);
    expect(rows.map((r) => [r.action, r.entity, r.entity_id, r.area_code, r.actor])).toEqual([
      ['grid.split', 'grid', `${p.planId}:${code.A}`, NW, adminActor],
      ['grid.split', 'grid', `${p.planId}:${newCode}`, NW, adminActor],
    ]);
    expectState(rows[0].before, aBefore);
    expectState(rows[0].after, aAfter);
    expect(rows[0].after.geomSha256).not.toBe(rows[0].before.geomSha256);
    expect(rows[0].after.households + rows[1].after.households).toBe(aBefore.households);
    expect(rows[1].before).toBeNull();
    expectState(rows[1].after, created);
  });

  it('when two grids are merged, then the kept one is recorded grown and the removed one with after null', async () => {
    const p = await buildPlan(db.knex, o);
    const [a, b] = [await gridNow(p.planId, code.A), await gridNow(p.planId, code.B)];
    const res = await call('POST', `/api/plans/${p.planId}/edits`, { op: 'merge', grids: [code.A, code.B] });
    expect(res.status).toBe(201);
    const rows = await rowsOf(res.requestId);
    expect(rows.map((r) => [r.action, r.entity_id])).toEqual([['grid.merge', `${p.planId}:${code.A}`], ['grid.merge', `${p.planId}:${code.B}`]]);
    expectState(rows[0].before, a);
    expectState(rows[0].after, await gridNow(p.planId, code.A));
    expect(rows[0].after.households).toBe(a.households + b.households);
    expectState(rows[1].before, b);
    expect(rows[1].after).toBeNull();
  });

  it('when units are painted into a grid, then the target and the source are recorded; undo and redo are recorded too, undo bringing back the very geometry', async () => {
    const p = await buildPlan(db.knex, o);
    const [a, b] = [await gridNow(p.planId, code.A), await gridNow(p.planId, code.B)];
    const res = await call('POST', `/api/plans/${p.planId}/edits`, { op: 'move_units', unitIds: [p.unit(2, 2), p.unit(2, 3)], toGrid: code.A });
    expect(res.status).toBe(201);
    const painted = await rowsOf(res.requestId);
    expect(painted.map((r) => [r.action, r.entity_id])).toEqual([['grid.move_units', `${p.planId}:${code.A}`], ['grid.move_units', `${p.planId}:${code.B}`]]);
    expect(painted[0].after.households - painted[0].before.households).toBe(b.households - painted[1].after.households);

    const undo = await call('POST', `/api/plans/${p.planId}/undo`);
    expect(undo.status).toBe(200);
    const undone = await rowsOf(undo.requestId);
    expect(undone.map((r) => [r.action, r.entity_id, r.actor])).toEqual([['grid.undo', `${p.planId}:${code.A}`, adminActor], ['grid.undo', `${p.planId}:${code.B}`, adminActor]]);
    expect(undone[0].before).toEqual(painted[0].after);
    expect(undone[0].after).toEqual(painted[0].before);
    expectState(undone[0].after, a);
    expectState(undone[1].after, b);

    const redo = await call('POST', `/api/plans/${p.planId}/redo`);
    expect(redo.status).toBe(200);
    const redone = await rowsOf(redo.requestId);
    expect(redone.map((r) => r.action)).toEqual(['grid.redo', 'grid.redo']);
    expect(redone.map((r) => r.after)).toEqual(painted.map((r) => r.after));
  });

  it.each([
    ['409 not_adjacent', () => ({ op: 'merge', grids: [code.A, code.D] }), 409],
    ['400 invalid_body', () => ({ op: 'merge', grids: [code.A] }), 400],
    ['409 tiling_broken, found after the change was made', () => ({ op: 'merge', grids: [`${NE}001`, `${NE}002`] }), 409],
  ])('when an edit fails (%s), then no entry is written', async (_what, body, status) => {
    const p = await buildPlan(db.knex, o, { brokenNe: true });
    const before = await auditCount();
    const res = await call('POST', `/api/plans/${p.planId}/edits`, body());
    expect(res.status).toBe(status);
    expect(await rowsOf(res.requestId)).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('when undo has nothing to undo, then no entry is written', async () => {
    const p = await buildPlan(db.knex, o);
    const before = await auditCount();
    const res = await call('POST', `/api/plans/${p.planId}/undo`);
    expect(res.status).toBe(409);
    expect(await auditCount()).toBe(before);
  });
});

describe('the audit trail is append-only', () => {
  it('when a row of audit_log is updated or deleted, then the database refuses', async () => {
    const { rows: [{ id }] } = await db.knex.raw(`select max(id) as id from audit_log`);
    await expect(db.knex.raw(`update audit_log set actor = 'someone else' where id = ?`, [id])).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.knex.raw(`delete from audit_log where id = ?`, [id])).rejects.toThrow(/append-only: DELETE refused/);
    const { rows: [row] } = await db.knex.raw(`select actor from audit_log where id = ?`, [id]);
    expect(row.actor).not.toBe('someone else');
  });
});

/** The database's clock now, a few milliseconds after the last write (entries are stamped with their transaction's start). */
async function dbNow(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const { rows: [r] } = await db.knex.raw(`select clock_timestamp() as t`);
  await new Promise((r) => setTimeout(r, 5));
  return new Date(r.t).toISOString();
}

/** An event in `community` (street and district from its code), straight into the table; its id. */
async function insertEvent(community: string, externalId: string): Promise<number> {
  const { rows: [e] } = await db.knex.raw(
    `insert into events (external_id, type, occurred_at, source, community_code, street_code, district_code, geom)
     values (?, 'fire', now(), 'audit-test', ?, ?, ?, ST_SetSRID(ST_MakePoint(118.91, 32.105), 4326)) returning id`,
    [externalId, community, `${community.slice(0, 9)}000`, `${community.slice(0, 6)}000000`]);
  return Number(e.id);
}

describe('plans: publish and archive', () => {
  it('when a draft is published, then plan.publish records draft → published; publishing a second plan of the layer records the first archived; a refused publish records nothing', async () => {
    const p = await buildPlan(db.knex, o);
    const plan = (await call('GET', `/api/plans/${p.planId}`)).body;
    const res = await call('POST', `/api/plans/${p.planId}/publish`);
    expect(res.status).toBe(200);
    const [published] = await rowsOf(res.requestId);
    expect(await rowsOf(res.requestId)).toHaveLength(1);
    expect(published).toMatchObject({ action: 'plan.publish', entity: 'plan', entity_id: String(p.planId), area_code: '320113002000', actor: adminActor });
    expect(published.before).toEqual({ status: 'draft', version: plan.version });
    expect(published.after).toMatchObject({ status: 'published', version: res.body.plan.version, publishedAt: res.body.plan.published_at, archived: [] });

    const { rows: [second] } = await db.knex.raw(
      `insert into grid_plans (layer_id, name, status, area_code) select layer_id, 'second', 'draft', area_code from grid_plans where id = ? returning id`, [p.planId]);
    const again = await call('POST', `/api/plans/${second.id}/publish`);
    expect(again.status).toBe(200);
    const rows = await rowsOf(again.requestId);
    expect(rows.map((r) => [r.action, r.entity_id, r.before.status, r.after.status])).toEqual([
      ['plan.archive', String(p.planId), 'published', 'archived'],
      ['plan.publish', String(second.id), 'draft', 'published'],
    ]);
    expect(rows[0].after.replacedBy).toBe(second.id);
    expect(rows[1].after.archived).toEqual([p.planId]);

    const before = await auditCount();
    const refused = await call('POST', `/api/plans/${p.planId}/publish`);
    expect(refused.status).toBe(409);
    expect(await auditCount()).toBe(before);
  });
});

describe('event status', () => {
  it('when an event moves a step, then event.status records the status before and after and the note, in the event\'s community; a refused step records nothing', async () => {
    const id = await insertEvent(NW, 'status-1');
    const res = await call('PATCH', `/api/events/${id}/status`, { status: 'verified', note: '已核实' });
    expect(res.status).toBe(200);
    expect(await rowsOf(res.requestId)).toEqual([expect.objectContaining({
      action: 'event.status', entity: 'event', entity_id: String(id), area_code: NW, actor: adminActor,
      before: { status: 'received' }, after: { status: 'verified', note: '已核实' },
    })]);
    const before = await auditCount();
    const skipped = await call('PATCH', `/api/events/${id}/status`, { status: 'handled' });
    expect(skipped.status).toBe(409);
    expect(await auditCount()).toBe(before);
  });
});

describe('imports', () => {
  const square = (x: number, y: number, d = 0.001) => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });
  const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });
  const fc = (features: { geometry: unknown; properties: Record<string, unknown> }[]) =>
    ({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) });
  const post = (target: string, body: unknown, query = '') => call('POST', `/api/import/${target}${query}`, body, http, 'application/geo+json');

  it('when areas are imported, then each area gets an area.import entry with what was written', async () => {
    const res = await post('areas', fc([
      { geometry: square(119.0, 32.0), properties: { code: '320114001001', name: '甲社区', level: 'community' } },
      { geometry: square(119.01, 32.0), properties: { code: '320114001002', name: '乙社区', level: 'community' } },
    ]));
    expect(res.status).toBe(201);
    const rows = await rowsOf(res.requestId);
    expect(rows.map((r) => [r.action, r.entity, r.entity_id, r.area_code, r.before])).toEqual([
      ['area.import', 'area', '320114001001', '320114001001', null],
      ['area.import', 'area', '320114001002', '320114001002', null],
    ]);
    expect(rows[1].after).toMatchObject({ code: '320114001002', name: '乙社区', level: 'community', parentCode: null, importId: res.body.importId });
  });

  it('when address points are imported, then one summary entry per community holds the count', async () => {
    const res = await post('address_points', fc([
      { geometry: point(118.901, 32.106), properties: { id: 'ap-1', households: 2, area_code: NW } },
      { geometry: point(118.902, 32.106), properties: { id: 'ap-2', households: 3, area_code: NW } },
      { geometry: point(118.901, 32.101), properties: { id: 'ap-3', households: 1, area_code: SW } },
    ]));
    expect(res.status).toBe(201);
    const rows = await rowsOf(res.requestId);
    expect(rows.map((r) => [r.action, r.entity, r.entity_id, r.area_code, r.after.count, r.after.of])).toEqual([
      ['address_points.import', 'import', String(res.body.importId), NW, 2, 3],
      ['address_points.import', 'import', String(res.body.importId), SW, 1, 3],
    ]);
  });

  it('when grids are imported into a new layer, then the layer, the plan and each grid are recorded; a refused import records nothing', async () => {
    const res = await post('grids', fc([
      { geometry: square(118.901, 32.106, 0.0005), properties: { code: 'G-1', area_code: NW } },
      { geometry: square(118.902, 32.101, 0.0005), properties: { code: 'G-2', area_code: SW, name: '二号' } },
    ]), '?layer=audit-imported&kind=police');
    expect(res.status).toBe(201);
    const rows = await rowsOf(res.requestId);
    const { rows: [plan] } = await db.knex.raw(
      `select p.id, p.layer_id, p.area_code::text as area_code, l.area_code::text as layer_area_code
         from grid_plans p join grid_layers l on l.id = p.layer_id where l.name = 'audit-imported'`);
    expect(rows.map((r) => [r.action, r.entity, r.entity_id, r.area_code])).toEqual([
      ['layer.create', 'layer', String(plan.layer_id), plan.layer_area_code],
      ['plan.create', 'plan', String(plan.id), plan.area_code],
      ['grid.import', 'grid', `${plan.id}:G-1`, NW],
      ['grid.import', 'grid', `${plan.id}:G-2`, SW],
    ]);
    expect(rows[3].after).toMatchObject({ code: 'G-2', kind: 'police', name: '二号', planId: plan.id, importId: res.body.importId });

    const before = await auditCount();
    const refused = await post('grids', fc([{ geometry: square(118.903, 32.106, 0.0005), properties: { code: 'G-3', area_code: '320113009999' } }]), '?layer=audit-imported-2&kind=police');
    expect(refused.status).toBe(400);
    expect(await auditCount()).toBe(before);
  });
});

describe('overlay proposal', () => {
  it('when a proposal is accepted, then the plan it makes is recorded: plan.create aligned to the comprehensive plan, based on the overlay plan', async () => {
    const p = await buildPlan(db.knex, o);
    const { rows: [layer] } = await db.knex.raw(`insert into grid_layers (name, kind) values ('audit police', 'police') returning id`);
    const { rows: [overlay] } = await db.knex.raw(`insert into grid_plans (layer_id, name) values (?, 'v1') returning id`, [layer.id]);
    await db.knex.raw(
      `insert into grids (plan_id, code, kind, area_code, households, geom)
       select ?, 'P' || right(code::text, 3), 'police', code, 0, geom from admin_areas where code in (?, ?)`, [overlay.id, NW, SW]);
    const res = await call('POST', '/api/overlay/proposal/accept', { comprehensive: p.planId, overlay: overlay.id, name: 'aligned' });
    expect(res.status).toBe(201);
    const rows = await rowsOf(res.requestId);
    expect(rows.map((r) => [r.action, r.entity, r.entity_id, r.area_code, r.actor])).toEqual([['plan.create', 'plan', String(res.body.planId), '320113002000', adminActor]]);
    expect(rows[0].after).toMatchObject({ name: 'aligned', status: 'draft', layerId: layer.id, basedOn: overlay.id, params: { alignedTo: p.planId } });
  });
});

describe('GET /api/audit', () => {
  let t0: string, t1: string;
  let plan: number;
  let neEvent: number;
  let streetPlanner: Http;
  let viewer: Http;
  const STREET = '320113002000';

  beforeAll(async () => {
    t0 = await dbNow();
    plan = (await buildPlan(db.knex, o)).planId;
    expect((await call('POST', `/api/plans/${plan}/edits`, splitA())).status).toBe(201);
    expect((await call('POST', `/api/plans/${plan}/edits`, { op: 'merge', grids: [code.E, code.F] })).status).toBe(201);
    expect((await call('POST', `/api/plans/${plan}/undo`)).status).toBe(200);
    t1 = await dbNow();
    neEvent = await insertEvent(NE, 'status-ne');
    expect((await call('PATCH', `/api/events/${neEvent}/status`, { status: 'verified' })).status).toBe(200);
    streetPlanner = await serveApp(db, {}, { as: 'planner', areaCode: STREET });
    viewer = await serveApp(db, {}, { as: 'viewer' });
  });
  afterAll(async () => {
    await streetPlanner?.close();
    await viewer?.close();
  });

  const list = async (query: string, through: Http = http) => {
    const res = await call('GET', `/api/audit?${query}`, undefined, through);
    expect(res.status).toBe(200);
    return res.body as { total: number; limit: number; offset: number; entries: any[] };
  };

  it('when filtered by area, then only entries in that area\'s subtree are answered, newest first', async () => {
    const community = await list(`area=${SW}&limit=1000`);
    expect(community.entries.length).toBeGreaterThanOrEqual(3); // the merge of E and F (2), its undo (2)
    expect(community.entries.every((e) => e.areaCode === SW)).toBe(true);
    const ids = community.entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(community.entries[0]).toMatchObject({ action: 'grid.undo', entity: 'grid', actor: adminActor });

    const street = await list(`area=${STREET}&limit=1000`);
    const areas = new Set(street.entries.map((e) => e.areaCode));
    expect(areas.has(NW) && areas.has(SW)).toBe(true);
    expect([...areas].every((a) => a.startsWith('320113002'))).toBe(true);
    expect(street.total).toBe(street.entries.length);
  });

  it('when filtered by time, then only entries stamped in [from, to) are answered', async () => {
    const window = await list(`from=${t0}&to=${t1}&limit=1000`);
    expect(window.entries.map((e) => e.action).sort()).toEqual(['grid.merge', 'grid.merge', 'grid.split', 'grid.split', 'grid.undo', 'grid.undo']);
    expect(window.entries.every((e) => e.at >= t0 && e.at < t1)).toBe(true);
    const later = await list(`from=${t1}&entity=event&limit=1000`);
    expect(later.entries.map((e) => [e.action, e.entityId, e.areaCode])).toEqual([['event.status', String(neEvent), NE]]);
  });

  it('when filtered by entity, id and action, then those match; a grid\'s history is also at /api/plans/:id/grids/:code/history', async () => {
    const a = await list(`entity=grid&entityId=${plan}:${code.A}`);
    expect(a.entries.map((e) => e.action)).toEqual(['grid.split']);
    const merges = await list(`action=grid.merge&from=${t0}`);
    expect(merges.entries.map((e) => e.entityId).sort()).toEqual([`${plan}:${code.E}`, `${plan}:${code.F}`]);
    const family = await list(`action=grid.*&from=${t0}&to=${t1}`);
    expect(family.total).toBe(6);
    const history = await call('GET', `/api/plans/${plan}/grids/${code.F}/history`);
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: any) => [e.action, e.before === null, e.after === null])).toEqual([['grid.undo', true, false], ['grid.merge', false, true]]);
  });

  it('when paged, then limit and offset cut the newest-first list and total counts all', async () => {
    const all = await list(`from=${t0}&to=${t1}`);
    const page = await list(`from=${t0}&to=${t1}&limit=2&offset=2`);
    expect(page).toMatchObject({ total: all.total, limit: 2, offset: 2 });
    expect(page.entries.map((e) => e.id)).toEqual(all.entries.slice(2, 4).map((e) => e.id));
  });

  it('when a street-scoped planner asks, then it sees its street\'s entries only: not another street\'s, not those with no area', async () => {
    const admin = await list('limit=1000');
    expect(admin.entries.some((e) => e.areaCode === null)).toBe(true); // the tokens made by serveApp
    expect(admin.entries.some((e) => e.areaCode === NE)).toBe(true);
    const scoped = await list('limit=1000', streetPlanner);
    expect(scoped.entries.length).toBeGreaterThan(0);
    expect(scoped.entries.every((e) => e.areaCode?.startsWith('320113002'))).toBe(true);
    expect(scoped.total).toBe(admin.entries.filter((e) => e.areaCode?.startsWith('320113002')).length);
    expect((await list(`area=${NE}`, streetPlanner)).entries).toEqual([]);
    expect((await call('GET', `/api/plans/${plan}/grids/${code.F}/history`, undefined, streetPlanner)).body.entries).toHaveLength(2);
  });

  it('when the caller lacks audit:read or the query is bad, then 403 or 400 naming the parameter', async () => {
    const denied = await call('GET', '/api/audit', undefined, viewer);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'forbidden', details: { permission: 'audit:read' } });
    const badTime = await call('GET', '/api/audit?from=yesterday');
    expect(badTime.status).toBe(400);
    expect(badTime.body.error).toMatchObject({ code: 'invalid_query', message: expect.stringContaining("'from'") });
    const tooMany = await call('GET', '/api/audit?limit=100000');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('MAX_PAGE_SIZE');
    expect((await call('GET', '/api/audit?area=32011300')).status).toBe(400);
  });
});

describe('partition', () => {
  let pdb: Db;
  let papp: Http;
  beforeAll(async () => {
    pdb = await createTestDb();
    const all = JSON.parse(readFileSync('test/fixtures/partition/block-grid/in.geojson', 'utf8')) as FeatureCollection;
    for (const target of ['areas', 'barriers', 'address_points'] as ImportTarget[]) {
      await importFeatures(pdb, target, { type: 'FeatureCollection', features: all.features.filter((f) => f.properties?.target === target) }, {});
    }
    papp = await serveApp(pdb);
  });
  afterAll(async () => {
    await papp?.close();
    await pdb?.close();
  });

  it('when an area is partitioned, then the new layer and plan are recorded, the plan with the partition\'s figures, by the caller under its request id', async () => {
    const res = await call('POST', '/api/planning/partition', { areaCode: '320113001001', layer: 'audit-partition', plan: 'first' }, papp);
    expect(res.status).toBe(202);
    let job: JobView;
    for (;;) {
      job = (await call('GET', `/api/jobs/${res.body.id}`, undefined, papp)).body;
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job.status).toBe('done');
    const result = job.result as { planId: number; layerId: number; grids: number; households: number };
    const { rows } = await pdb.knex.raw(`select * from audit_log where request_id = ? order by id`, [res.requestId]);
    const { rows: [t] } = await pdb.knex.raw(`select id from api_tokens where name = 'tests-admin'`);
    expect(rows.map((r: any) => [r.action, r.entity_id, r.area_code, r.actor])).toEqual([
      ['layer.create', String(result.layerId), '320113001001', `token:${t.id}:tests-admin`],
      ['plan.create', String(result.planId), '320113001001', `token:${t.id}:tests-admin`],
    ]);
    expect(rows[1].after).toMatchObject({ name: 'first', status: 'draft', by: 'partition', grids: result.grids, households: result.households });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
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
async function call(method: string, path: string, body?: unknown, through: Http = http) {
  const res = await fetch(through.url(path), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
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

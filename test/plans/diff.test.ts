import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { boxesAreaM2, insertPlan, NE, NW, SE, splitCommunities, SW, type Box, type Frame, type GridSpec } from './plan-fixture';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let o: Frame;
let v1: number;
let v2: number;

/**
 * v1: every community cut in two at x = 0.3 (west) / 1.3 (east).
 * v2: NW unchanged; SW cut moved to 0.6 (its 80 households move 002 → 001); NE one grid
 * (NE 002 removed, its 300 households move to 001); SE 002 shrunk to x 1.3..1.4 and a new
 * SE 003 takes x 1.4..2 with the 5 households; a new dedicated grid D over a point of 7
 * households that no v1 grid covers (x 2.05..2.15, outside the district).
 */
const D = `${SE}901`;
const v1Grids = splitCommunities({ nw: 0.3, sw: 0.3, ne: 1.3, se: 1.3 });
const v2Grids: GridSpec[] = [
  ...splitCommunities({ nw: 0.3, sw: 0.6, ne: 1.3, se: 1.3 }).filter((g) => !g.code.startsWith(NE) && g.code !== `${SE}002`),
  { code: `${NE}001`, area: NE, name: '东北网格', boxes: [[1, 0.5, 2, 1]] },
  { code: `${SE}002`, area: SE, name: '东南二网格', boxes: [[1.3, 0, 1.4, 0.5]] },
  { code: `${SE}003`, area: SE, name: '东南三网格', boxes: [[1.4, 0, 2, 0.5]] },
  { code: D, kind: 'dedicated', area: SE, name: '物流园', boxes: [[2.05, 0.2, 2.15, 0.3]] },
  // a micro-grid does not take part in household moves (its parent does)
  { code: `${NW}00101`, kind: 'micro', area: NW, parent: `${NW}001`, boxes: [[0, 0.5, 0.3, 1]] },
];

beforeAll(async () => {
  db = await createTestDb();
  o = await insertSquareDistrict(db.knex);
  await db.knex.raw('insert into address_points (households, population, geom) values (7, 20, ST_SetSRID(ST_MakePoint(?, ?), 4326))', [o.x0 + 2.1 * o.dx, o.y0 + 0.25 * o.dy]);
  v1 = await insertPlan(db.knex, o, { layer: '综合网格', name: 'v1', status: 'published', grids: v1Grids });
  v2 = await insertPlan(db.knex, o, { layer: '综合网格', name: 'v2', grids: v2Grids });
  http = await serveApp(db);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

const getJson = async (path: string) => {
  const res = await fetch(http.url(path));
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
};
const area = (boxes: Box[]) => boxesAreaM2(db.knex, o, boxes);

describe('plan diff', () => {
  it('when two plans of a layer are compared, then codes added, removed, reshaped (with area change) and unchanged add up', async () => {
    const { status, body } = await getJson(`/api/plans/${v1}/diff/${v2}`);
    expect(status).toBe(200);
    expect(body.from).toBe(v1);
    expect(body.to).toBe(v2);
    expect(body.added).toEqual([`${SE}003`, D, `${NW}00101`]); // sorted by code
    expect(body.removed).toEqual([`${NE}002`]);
    expect(body.reshaped.map((r: any) => r.code)).toEqual([`${SW}001`, `${SW}002`, `${NE}001`, `${SE}002`].sort());
    expect(body.unchanged).toBe(3); // NW 001, NW 002, SE 001

    const change = Object.fromEntries(body.reshaped.map((r: any) => [r.code, r]));
    const swGain = (await area([[0, 0, 0.6, 0.5]])) - (await area([[0, 0, 0.3, 0.5]]));
    expect(swGain).toBeGreaterThan(0.29 * 0.5e6);
    expect(change[`${SW}001`].areaChangeM2).toBeCloseTo(swGain, 1);
    expect(change[`${SW}001`].symDiffM2).toBeCloseTo(swGain, 1); // grew, lost nothing
    expect(change[`${SW}002`].areaChangeM2).toBeCloseTo(-swGain, 1);
    expect(change[`${NE}001`].areaChangeM2).toBeCloseTo(await area([[1.3, 0.5, 2, 1]]), 1);
    expect(change[`${SE}002`].areaChangeM2).toBeCloseTo(-(await area([[1.4, 0, 2, 0.5]])), 1);
  });

  it('when two plans are compared, then households that change grid are summed per move, none for grids they stay in', async () => {
    const { body } = await getJson(`/api/plans/${v1}/diff/${v2}`);
    expect(body.moves).toEqual([
      { from: `${NE}002`, to: `${NE}001`, households: 300, population: 900, points: 1 },
      { from: `${SW}002`, to: `${SW}001`, households: 80, population: 240, points: 1 },
      { from: null, to: D, households: 7, population: 20, points: 1 },
      { from: `${SE}002`, to: `${SE}003`, households: 5, population: 15, points: 1 },
    ]);
    // the other way round, every move is reversed
    const back = await getJson(`/api/plans/${v2}/diff/${v1}`);
    expect(back.body.added).toEqual([`${NE}002`]);
    expect(back.body.removed).toEqual([`${SE}003`, D, `${NW}00101`]);
    expect(back.body.moves.map((m: any) => [m.from, m.to, m.households])).toEqual([
      [`${NE}001`, `${NE}002`, 300], [`${SW}001`, `${SW}002`, 80], [D, null, 7], [`${SE}003`, `${SE}002`, 5],
    ]);
  });

  it('when a plan is compared with itself, then nothing changed', async () => {
    const { body } = await getJson(`/api/plans/${v2}/diff/${v2}`);
    expect(body).toMatchObject({ added: [], removed: [], reshaped: [], unchanged: v2Grids.length, moves: [] });
  });

  it('when the diff is asked as GeoJSON, then changed grids of b and removed ones of a come as features marked by change', async () => {
    const { status, type, body } = await getJson(`/api/plans/${v1}/diff/${v2}?format=geojson`);
    expect(status).toBe(200);
    expect(type).toContain('application/geo+json');
    const rows = body.features.map((f: any) => [f.properties.code, f.properties.change, f.properties.plan_id]);
    expect(rows).toEqual([
      [`${NE}001`, 'reshaped', v2], [`${NE}002`, 'removed', v1], [`${NW}00101`, 'added', v2],
      [`${SE}002`, 'reshaped', v2], [`${SE}003`, 'added', v2], [D, 'added', v2],
      [`${SW}001`, 'reshaped', v2], [`${SW}002`, 'reshaped', v2],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    for (const f of body.features) {
      expect(f.geometry.type).toBe('MultiPolygon');
      expect(typeof f.id).toBe('number');
    }
    const ne1 = body.features.find((f: any) => f.properties.code === `${NE}001`);
    expect(ne1.properties.areaChangeM2).toBeCloseTo(await area([[1.3, 0.5, 2, 1]]), 1);
    // the removed grid is drawn where it was in v1
    const ne2 = body.features.find((f: any) => f.properties.code === `${NE}002`);
    const xs = ne2.geometry.coordinates[0][0].map((p: number[]) => p[0]);
    expect(Math.min(...xs)).toBeCloseTo(o.x0 + 1.3 * o.dx, 9);
  });

  it('when a grid moves by less than a square metre, then it is unchanged, not reshaped', async () => {
    const shifted = await insertPlan(db.knex, o, {
      layer: '综合网格',
      name: 'v1 nudged',
      // 1e-8° ≈ 1 mm: the symmetric difference of NW 001 is ≈ 0.5 m²
      grids: v1Grids.map((g) => (g.code === `${NW}001` ? { ...g, boxes: [[0, 0.5, 0.3 + 1e-8 / o.dx, 1]] as Box[] } : g)),
    });
    const { body } = await getJson(`/api/plans/${v1}/diff/${shifted}`);
    expect(body).toMatchObject({ added: [], removed: [], reshaped: [], unchanged: 8, moves: [] });
  });
});

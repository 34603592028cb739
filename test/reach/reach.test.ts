/**
 * Quick-response reach on a hand-made road network, metres from (118.9°, 32.1°): road A runs
 * east from (0, 0) to (3000, 0); road B runs north–south through (1000, 0), from y −1000 to
 * 1000, crossing A with no shared vertex (the service must node it). One police post stands at
 * (0, 0). Grids along road A: G1 [0, 400], G2 [2600, 3000], G3 [2400, 2600], each 80 m high.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { networkDistances, reachedStretches, metresBetween, type RoadEdge } from '../../server/reach/road-isochrone';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

// metres per degree on the haversine sphere, so the pure tests' distances come out whole
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const [X0, Y0, KX, KY] = [118.9, 32.1, 1 / (M_PER_DEG * Math.cos((32.1 * Math.PI) / 180)), 1 / M_PER_DEG];
const at = (x: number, y: number): [number, number] => [X0 + x * KX, Y0 + y * KY];
const pt = (x: number, y: number) => at(x, y).join(' ');
const box = (x0: number, y0: number, x1: number, y1: number) => `MULTIPOLYGON(((${pt(x0, y0)}, ${pt(x1, y0)}, ${pt(x1, y1)}, ${pt(x0, y1)}, ${pt(x0, y0)})))`;
const OFF_ROAD_M = 50;

let db: Db;
let app: Awaited<ReturnType<typeof serveApp>>;
let plan: number;
const get = async (query: string) => {
  const res = await fetch(app.url(`/api/reach?${query}`));
  return { status: res.status, body: await res.json() };
};

beforeAll(async () => {
  db = await createTestDb();
  const { rows: [l] } = await db.knex.raw(`insert into grid_layers (name, kind) values ('综合网格', 'comprehensive') returning id`);
  ({ rows: [{ id: plan }] } = await db.knex.raw(`insert into grid_plans (layer_id, name) values (?, 'v1') returning id`, [l.id]));
  for (const [code, x0, x1] of [['G1', 0, 400], ['G2', 2600, 3000], ['G3', 2400, 2600]] as const) {
    await db.knex.raw(`insert into grids (plan_id, code, kind, geom) values (?, ?, 'comprehensive', ST_GeomFromText(?, 4326))`, [plan, code, box(x0, -40, x1, 40)]);
  }
  for (const [x, h] of [[200, 5], [2450, 10], [2580, 20], [2800, 30]]) {
    await db.knex.raw(`insert into address_points (households, geom) values (?, ST_GeomFromText(?, 4326))`, [h, `POINT(${pt(x, 0)})`]);
  }
  app = await serveApp(db);
});
afterAll(async () => { await app?.close(); await db?.close(); });

describe('road isochrones (pure)', () => {
  it('when a network is walked from an origin, then each junction gets its network distance and the reached stretches add up', () => {
    const line = (...xs: [number, number][]): RoadEdge => {
      const coords = xs.map(([x, y]) => at(x, y));
      return { coords, lengthM: coords.slice(1).reduce((s, c, i) => s + metresBetween(coords[i], c), 0) };
    };
    // A split at the junction; B's two halves
    const edges = [line([0, 0], [1000, 0]), line([1000, 0], [3000, 0]), line([1000, -1000], [1000, 0]), line([1000, 0], [1000, 1000])];
    const d = networkDistances(edges, [{ lng: at(0, 0)[0], lat: at(0, 0)[1] }]);
    expect(d.map((x) => [Math.round(x.from), Math.round(x.to)])).toEqual([[0, 1000], [1000, 3000], [2000, 1000], [1000, 2000]]);
    const reached = (budgetM: number) => Math.round(reachedStretches(edges, d, budgetM)
      .reduce((s, c) => s + c.slice(1).reduce((t, p, i) => t + metresBetween(c[i], p), 0), 0));
    expect(reached(500)).toBe(500);
    expect(reached(1500)).toBe(1500 + 2 * 500);
    expect(reached(5000)).toBe(3000 + 2000);
  });
});

describe('GET /api/reach', () => {
  it('when no response points are loaded, then nothing is reached and every grid is outside', async () => {
    const { status, body } = await get(`plan=${plan}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ points: 0, grids: { total: 3, outsideCount: 3, householdsOutside: 65 } });
    expect(body.areas.features.map((f: { properties: { areaM2: number } }) => f.properties.areaM2)).toEqual([0, 0, 0]);
  });

  it('when roads are asked for but none are loaded, then it answers 400 and straight-line reach works', async () => {
    await db.knex.raw(`insert into response_points (ext_id, kind, name, geom) values ('p1', 'quick_response', '快反点 1', ST_GeomFromText(?, 4326))`, [`POINT(${pt(0, 0)})`]);
    const road = await get('mode=road');
    expect(road.status).toBe(400);
    expect(road.body.error.message).toMatch(/mode 'road' needs roads/);
    // auto without roads: straight line at 20 km/h, 333⅓ m a minute
    const { status, body } = await get(`minutes=1&plan=${plan}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ mode: 'straight', speedKmh: 20, minutes: [1], points: 1 });
    const r = 20_000 / 60;
    expect(body.areas.features[0].properties.areaM2 / (Math.PI * r * r)).toBeCloseTo(1, 2);
  });

  it('when roads are loaded, then 1-3-5 minute areas follow them (noded where they cross) and grids beyond 5 minutes are listed', async () => {
    await db.knex.raw(`insert into barriers (ext_id, class, geom) values ('A', 'road', ST_GeomFromText(?, 4326)), ('B', 'road', ST_GeomFromText(?, 4326))`,
      [`MULTILINESTRING((${pt(0, 0)}, ${pt(3000, 0)}))`, `MULTILINESTRING((${pt(1000, -1000)}, ${pt(1000, 1000)}))`]);
    const { status, body } = await get(`plan=${plan}&offRoadM=${OFF_ROAD_M}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ mode: 'road', speedKmh: 30, minutes: [1, 3, 5], offRoadM: OFF_ROAD_M });
    const [one, three, five] = body.areas.features.map((f: { properties: { areaM2: number } }) => f.properties.areaM2);
    const cap = Math.PI * OFF_ROAD_M ** 2;
    // 1 min = 500 m of A, 100 m wide, with round ends
    expect(one / (500 * 100 + cap)).toBeGreaterThan(0.99);
    expect(one / (500 * 100 + cap)).toBeLessThan(1.01);
    // 3 min = 1,500 m of A and 500 m of B each way from the crossing (its 100 × 100 m counted once), four ends
    expect(three / (2500 * 100 - 100 * 100 + 2 * cap)).toBeCloseTo(1, 1);
    // 5 min = 2,500 m of A and all of B
    expect(five / (4500 * 100 - 100 * 100 + 2 * cap)).toBeCloseTo(1, 1);
    expect(body.grids).toMatchObject({ total: 3, outsideCount: 2, householdsOutside: 50 });
    const [g2, g3] = body.grids.outside;
    expect(g2).toMatchObject({ code: 'G2', reachShare: 0, households: 30, householdsOutside: 30 });
    // G3: [2400, 2500] and the round end to 2550 (3,518 m² of a 50 m circle within ±40 m) of its 200 × 80 m;
    // the address point at 2580 is outside
    expect(g3).toMatchObject({ code: 'G3', households: 30, householdsOutside: 20 });
    expect(g3.reachShare).toBeGreaterThan(0.69);
    expect(g3.reachShare).toBeLessThan((8000 + 3518) / 16000);
  });

  it('when the query is bad, then it answers 400 naming the parameter', async () => {
    for (const [query, message] of [['minutes=5,3', /minutes must ascend/], ['mode=fly', /mode/], ['kinds=tank', /kinds/], ['speedKmh=-3', /speedKmh/]] as const) {
      const { status, body } = await get(query);
      expect(status, query).toBe(400);
      expect(body.error.message, query).toMatch(message);
    }
  });
});

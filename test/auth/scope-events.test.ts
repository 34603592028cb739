/**
 * Area scopes and detail access of events, heatmaps, grid risk, hazards and response points,
 * through the real API with real API tokens, on the square district of test/helpers/areas-fixture
 * (320113000000, 2 × 1 km: west street 320113002000, east street 320113001000) plus a neighbouring
 * district 320114000000 east of it and open land beyond: events are ingested everywhere by an
 * unbounded admin, then read by a police token of the west street, a police token of the district,
 * and a viewer (no events:read). Expectations are counted independently from the events as sent
 * (their position against the fixture's boxes) and checked against the stored area codes.
 */
import { bboxPolygon, booleanIntersects, distance, polygon } from '@turf/turf';
import { cellToBoundary, cellToLatLng, cellToParent, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createRng } from '../../server/geo/prng';
import { eventScore, hazardProximityScore } from '../../server/risk/risk-model';
import { insertCommunityGridPlan, insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

type App = Awaited<ReturnType<typeof serveApp>>;
interface Sent { id: string; type: string; severity: number; occurred_at: string; lng: number; lat: number; x: number; y: number; phone: string }

const DISTRICT = '320113000000', WEST = '320113002000', EAST = '320113001000', NEIGHBOUR = '320114000000';
const TYPES = ['dispute', 'hotline_12345', 'police_incident', 'fire'];
const FROM = '2026-01-10', TO = '2026-03-20';
/** The type (and a day outside every window asked for) of the events the ingest tests write, so the map tests count the seeded events only. */
const INGESTED = 'ingest_check';

let db: Db;
let admin: App, west: App, district: App, viewer: App;
let at: (x: number, y: number) => [number, number];
const sent: Sent[] = [];

/** Where an event was sent, in the fixture's km grid: west street x ∈ [0, 1), east [1, 2), neighbouring district [2, 3), nothing beyond. */
const inWest = (e: { x: number; y: number }) => e.x < 1 && e.y < 1;
const inDistrict = (e: { x: number; y: number }) => e.x < 2 && e.y < 1;
const dayOf = (e: Sent) => new Date(Date.parse(e.occurred_at) + 8 * 3600_000).toISOString().slice(0, 10);
const cellOf = (e: { lat: number; lng: number }, res: number) => cellToParent(latLngToCell(e.lat, e.lng, 12), res);

function h3Counts(res: number, keep: (e: Sent) => boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of sent) {
    if (dayOf(e) < FROM || dayOf(e) >= TO || !keep(e)) continue;
    counts.set(cellOf(e, res), (counts.get(cellOf(e, res)) ?? 0) + 1);
  }
  return counts;
}
const asMap = (body: { cells: string[]; counts: number[] }) => new Map(body.cells.map((c, i) => [c, body.counts[i]]));
const getJson = async (app: App, path: string, status = 200) => {
  const res = await fetch(app.url(path));
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(status);
  return res.json();
};
const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');
const bulk = (app: App, query: string, rows: object[]) =>
  fetch(app.url(`/api/events/bulk?format=ndjson&${query}`), { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson(rows) });
const idOf = async (externalId: string, source = 'test') =>
  (await db.knex.raw('select id::int as id from events where source = ? and external_id = ?', [source, externalId])).rows[0].id as number;

beforeAll(async () => {
  db = await createTestDb();
  const { x0, y0, dx, dy } = await insertSquareDistrict(db.knex);
  at = (x, y) => [x0 + x * dx, y0 + y * dy];
  await db.knex.raw(`insert into admin_areas (code, name, level, parent_code, geom) values (?, '邻区', 'district', null, ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326)))`,
    [NEIGHBOUR, x0 + 2 * dx, y0, x0 + 3 * dx, y0 + dy]);
  await insertCommunityGridPlan(db.knex);

  const rng = createRng(11);
  const start = Date.parse('2026-01-01T00:00:00+08:00');
  for (let i = 0; i < 500; i++) {
    // away from the boxes' edges by 1 m or more, so which box holds a point is not a question of rounding
    const x = Math.min(3.6, Math.floor(rng.next() * 3.6) + 0.001 + rng.next() * 0.998), y = 0.001 + rng.next() * 0.998;
    const [lng, lat] = at(x, y);
    sent.push({ id: `e${i}`, type: TYPES[rng.int(0, TYPES.length - 1)], severity: rng.int(1, 3), occurred_at: new Date(start + rng.next() * 90 * 86_400_000).toISOString(), lng, lat, x, y, phone: `1380000${i}` });
  }
  // a cluster in the west street, so a cell there holds many events
  for (let i = 0; i < 30; i++) {
    const [lng, lat] = at(0.3, 0.4);
    sent.push({ id: `c${i}`, type: 'fire', severity: 2, occurred_at: new Date(start + (40 + i / 10) * 86_400_000).toISOString(), lng, lat, x: 0.3, y: 0.4, phone: '' });
  }
  admin = await serveApp(db);
  west = await serveApp(db, {}, { as: 'police', areaCode: WEST });
  district = await serveApp(db, {}, { as: 'police', areaCode: DISTRICT });
  viewer = await serveApp(db, {}, { as: 'viewer' });
  const res = await bulk(admin, 'source=test', sent.map(({ x: _x, y: _y, ...e }) => e));
  expect(res.status, await res.clone().text()).toBe(201);
  expect((await res.json()).accepted).toBe(sent.length);
});
afterAll(async () => {
  for (const app of [admin, west, district, viewer]) await app?.close();
  await db?.close();
});

describe('events of a street-scoped police token', () => {
  it('when it lists events, then it gets exactly the events assigned to its street, as many as were sent there', async () => {
    const { rows: [{ n }] } = await db.knex.raw('select count(*)::int as n from events where street_code = ?', [WEST]);
    const expected = sent.filter(inWest).length;
    expect(n).toBe(expected);
    expect(expected).toBeGreaterThan(30);
    expect(expected).toBeLessThan(sent.length / 2);
    const body = await getJson(west, '/api/events?limit=1000');
    expect(body.total).toBe(expected);
    expect(body.events).toHaveLength(expected);
    expect(new Set(body.events.map((e: { street_code: string }) => e.street_code))).toEqual(new Set([WEST]));
    expect(new Set(body.events.map((e: { external_id: string }) => e.external_id))).toEqual(new Set(sent.filter(inWest).map((e) => e.id)));
    // the unbounded admin sees them all
    expect((await getJson(admin, '/api/events?limit=1')).total).toBe(sent.length);
  });

  it("when it asks for another street's event or one in no area, then it is a 404, as if the event did not exist", async () => {
    const east = sent.find((e) => inDistrict(e) && !inWest(e))!;
    const nowhere = sent.find((e) => e.x >= 3)!;
    const own = sent.find(inWest)!;
    for (const e of [east, nowhere]) {
      const id = await idOf(e.id);
      expect((await getJson(admin, `/api/events/${id}`)).external_id).toBe(e.id);
      const res = await fetch(west.url(`/api/events/${id}`));
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
    const body = await getJson(west, `/api/events/${await idOf(own.id)}`);
    expect(body).toMatchObject({ external_id: own.id, street_code: WEST, sensitive: { phone: own.phone } });
  });

  it("when it moves another street's event along the workflow, then it is a 404 and the event is unchanged", async () => {
    const east = sent.find((e) => inDistrict(e) && !inWest(e))!;
    const id = await idOf(east.id);
    const before = (await db.knex.raw('select status, (select count(*)::int from event_status_history where event_id = ?) as steps from events where id = ?', [id, id])).rows[0];
    const patch = (app: App) => fetch(app.url(`/api/events/${id}/status`), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'verified' }) });
    const res = await patch(west);
    expect(res.status).toBe(404);
    const after = (await db.knex.raw('select status, (select count(*)::int from event_status_history where event_id = ?) as steps from events where id = ?', [id, id])).rows[0];
    expect(after).toEqual(before);
    expect(after.status).toBe('received');
    // the district token holds it: the same step is allowed there
    expect((await patch(district)).status).toBe(200);
    expect((await db.knex.raw('select status from events where id = ?', [id])).rows[0].status).toBe('verified');
  });
});

describe('ingest by a district-scoped token', () => {
  const batch = () => [
    { id: 'b-in-1', x: 0.5, y: 0.5 }, { id: 'b-out-neighbour', x: 2.5, y: 0.5 }, { id: 'b-in-2', x: 1.5, y: 0.2 },
    { id: 'b-out-nowhere', x: 5, y: 0.5 }, { id: 'b-in-3', x: 1.9, y: 0.9 },
  ].map(({ id, x, y }) => { const [lng, lat] = at(x, y); return { id, type: INGESTED, occurred_at: '2025-05-01 10:00', lng, lat, 姓名: '李某' }; });
  const countOf = async (source: string) => (await db.knex.raw('select count(*)::int as n from events where source = ?', [source])).rows[0].n as number;

  it('when a batch (mode all) holds events outside its district, then it is a 403 naming each such row and nothing is written', async () => {
    const res = await bulk(district, 'source=police-all', batch());
    expect(res.status).toBe(403);
    const { error } = await res.json();
    expect(error.code).toBe('out_of_scope');
    expect(error.details.rejects.map((r: { row: number; reason: string }) => [r.row, r.reason])).toEqual([
      [2, `outside the area ${DISTRICT} of this token`], [4, `outside the area ${DISTRICT} of this token`],
    ]);
    expect(await countOf('police-all')).toBe(0);
  });

  it('when a batch (mode all) holds an invalid row besides rows outside, then it is a 400 listing all of them, nothing written', async () => {
    const rows = [...batch(), { id: 'bad', type: 'Dispute!', occurred_at: '2025-05-01', lng: at(0.5, 0.5)[0], lat: at(0.5, 0.5)[1] }];
    const res = await bulk(district, 'source=police-mixed', rows);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.details.rejects.map((r: { row: number }) => r.row)).toEqual([2, 4, 6]);
    expect(await countOf('police-mixed')).toBe(0);
  });

  it('when a batch (keep_good) holds events outside its district, then those are rejects in its file and only the others are written', async () => {
    const res = await bulk(district, 'source=police-keep&mode=keep_good', batch());
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ rows: 5, accepted: 3, rejected: 2 });
    expect(body.rejects.map((r: { row: number; reason: string }) => [r.row, r.reason])).toEqual([
      [2, `outside the area ${DISTRICT} of this token`], [4, `outside the area ${DISTRICT} of this token`],
    ]);
    const { rows } = await db.knex.raw('select external_id, district_code::text as d from events where source = ? order by external_id', ['police-keep']);
    expect(rows).toEqual([{ external_id: 'b-in-1', d: DISTRICT }, { external_id: 'b-in-2', d: DISTRICT }, { external_id: 'b-in-3', d: DISTRICT }]);
    const csv = await (await fetch(district.url(body.rejectsUrl))).text();
    expect(csv.split('\r\n').filter((l) => /^\d/.test(l)).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      `2,outside the area ${DISTRICT} of this token`, `4,outside the area ${DISTRICT} of this token`,
    ]);

    // the batch and its rejects (which hold the records as sent, 姓名 and all) are its sender's and an admin's only
    for (const path of [`/api/events/batches/${body.batchId}`, body.rejectsUrl]) {
      expect((await fetch(district.url(path))).status, path).toBe(200);
      expect((await fetch(admin.url(path))).status, path).toBe(200);
      const other = await serveApp(db, {}, { as: 'police', areaCode: DISTRICT }); // the same role and area, another token
      try {
        expect((await fetch(other.url(path))).status, path).toBe(404);
        expect((await fetch(west.url(path))).status, path).toBe(404);
      } finally {
        await other.close();
      }
    }
    expect((await getJson(district, `/api/events/batches/${body.batchId}`)).created_by).toMatch(/^token:\d+:tests-police$/);
  });

  it('when a single event outside its district is posted, then it is a 403 and nothing is written; inside, it is stored', async () => {
    const post = (x: number, id: string) => {
      const [lng, lat] = at(x, 0.5);
      return fetch(district.url('/api/events?source=police-single'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, type: INGESTED, occurred_at: '2025-05-01', lng, lat }) });
    };
    const out = await post(2.5, 's-out');
    expect(out.status).toBe(403);
    expect((await out.json()).error.message).toContain(`outside the area ${DISTRICT} of this token`);
    expect((await post(0.5, 's-in')).status).toBe(201);
    expect((await db.knex.raw('select external_id from events where source = ?', ['police-single'])).rows).toEqual([{ external_id: 's-in' }]);
  });

  it('when a street token re-sends the key of an event stored in another street, then it is a 409 that shows nothing of that event', async () => {
    const post = (app: App, x: number) => {
      const [lng, lat] = at(x, 0.5);
      return fetch(app.url('/api/events?source=police-dup'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'k1', type: INGESTED, occurred_at: '2025-05-01', lng, lat, 姓名: '王某' }) });
    };
    expect((await post(district, 1.5)).status).toBe(201); // stored in the east street
    const res = await post(west, 0.5);
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(text).toContain('duplicate_out_of_scope');
    expect(text).not.toContain('王某');
    expect(text).not.toContain(EAST);
    expect((await db.knex.raw('select street_code::text as s from events where source = ?', ['police-dup'])).rows).toEqual([{ s: EAST }]);
  });
});

describe('heatmaps of a street-scoped token', () => {
  it('when counts are asked for, then they equal an h3-js aggregation of exactly the events sent into its street', async () => {
    for (const res of [7, 8, 9, 10]) {
      const expected = h3Counts(res, inWest);
      const body = await getJson(west, `/api/heatmap?metric=count&res=${res}&from=${FROM}&to=${TO}`);
      expect(asMap(body), `res ${res}`).toEqual(expected);
      expect(body.totalEvents, `res ${res}`).toBe([...expected.values()].reduce((a, b) => a + b, 0));
      expect(body.suppressed).toBe(false);
      // the admin's map counts more, from the rollups: the scope made the difference
      expect((await getJson(admin, `/api/heatmap?metric=count&res=${res}&from=${FROM}&to=${TO}`)).totalEvents).toBeGreaterThan(body.totalEvents);
    }
  });

  it("when risk is asked for, then each cell's index is 100 × its street events' decayed, weighted points over the highest", async () => {
    const end = Date.parse(`${TO}T00:00:00+08:00`);
    for (const res of [8, 10]) {
      const points = new Map<string, number>();
      for (const e of sent.filter((e) => inWest(e) && dayOf(e) >= FROM && dayOf(e) < TO)) {
        points.set(cellOf(e, res), (points.get(cellOf(e, res)) ?? 0) + eventScore({ type: e.type, severity: e.severity, occurredAt: new Date(e.occurred_at) }, end));
      }
      const max = Math.max(...points.values());
      const body = await getJson(west, `/api/heatmap?metric=risk&res=${res}&from=${FROM}&to=${TO}`);
      expect(new Set(body.cells), `res ${res}`).toEqual(new Set(points.keys()));
      body.cells.forEach((cell: string, i: number) => expect(body.values[i], `res ${res} ${cell}`).toBeCloseTo((100 * points.get(cell)!) / max, 9));
    }
  });

  it('when hot spots are asked for, then they are measured over its street\'s cells: the planted cluster is hot, no cell lies outside', async () => {
    const body = await getJson(west, `/api/heatmap?metric=hotspot&res=10&from=2026-01-01&to=2026-04-01`);
    const cluster = cellOf(sent.at(-1)!, 10);
    expect(body.cells).toContain(cluster);
    expect(body.bins[body.cells.indexOf(cluster)]).toBe(3);
    expect(body.values[body.cells.indexOf(cluster)]).toBeGreaterThan(2.576);
    const [x0, y0] = at(0, 0), [x1, y1] = at(1, 1);
    for (const cell of body.cells) {
      const [lat, lng] = cellToLatLng(cell);
      expect(lng >= x0 && lng <= x1 && lat >= y0 && lat <= y1, cell).toBe(true);
    }
    const everyone = await getJson(admin, `/api/heatmap?metric=hotspot&res=10&from=2026-01-01&to=2026-04-01`);
    expect(everyone.cells.length).toBeGreaterThan(body.cells.length);
  });

  it('when a bbox across its street\'s edge and types are given, then only its street\'s events of those types in the bbox\'s cells count', async () => {
    const [minLng, minLat] = at(0.5, 0), [maxLng, maxLat] = at(1.5, 1); // half in the west street, half in the east
    const box = bboxPolygon([minLng, minLat, maxLng, maxLat]);
    const overlaps = (cell: string) => booleanIntersects(polygon([cellToBoundary(cell, true)]), box);
    for (const res of [8, 10]) {
      const body = await getJson(west, `/api/heatmap?metric=count&res=${res}&from=${FROM}&to=${TO}&types=fire,dispute&bbox=${[minLng, minLat, maxLng, maxLat].join(',')}`);
      const expected = new Map([...h3Counts(res, (e) => inWest(e) && ['fire', 'dispute'].includes(e.type))].filter(([cell]) => overlaps(cell)));
      expect(expected.size, `res ${res}`).toBeGreaterThan(0);
      expect(asMap(body), `res ${res}`).toEqual(expected);
    }
  });

  it('when a cell, the range or the grid ranking is asked for, then only its events count', async () => {
    const cluster = cellOf(sent.at(-1)!, 10);
    const eastOnly = [...h3Counts(10, (e) => inDistrict(e) && !inWest(e))].find(([cell]) => !h3Counts(10, inWest).has(cell))![0];
    const inCluster = sent.filter((e) => cellOf(e, 10) === cluster && dayOf(e) >= FROM && dayOf(e) < TO);
    expect((await getJson(west, `/api/heatmap/cells/${cluster}?from=${FROM}&to=${TO}`)).events).toBe(inCluster.length);
    expect((await getJson(west, `/api/heatmap/cells/${eastOnly}?from=${FROM}&to=${TO}`)).events).toBe(0);
    expect((await getJson(admin, `/api/heatmap/cells/${eastOnly}?from=${FROM}&to=${TO}`)).events).toBeGreaterThan(0);

    const range = await getJson(west, '/api/heatmap/range');
    const byType = new Map<string, number>();
    for (const e of sent.filter(inWest)) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    const days = [...sent.filter(inWest).map(dayOf), '2025-05-01' /* b-in-1 and s-in, written into the west street by the ingest tests above */].sort();
    expect([range.first, range.last]).toEqual([days[0], days.at(-1)]);
    expect(new Map(range.types.filter((t: { type: string }) => t.type !== INGESTED).map((t: { type: string; events: number }) => [t.type, t.events]))).toEqual(byType);

    const ranking = await getJson(west, `/api/risk/grids?from=2026-01-01&to=2026-04-01`);
    expect(ranking.grids.map((g: { grid: string }) => g.grid).sort()).toEqual(['320113002001001', '320113002002001']);
    const { rows } = await db.knex.raw(`select grid_code, count(*)::int as n from events where street_code = ? and grid_code is not null
      and occurred_at >= '2026-01-01T00:00:00+08:00' and occurred_at < '2026-04-01T00:00:00+08:00' group by 1`, [WEST]);
    for (const g of ranking.grids) expect(g.events, g.grid).toBe(rows.find((r: { grid_code: string }) => r.grid_code === g.grid).n);
    expect(ranking.grids.map((g: { rankInDistrict: number }) => g.rankInDistrict).sort()).toEqual([1, 2]);
    expect((await fetch(west.url('/api/risk/grids/320113001001001/timeline'))).status).toBe(404);
    const timeline = await getJson(west, '/api/risk/grids/320113002001001/timeline?from=2026-01-01&to=2026-04-01');
    expect(timeline.buckets.reduce((s: number, b: { total: number }) => s + b.total, 0)).toBe(rows.find((r: { grid_code: string }) => r.grid_code === '320113002001001').n);
  });
});

describe('callers without events:read', () => {
  it('when a viewer asks for a heatmap, then it is suppressed: no cell under SUPPRESS_BELOW (5) events, and small cells are folded', async () => {
    const open = await getJson(admin, `/api/heatmap?metric=count&res=10&from=${FROM}&to=${TO}`);
    const shut = await getJson(viewer, `/api/heatmap?metric=count&res=10&from=${FROM}&to=${TO}`);
    expect(open.suppressed).toBe(false);
    expect(open.counts.some((n: number) => n < 5)).toBe(true);
    expect(shut.suppressed).toBe(true);
    expect(shut.counts.length).toBeGreaterThan(0);
    expect(Math.min(...shut.counts)).toBeGreaterThanOrEqual(5);
    expect(shut.counts.reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(open.totalEvents);
    const small = open.cells.find((_: string, i: number) => open.counts[i] < 5);
    expect(await getJson(viewer, `/api/heatmap/cells/${small}?from=${FROM}&to=${TO}`)).toMatchObject({ suppressed: true });
    expect((await getJson(viewer, `/api/heatmap/cells/${small}?from=${FROM}&to=${TO}`)).events).toBeUndefined();
  });

  it('when a viewer asks for events, then the route refuses it (403, events:read)', async () => {
    const id = await idOf(sent[0].id);
    for (const path of ['/api/events', `/api/events/${id}`]) {
      const res = await fetch(viewer.url(path));
      expect(res.status, path).toBe(403);
      expect((await res.json()).error, path).toMatchObject({ code: 'forbidden', details: { permission: 'events:read' } });
    }
  });
});

describe('hazards and response points of a scoped caller', () => {
  let ids: Record<string, number>;
  beforeAll(async () => {
    ids = {};
    for (const [name, x] of [['west', 0.5], ['east', 1.5], ['neighbour', 2.5]] as const) {
      const [lng, lat] = at(x, 0.5);
      ids[name] = (await db.knex.raw(`insert into hazard_sources (type, level, name, geom) values ('chemical_plant', '重大', ?, ST_SetSRID(ST_MakePoint(?, ?), 4326)) returning id`, [name, lng, lat])).rows[0].id;
      await db.knex.raw(`insert into response_points (kind, name, geom) values ('police_station', ?, ST_SetSRID(ST_MakePoint(?, ?), 4326))`, [name, lng, lat]);
    }
  });

  it('when hazards and response points are listed, then only those within its area are', async () => {
    const names = async (app: App, path: string) => (await getJson(app, path)).features.map((f: { properties: { name: string } }) => f.properties.name).sort();
    for (const path of ['/api/hazards', '/api/response-points']) {
      expect(await names(west, path), path).toEqual(['west']);
      expect(await names(district, path), path).toEqual(['east', 'west']);
      expect(await names(admin, path), path).toEqual(['east', 'neighbour', 'west']);
    }
    expect((await getJson(west, '/api/reach?mode=straight&minutes=1')).points).toBe(1);
  });

  it("when another area's hazard's exposure is asked for, then it is a 404; its own counts only its area's households", async () => {
    expect((await fetch(west.url(`/api/hazards/${ids.east}/exposure`))).status).toBe(404);
    const own = await getJson(west, `/api/hazards/${ids.west}/exposure?ringsM=3000`);
    const all = await getJson(admin, `/api/hazards/${ids.west}/exposure?ringsM=3000`);
    // the fixture's address points: 120 and 80 households in the west street, 300 and 5 in the east
    expect(own.rings[0].households).toBe(200);
    expect(all.rings[0].households).toBe(505);
  });

  it('when a risk map is asked for after the admin\'s, then its hazard points come from its own hazard sources only', async () => {
    const query = 'metric=risk&res=9&from=2025-06-01&to=2025-07-01'; // no events: hazards alone
    const everyone = await getJson(admin, `/api/heatmap?${query}`); // fills the hazard score cache with all three sources
    const body = await getJson(west, `/api/heatmap?${query}`);
    const [lng, lat] = at(0.5, 0.5);
    expect(body.cells.length).toBeGreaterThan(20);
    body.cells.forEach((cell: string, i: number) => {
      const [clat, clng] = cellToLatLng(cell);
      const metres = distance([clng, clat], [lng, lat], { units: 'meters' });
      expect(body.values[i], cell).toBeCloseTo((100 * hazardProximityScore(metres, [500, 1000, 3000], '重大')) / 8, 1);
    });
    expect(everyone.cells.length).toBeGreaterThan(body.cells.length);
  });
});

describe('assignments of a point asked by a scoped caller', () => {
  const assign = (app: App, x: number, y: number) => {
    const [lng, lat] = at(x, y);
    return fetch(app.url(`/api/events/assign?lng=${lng}&lat=${lat}`));
  };

  it("when a street token asks where a point of another street, another district or no area falls, then it is a 404 naming none of its grids or areas", async () => {
    for (const [x, y] of [[1.5, 0.25], [1.5, 0.75], [2.5, 0.5], [5, 0.5]]) {
      const res = await assign(west, x, y);
      const text = await res.text();
      expect(res.status, `${x},${y}: ${text}`).toBe(404);
      expect(JSON.parse(text).error.code).toBe('not_found');
      expect(text).not.toMatch(/320113001|320114/);
    }
    // the district and unbounded callers are answered for the east street's point; only the unbounded one for the point in no area
    expect(await getJson(district, `/api/events/assign?lng=${at(1.5, 0.25)[0]}&lat=${at(1.5, 0.25)[1]}`)).toMatchObject({ streetCode: EAST, communityCode: '320113001002', gridCode: '320113001002001' });
    expect((await assign(district, 2.5, 0.5)).status).toBe(404);
    expect(await getJson(admin, `/api/events/assign?lng=${at(5, 0.5)[0]}&lat=${at(5, 0.5)[1]}`)).toMatchObject({ gridCode: null, streetCode: null, districtCode: null, outside: true });
  });

  it('when a street or community caller asks for a point of its own area, then it gets the full assignment; a community caller not for the next community', async () => {
    expect(await getJson(west, `/api/events/assign?lng=${at(0.5, 0.75)[0]}&lat=${at(0.5, 0.75)[1]}`))
      .toMatchObject({ gridCode: '320113002001001', gridKind: 'comprehensive', communityCode: '320113002001', streetCode: WEST, districtCode: DISTRICT, outside: false });
    const community = await serveApp(db, {}, { as: 'viewer', areaCode: '320113002001' });
    try {
      expect((await assign(community, 0.5, 0.75)).status).toBe(200);
      expect((await assign(community, 0.5, 0.25)).status).toBe(404); // 西南社区, the same street
    } finally {
      await community.close();
    }
  });
});

describe('ingest batches read by scoped admins', () => {
  const admins: Record<string, App> = {};
  let westBatch: { batchId: number; rejectsUrl: string };
  let unboundedBatch: number;
  beforeAll(async () => {
    for (const [name, area] of [['east', EAST], ['west', WEST], ['district', DISTRICT], ['westCommunity', '320113002001'], ['neighbour', NEIGHBOUR]] as const) {
      admins[name] = await serveApp(db, {}, { as: 'admin', areaCode: area });
    }
    // a 西街道 police token sends a batch: one event in its street, one in the east street (a reject holding the record as sent)
    const rows = [{ id: 'wb-in', x: 0.5, y: 0.5 }, { id: 'wb-out', x: 1.5, y: 0.5 }]
      .map(({ id, x, y }) => { const [lng, lat] = at(x, y); return { id, type: INGESTED, occurred_at: '2025-05-01 10:00', lng, lat, 姓名: '赵某' }; });
    const res = await bulk(west, 'source=west-batch&mode=keep_good', rows);
    expect(res.status, await res.clone().text()).toBe(201);
    westBatch = await res.json();
    expect(westBatch).toMatchObject({ accepted: 1, rejected: 1 });
    unboundedBatch = (await db.knex.raw(`select id from event_batches where source = 'test'`)).rows[0].id;
  });
  afterAll(async () => {
    for (const app of Object.values(admins)) await app.close();
  });

  const paths = (id: number) => [`/api/events/batches/${id}`, `/api/events/batches/${id}/rejects`];

  it("when an admin whose scope does not hold the sender's area asks for a batch or its rejects, then it is a 404 showing nothing of it", async () => {
    for (const path of paths(westBatch.batchId)) {
      for (const name of ['east', 'westCommunity', 'neighbour']) {
        const res = await fetch(admins[name].url(path));
        const text = await res.text();
        expect(res.status, `${name} ${path}: ${text}`).toBe(404);
        expect(JSON.parse(text).error.code).toBe('not_found');
        expect(text).not.toMatch(/赵某|wb-out|tests-police|west-batch/);
      }
    }
  });

  it("when the sender or an admin whose scope holds the sender's area asks, then it reads the batch and its rejects", async () => {
    expect((await db.knex.raw('select area_code::text as a from event_batches where id = ?', [westBatch.batchId])).rows).toEqual([{ a: WEST }]);
    for (const app of [west, admins.west, admins.district, admin]) {
      const batch = await getJson(app, `/api/events/batches/${westBatch.batchId}`);
      expect(batch).toMatchObject({ id: westBatch.batchId, source: 'west-batch', rejected: 1, area_code: WEST });
      expect(batch.created_by).toMatch(/^token:\d+:tests-police$/);
      const csv = await (await fetch(app.url(westBatch.rejectsUrl))).text();
      expect(csv).toContain('赵某');
    }
  });

  it('when a scoped admin asks for a batch of an unbounded sender, then it is a 404; an unbounded admin reads it', async () => {
    expect((await db.knex.raw('select area_code from event_batches where id = ?', [unboundedBatch])).rows).toEqual([{ area_code: null }]);
    for (const path of paths(unboundedBatch)) {
      for (const name of ['east', 'west', 'district']) expect((await fetch(admins[name].url(path))).status, `${name} ${path}`).toBe(404);
      expect((await fetch(admin.url(path))).status, path).toBe(200);
    }
  });
});

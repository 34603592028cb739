/**
 * The heatmap API over events ingested through the real bulk path, on the square district of
 * test/helpers/areas-fixture (2 × 1 km): 600 events spread over three months at seeded random
 * places, plus a tight cluster of 60 fires in one spot; checked against an independent
 * aggregation of the same events with h3-js.
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

interface Sent { type: string; severity: number; occurred_at: string; lng: number; lat: number }
const TYPES = ['dispute', 'hotline_12345', 'police_incident', 'fire'];

let db: Db;
let app: Awaited<ReturnType<typeof serveApp>>;
let closed: Awaited<ReturnType<typeof serveApp>>;
const events: Sent[] = [];
let box: { minLng: number; minLat: number; maxLng: number; maxLat: number };

/** CST day of an event, as the rollups count it. */
const dayOf = (e: Sent) => new Date(Date.parse(e.occurred_at) + 8 * 3600_000).toISOString().slice(0, 10);
const inWindow = (e: Sent, from: string, to: string) => dayOf(e) >= from && dayOf(e) < to;
/** The independent count: h3-js cells of the events in the window. */
function h3Counts(res: number, from: string, to: string, keep: (e: Sent) => boolean = () => true): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (!inWindow(e, from, to) || !keep(e)) continue;
    const cell = cellToParent(latLngToCell(e.lat, e.lng, 12), res);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return counts;
}
const asMap = (body: { cells: string[]; counts: number[] }) => new Map(body.cells.map((c, i) => [c, body.counts[i]]));
const get = async (base: typeof app, query: string) => {
  const res = await fetch(base.url(`/api/heatmap?${query}`));
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
};

beforeAll(async () => {
  db = await createTestDb();
  const { x0, y0, dx, dy } = await insertSquareDistrict(db.knex);
  box = { minLng: x0, minLat: y0, maxLng: x0 + 2 * dx, maxLat: y0 + dy };
  await insertCommunityGridPlan(db.knex);
  const rng = createRng(7);
  const start = Date.parse('2026-01-01T00:00:00+08:00');
  for (let i = 0; i < 600; i++) {
    events.push({
      type: TYPES[rng.int(0, TYPES.length - 1)], severity: rng.int(1, 3),
      occurred_at: new Date(start + rng.next() * 90 * 86_400_000).toISOString(),
      lng: x0 + rng.next() * 2 * dx, lat: y0 + rng.next() * dy,
    });
  }
  for (let i = 0; i < 60; i++) events.push({ type: 'fire', severity: 2, occurred_at: new Date(start + (40 + i / 10) * 86_400_000).toISOString(), lng: x0 + 0.3 * dx, lat: y0 + 0.4 * dy });
  app = await serveApp(db);
  closed = await serveApp(db, {}, { as: 'viewer' }); // risk:read without events:read
  const res = await fetch(app.url('/api/events/bulk?format=ndjson&source=test'), {
    method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(res.status).toBe(201);
});
afterAll(async () => { await app?.close(); await closed?.close(); await db?.close(); });

describe('GET /api/heatmap', () => {
  it('when counts are asked for a window of whole months and edge days, then they equal h3-js aggregation of the same events, at every resolution', async () => {
    for (const res of [6, 8, 9, 10]) {
      const body = await get(app, `metric=count&res=${res}&from=2026-01-10&to=2026-03-20`);
      expect(asMap(body), `res ${res}`).toEqual(h3Counts(res, '2026-01-10', '2026-03-20'));
      expect(body.totalEvents).toBe([...h3Counts(res, '2026-01-10', '2026-03-20').values()].reduce((a, b) => a + b, 0));
    }
  });

  it('when a bbox and types are given, then only those events in cells overlapping the bbox count, edge days included', async () => {
    const west = { ...box, maxLng: (box.minLng + box.maxLng) / 2 };
    const westPolygon = bboxPolygon([west.minLng, west.minLat, west.maxLng, west.maxLat]);
    const overlaps = (cell: string) => booleanIntersects(polygon([cellToBoundary(cell, true)]), westPolygon);
    for (const res of [8, 9, 10]) {
      const body = await get(app, `metric=count&res=${res}&from=2026-01-10&to=2026-03-20&types=fire,dispute&bbox=${[west.minLng, west.minLat, west.maxLng, west.maxLat].join(',')}`);
      const expected = new Map([...h3Counts(res, '2026-01-10', '2026-03-20', (e) => ['fire', 'dispute'].includes(e.type))].filter(([c]) => overlaps(c)));
      expect(expected.size, `res ${res}`).toBeGreaterThan(0);
      expect(asMap(body), `res ${res}`).toEqual(expected);
    }
  });

  it('when risk is asked for, then each cell\'s index is 100 × its decayed, weighted points over the highest', async () => {
    for (const res of [8, 10]) {
      const body = await get(app, `metric=risk&res=${res}&from=2026-01-10&to=2026-03-20`);
      const end = Date.parse('2026-03-20T00:00:00+08:00');
      const points = new Map<string, number>();
      for (const e of events.filter((e) => inWindow(e, '2026-01-10', '2026-03-20'))) {
        const cell = cellToParent(latLngToCell(e.lat, e.lng, 12), res);
        points.set(cell, (points.get(cell) ?? 0) + eventScore({ type: e.type, severity: e.severity, occurredAt: new Date(e.occurred_at) }, end));
      }
      const max = Math.max(...points.values());
      expect(body.cells.length, `res ${res}`).toBe(points.size);
      body.cells.forEach((cell: string, i: number) => expect(body.values[i], `res ${res}`).toBeCloseTo((100 * points.get(cell)!) / max, 9));
      expect(Math.max(...body.values)).toBeCloseTo(100, 9);
    }
  });

  it('when hot spots are asked for, then the planted cluster of fires is a 99 % hot spot', async () => {
    const body = await get(app, 'metric=hotspot&res=10&from=2026-01-01&to=2026-04-01&fdr=true');
    const cluster = cellToParent(latLngToCell(events.at(-1)!.lat, events.at(-1)!.lng, 12), 10);
    const i = body.cells.indexOf(cluster);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(body.bins[i]).toBe(3);
    expect(body.values[i]).toBeGreaterThan(2.576);
  });

  it('when a major chemical plant is registered and later removed, then the risk map gains its ring-stepped points around it and then loses them', async () => {
    // a month without events: the risk is the hazard's alone
    const query = 'metric=risk&res=9&from=2025-06-01&to=2025-07-01';
    expect((await get(app, query)).cells).toEqual([]);
    const plant = { lng: box.minLng + 0.9 * (box.maxLng - box.minLng), lat: box.minLat + 0.5 * (box.maxLat - box.minLat) };
    const { rows: [{ id }] } = await db.knex.raw(`insert into hazard_sources (type, level, name, geom) values ('chemical_plant', '重大', '化工厂', ST_SetSRID(ST_MakePoint(?, ?), 4326)) returning id`, [plant.lng, plant.lat]);
    const body = await get(app, query);
    await db.knex.raw('delete from hazard_sources where id = ?', [id]);
    const own = latLngToCell(plant.lat, plant.lng, 9);
    expect(body.values[body.cells.indexOf(own)]).toBe(100);
    body.cells.forEach((cell: string, i: number) => {
      const [lat, lng] = cellToLatLng(cell);
      const metres = distance([lng, lat], [plant.lng, plant.lat], { units: 'meters' });
      expect(body.values[i], `${cell} at ${metres.toFixed(0)} m`).toBeCloseTo((100 * hazardProximityScore(metres, [500, 1000, 3000], '重大')) / 8, 1);
    });
    expect(body.cells.length).toBeGreaterThan(20); // every res-9 cell (≈ 200 m) within 3 km
    expect((await get(app, query)).cells).toEqual([]);
  });

  it('when callers have no detail access, then no cell shows fewer than 5 events and folded counts are conserved', async () => {
    const open = await get(app, 'metric=count&res=10&from=2026-01-01&to=2026-04-01');
    const shut = await get(closed, 'metric=count&res=10&from=2026-01-01&to=2026-04-01');
    expect(open.counts.some((n: number) => n < 5)).toBe(true);
    expect(shut.suppressed).toBe(true);
    expect(Math.min(...shut.counts)).toBeGreaterThanOrEqual(5);
    const shown = shut.counts.reduce((a: number, b: number) => a + b, 0);
    expect(shown).toBeLessThanOrEqual(open.totalEvents);
    expect(shown).toBeGreaterThan(open.totalEvents * 0.9); // most small cells fold into parents rather than vanish
    const small = open.cells.find((_: string, i: number) => open.counts[i] < 5);
    expect(await (await fetch(closed.url(`/api/heatmap/cells/${small}?from=2026-01-01&to=2026-04-01`))).json()).toMatchObject({ suppressed: true });
  });

  it('when a cell is asked for, then its events come by type and severity', async () => {
    const cluster = cellToParent(latLngToCell(events.at(-1)!.lat, events.at(-1)!.lng, 12), 10);
    const body = await (await fetch(app.url(`/api/heatmap/cells/${cluster}?from=2026-01-01&to=2026-04-01`))).json();
    const expected = events.filter((e) => cellToParent(latLngToCell(e.lat, e.lng, 12), 10) === cluster);
    expect(body.events).toBe(expected.length);
    expect(body.byType.fire).toBe(expected.filter((e) => e.type === 'fire').length);
  });

  it('when the query is bad, then it answers 400 naming the parameter', async () => {
    for (const [query, message] of [['res=11', /res must be one of 6, 7, 8, 9, 10/], ['metric=heat', /metric/], ['from=2026-13-45', /from/], ['types=Fire!', /types/]] as const) {
      const res = await fetch(app.url(`/api/heatmap?${query}`));
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.message, query).toMatch(message);
    }
  });
});

describe('GET /api/risk/grids', () => {
  it('when grids are ranked, then each scores its events\' decayed, weighted points, ranked within its street, with index and 平安指数', async () => {
    const body = await (await fetch(app.url('/api/risk/grids?from=2026-01-01&to=2026-04-01'))).json();
    const end = Date.parse('2026-04-01T00:00:00+08:00');
    const { rows } = await db.knex.raw(`select grid_code, type, severity, occurred_at from events where grid_code is not null`);
    const expected = new Map<string, number>();
    for (const e of rows) expected.set(e.grid_code, (expected.get(e.grid_code) ?? 0) + eventScore({ type: e.type, severity: e.severity, occurredAt: new Date(e.occurred_at) }, end));
    expect(body.grids).toHaveLength(4);
    for (const g of body.grids) expect(g.score).toBeCloseTo(expected.get(g.grid)!, 9);
    expect(body.grids.map((g: { score: number }) => g.score)).toEqual([...body.grids.map((g: { score: number }) => g.score)].sort((a, b) => b - a));
    const max = body.grids[0].score;
    for (const g of body.grids) {
      const rival = body.grids.find((o: { streetCode: string; grid: string }) => o.streetCode === g.streetCode && o.grid !== g.grid);
      expect(g).toMatchObject({ gridsInStreet: 2, gridsInDistrict: 4, rankInStreet: g.score >= rival.score ? 1 : 2 });
      expect(g.riskIndex).toBeCloseTo((100 * g.score) / max, 9);
      expect(g.safetyIndex).toBeCloseTo(100 - g.riskIndex, 9);
    }
    expect(body.grids.map((g: { rankInDistrict: number }) => g.rankInDistrict)).toEqual([1, 2, 3, 4]);
    const west = await (await fetch(app.url('/api/risk/grids?from=2026-01-01&to=2026-04-01&street=320113002000'))).json();
    expect(west.grids).toEqual(body.grids.filter((g: { streetCode: string }) => g.streetCode === '320113002000')); // ranked as in the district
  });

  it('when a grid\'s timeline is asked for, then its weekly buckets add up to its events', async () => {
    const body = await (await fetch(app.url('/api/risk/grids/320113002002001/timeline?from=2026-01-01&to=2026-04-01&bucket=week'))).json();
    const { rows: [{ n }] } = await db.knex.raw(`select count(*)::int as n from events where grid_code = '320113002002001'`);
    expect(body.buckets.reduce((s: number, b: { total: number }) => s + b.total, 0)).toBe(n);
    expect(body.buckets.every((b: { start: string }) => new Date(`${b.start}T00:00:00Z`).getUTCDay() === 1)).toBe(true); // weeks start on Monday
    expect(body.buckets.map((b: { start: string }) => b.start).slice(0, 2)).toEqual(['2025-12-29', '2026-01-05']);
    expect(body.buckets).toHaveLength(14); // every week of the window, empty ones too
    expect((await fetch(app.url('/api/risk/grids/nope/timeline'))).status).toBe(404);
  });
});

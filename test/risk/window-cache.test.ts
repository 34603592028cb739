/**
 * The heatmap's window cache (server/risk/window-cache.ts): answers kept in memory must equal
 * answers read afresh from the database (a second server with HEATMAP_CACHE_CELLS=0) after
 * single events arrive through the API (added in process, no window read again), after events
 * written by another process (read again), and within a street's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { insertEvents } from '../../server/events/events.repo';
import { GridIndex } from '../../server/events/grid-index';
import { rollUp } from '../../server/events/rollups';
import { createRng } from '../../server/geo/prng';
import { insertCommunityGridPlan, insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

type App = Awaited<ReturnType<typeof serveApp>>;
interface Answer { cells: string[]; counts: number[]; values: number[]; totalEvents: number; bins?: number[] }

const TYPES = ['dispute', 'hotline_12345', 'fire'];
const WEST = '320113002000';
let db: Db;
let cached: App, fresh: App, westCached: App, westFresh: App;
let box: { x0: number; y0: number; dx: number; dy: number };
const rng = createRng(11);

/** An event at a random place of the district (or of its west street), on a random day of 2026-01-01 … 2026-03-31 (China time). */
const randomEvent = (i: number, opts: { west?: boolean; day?: number } = {}) => ({
  external_id: `e-${i}`, type: TYPES[rng.int(0, TYPES.length - 1)], severity: rng.int(1, 3),
  occurred_at: new Date(Date.parse('2026-01-01T00:00:00+08:00') + (opts.day ?? rng.next() * 90) * 86_400_000).toISOString(),
  lng: box.x0 + rng.next() * (opts.west ? 1 : 2) * box.dx, lat: box.y0 + rng.next() * box.dy,
});
const get = async (app: App, query: string): Promise<Answer> => {
  const res = await fetch(app.url(`/api/heatmap?${query}`));
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
};
const post = async (app: App, event: object) => {
  const res = await fetch(app.url('/api/events?source=single'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
  expect(res.status, await res.clone().text()).toBe(201);
};
/** Every query of the comparisons: metrics, resolutions, a type filter, a bbox of the west half, a window ending in March. */
const QUERIES = ['count', 'risk', 'hotspot'].flatMap((metric) => [9, 10].flatMap((res) => [
  `metric=${metric}&res=${res}&from=2026-01-05&to=2026-03-20`,
  `metric=${metric}&res=${res}&from=2026-01-05&to=2026-03-20&types=fire`,
]));
const westBbox = () => `&bbox=${[box.x0, box.y0, box.x0 + box.dx, box.y0 + box.dy].join(',')}`;

/** The cached server's answers equal the uncached one's, cell by cell (in any order). */
async function expectSameAnswers(a: App, b: App, queries: string[]) {
  const byCell = (x: Answer) => new Map(x.cells.map((c, i) => [c, { count: x.counts[i], bin: x.bins?.[i], value: x.values[i] }]));
  for (const q of queries) {
    const [x, y] = [byCell(await get(a, q)), byCell(await get(b, q))];
    expect([...x.keys()].sort(), q).toEqual([...y.keys()].sort());
    for (const [cell, c] of x) {
      expect({ count: c.count, bin: c.bin }, `${q} ${cell}`).toEqual({ count: y.get(cell)!.count, bin: y.get(cell)!.bin });
      expect(c.value, `${q} ${cell}`).toBeCloseTo(y.get(cell)!.value, 9);
    }
  }
}

/** Statements that read event windows (the rollups) while `run` runs. */
async function windowReads(run: () => Promise<unknown>): Promise<string[]> {
  const reads: string[] = [];
  const count = (q: { sql: string }) => { if (q.sql.includes('from event_cells')) reads.push(q.sql); };
  db.knex.on('query', count);
  try { await run(); } finally { db.knex.off('query', count); }
  return reads;
}

beforeAll(async () => {
  db = await createTestDb();
  box = await insertSquareDistrict(db.knex);
  await insertCommunityGridPlan(db.knex);
  cached = await serveApp(db);
  fresh = await serveApp(db, { HEATMAP_CACHE_CELLS: '0' });
  westCached = await serveApp(db, {}, { as: 'commander', areaCode: WEST });
  westFresh = await serveApp(db, { HEATMAP_CACHE_CELLS: '0' }, { as: 'commander', areaCode: WEST });
  const batch = Array.from({ length: 400 }, (_, i) => JSON.stringify(randomEvent(i))).join('\n');
  const res = await fetch(cached.url('/api/events/bulk?format=ndjson&source=bulk'), { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: batch });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  for (const app of [cached, fresh, westCached, westFresh]) await app?.close();
  await db?.close();
});

describe('the heatmap window cache', () => {
  it('when single events arrive through the API after windows were cached, then the cached answers take them in without reading the windows again and equal answers read afresh', async () => {
    for (const q of QUERIES) await get(cached, q);
    const before = await get(cached, QUERIES[0]);
    // in the window, before it, after it, and in the west street
    const events = [...Array.from({ length: 12 }, (_, i) => randomEvent(1000 + i, { day: 10 + i })), randomEvent(1100, { day: 1 }), randomEvent(1101, { day: 85 }), randomEvent(1102, { west: true, day: 30 })];
    for (const e of events) await post(cached, e);
    expect(await windowReads(async () => { for (const q of QUERIES) await get(cached, q); })).toEqual([]);
    const inWindow = events.filter((e) => e.occurred_at >= '2026-01-04T16:00:00.000Z' && e.occurred_at < '2026-03-19T16:00:00.000Z').length;
    expect((await get(cached, QUERIES[0])).totalEvents).toBe(before.totalEvents + inWindow);
    await expectSameAnswers(cached, fresh, [...QUERIES, ...QUERIES.map((q) => q + westBbox())]);
  });

  it('when single events are committed while heatmaps are asked for, then no window is read again and the answers end equal to ones read afresh', async () => {
    for (const q of QUERIES) await get(cached, q);
    const reads = await windowReads(() => Promise.all([
      ...Array.from({ length: 16 }, (_, i) => post(cached, randomEvent(4000 + i, { day: 20 + i }))),
      ...Array.from({ length: 16 }, (_, i) => get(cached, QUERIES[i % QUERIES.length])),
    ]));
    expect(reads).toEqual([]);
    await expectSameAnswers(cached, fresh, QUERIES);
  });

  it('when events are written by another process (no events known here), then the cached windows are read again and still equal answers read afresh', async () => {
    for (const q of QUERIES) await get(cached, q);
    const index = await GridIndex.load(db.knex);
    await db.knex.transaction(async (trx) => {
      const events = Array.from({ length: 30 }, (_, i) => randomEvent(2000 + i)).map((e) => ({
        externalId: e.external_id, source: 'elsewhere', type: e.type, severity: e.severity, occurredAt: new Date(e.occurred_at), reportedAt: null,
        status: 'received' as const, attributes: {}, sensitive: {}, lng: e.lng, lat: e.lat, ...index.assign(e.lng, e.lat),
      }));
      const { inserted } = await insertEvents(trx, null, events);
      await rollUp(trx, { ids: inserted.map((r) => r.id) });
    });
    expect(await windowReads(() => get(cached, QUERIES[0]))).not.toEqual([]);
    await expectSameAnswers(cached, fresh, QUERIES);
  });

  it('when a street-scoped caller\'s windows are cached and events arrive in and outside the street, then only the street\'s are added', async () => {
    for (const q of QUERIES) await get(westCached, q);
    const before = await get(westCached, QUERIES[0]);
    const events = [randomEvent(3000, { west: true, day: 20 }), randomEvent(3001, { west: true, day: 21 }), { ...randomEvent(3002, { day: 22 }), lng: box.x0 + 1.5 * box.dx }];
    for (const e of events) await post(cached, e);
    expect(await windowReads(() => get(westCached, QUERIES[0]))).toEqual([]);
    expect((await get(westCached, QUERIES[0])).totalEvents).toBe(before.totalEvents + 2);
    await expectSameAnswers(westCached, westFresh, QUERIES);
  });

  it('when a small bbox asks for a window not yet in memory, then it reads just its cells, and its answer equals the whole window\'s and one read afresh', async () => {
    // about 300 × 250 m of the west street: a few res-10 cells of the district's
    const small = `&bbox=${[box.x0 + 0.3 * box.dx, box.y0 + 0.3 * box.dy, box.x0 + 0.6 * box.dx, box.y0 + 0.6 * box.dy].join(',')}`;
    // windows no other test asked for
    const windows = ['from=2026-01-07&to=2026-03-07', 'from=2026-01-08&to=2026-03-08'];
    const queries = ['count', 'risk'].map((metric, i) => `metric=${metric}&res=10&${windows[i]}${small}`);
    for (const [i, q] of queries.entries()) {
      let answer: Answer | undefined;
      expect((await windowReads(async () => { answer = await get(cached, q); })).some((sql) => sql.includes('cell = any')), q).toBe(true);
      await get(cached, `metric=count&res=10&${windows[i]}`); // the whole window, now in memory
      expect(await windowReads(async () => expect(await get(cached, q)).toEqual(answer))).toEqual([]);
      expect(answer!.totalEvents, q).toBeGreaterThan(0);
    }
    await expectSameAnswers(cached, fresh, queries);
  });
});

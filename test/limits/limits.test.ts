/**
 * The request limits against the real API, each set small: JSON body size, the bulk event body
 * and its rows, vertices per geometry (import and drawn footprints), page size. Each refusal
 * names the limit and its setting, and writes nothing.
 */
import type { Geometry } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { area, countRows, fc, goodAreas, polygon } from '../import/import-helpers';

let db: Db;
let app: Awaited<ReturnType<typeof serveApp>>;

const LIMITS = { JSON_LIMIT_MB: '0.01', EVENT_BATCH_LIMIT_MB: '0.01', EVENT_BATCH_MAX_ROWS: '50', MAX_VERTICES: '100', MAX_PAGE_SIZE: '50' };
const JSON_LIMIT_BYTES = 0.01 * 1024 * 1024;

beforeAll(async () => {
  db = await createTestDb();
  app = await serveApp(db, LIMITS);
});
afterAll(async () => { await app?.close(); await db?.close(); });

const written = async () => ({ events: await countRows(db, 'events'), batches: await countRows(db, 'event_batches'), areas: await countRows(db, 'admin_areas'), imports: await countRows(db, 'imports'), plans: await countRows(db, 'grid_plans') });

/** A body sent in 1 KiB chunks with no Content-Length, as a client streaming a file does. */
const streamed = (text: string, contentType: string): RequestInit => {
  const bytes = Buffer.from(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 1024) controller.enqueue(new Uint8Array(bytes.subarray(at, at + 1024)));
      controller.close();
    },
  });
  return { method: 'POST', body, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit;
};
const post = (path: string, init: RequestInit) => fetch(app.url(path), { method: 'POST', ...init });

const event = (i: number, extra: Record<string, unknown> = {}) =>
  ({ id: `e-${i}`, type: 'dispute', occurred_at: '2026-05-01 08:30', lng: 118.9 + i * 1e-5, lat: 32.1, ...extra });
const ndjson = (n: number, extra: Record<string, unknown> = {}) => Array.from({ length: n }, (_, i) => JSON.stringify(event(i, extra))).join('\n');
const csv = (n: number, note = '') => 'id,type,occurred_at,lng,lat,note\n' + Array.from({ length: n }, (_, i) => `c-${i},dispute,2026-05-01 08:30,${118.9 + i * 1e-5},32.1,${note}`).join('\n');

/** A closed ring of `n` distinct vertices (n + 1 positions) around a point in Qixia. */
const ring = (n: number) => {
  const pts = Array.from({ length: n }, (_, i) => [118.87 + 0.005 * Math.cos((2 * Math.PI * i) / n), 32.12 + 0.005 * Math.sin((2 * Math.PI * i) / n)]);
  return [...pts, pts[0]];
};

describe('JSON body size (JSON_LIMIT_MB)', () => {
  it('when a JSON body is over the limit, then 413 body_too_large names the route and the limit, and nothing is written', async () => {
    const before = await written();
    const res = await post('/api/events', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(event(1, { note: 'x'.repeat(JSON_LIMIT_BYTES) })) });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: 'body_too_large', message: 'the JSON body of POST /api/events exceeds the 0.01 MiB limit (JSON_LIMIT_MB)' });
    expect(await written()).toEqual(before);
  });

  it('when a JSON body is within the limit, then it is read', async () => {
    const res = await post('/api/events', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(event(1, { note: 'x'.repeat(JSON_LIMIT_BYTES / 2) })) });
    expect(res.status).toBe(201);
  });
});

describe('bulk event batches (EVENT_BATCH_LIMIT_MB, EVENT_BATCH_MAX_ROWS)', () => {
  const big = { note: 'x'.repeat(400) }; // 30 rows of these are over 10 KiB, under 50 rows

  it.each([
    ['NDJSON with a Content-Length', () => ({ headers: { 'content-type': 'application/x-ndjson' }, body: ndjson(30, big) }), 'ndjson'],
    ['NDJSON streamed', () => streamed(ndjson(30, big), 'application/x-ndjson'), 'ndjson'],
    ['CSV streamed', () => streamed(csv(30, big.note), 'text/csv'), 'csv'],
    ['GeoJSON streamed', () => streamed(JSON.stringify(fc(...Array.from({ length: 30 }, (_, i) => ({ type: 'Feature' as const, properties: { ...event(i), ...big }, geometry: { type: 'Point' as const, coordinates: [118.9, 32.1] } })))), 'application/geo+json'), 'geojson'],
  ])('when a bulk body (%s) is over the byte limit, then 413 body_too_large, reading stops and nothing is written', async (_what, init, format) => {
    const before = await written();
    const res = await post(`/api/events/bulk?format=${format}&source=limits`, init());
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: 'body_too_large', message: 'the body of POST /api/events/bulk exceeds the 0.01 MiB limit (EVENT_BATCH_LIMIT_MB); nothing was written' });
    expect(await written()).toEqual(before);
  });

  it.each(['all', 'keep_good'])('when a batch has more rows than the limit (mode %s), then 413 too_many_rows names it and nothing is written', async (mode) => {
    const before = await written();
    const res = await post(`/api/events/bulk?format=ndjson&source=limits&mode=${mode}`, streamed(ndjson(51), 'application/x-ndjson'));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: 'too_many_rows', message: 'the batch has more than 50 rows (EVENT_BATCH_MAX_ROWS); send it in smaller batches; nothing was written' });
    expect(await written()).toEqual(before);
  });

  it('when a batch has exactly the most rows allowed, then it is written', async () => {
    const before = await countRows(db, 'events');
    const res = await post('/api/events/bulk?format=csv&source=limits-ok', streamed(csv(50), 'text/csv'));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ rows: 50, accepted: 50 });
    expect(await countRows(db, 'events')).toBe(before + 50);
  });
});

describe('vertices per geometry (MAX_VERTICES)', () => {
  const upload = (features: ReturnType<typeof area>[]) =>
    post('/api/import/areas', { headers: { 'content-type': 'application/geo+json' }, body: JSON.stringify(fc(...features)) });

  it('when an imported feature has more vertices than the limit, then 400 names the feature and its count, and nothing is written', async () => {
    const before = await written();
    const res = await upload([...goodAreas(), area('320113001003', polygon(ring(100)))]); // 101 positions
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_features');
    expect(error.message).toBe("feature 2 (id '320113001003'): geometry has 101 vertices, more than the 100 allowed per geometry (MAX_VERTICES)");
    expect(error.details.errors).toEqual([{ index: 2, id: '320113001003', reason: 'geometry has 101 vertices, more than the 100 allowed per geometry (MAX_VERTICES)' }]);
    expect(await written()).toEqual(before);
  });

  it('when every feature is within the limit, then the import lands', async () => {
    const res = await upload([area('320113001003', polygon(ring(99)))]); // 100 positions
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ inserted: 1 });
  });

  it('when a footprint drawn for a partition has more vertices than the limit, then 400 names it and no job starts', async () => {
    const before = await written();
    const footprint = (coordinates: number[][][]): { type: 'Feature'; properties: object; geometry: Geometry } =>
      ({ type: 'Feature', properties: { name: 'school' }, geometry: { type: 'Polygon', coordinates } });
    const res = await post('/api/planning/partition', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ areaCode: '320113001003', dedicated: { type: 'FeatureCollection', features: [footprint([ring(20)]), footprint([ring(60), ring(60)])] } }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'too_many_vertices', message: 'dedicated feature 1: 122 vertices, more than the 100 allowed per geometry (MAX_VERTICES)' });
    expect((await (await fetch(app.url('/api/jobs'))).json())).toEqual([]);
    expect(await written()).toEqual(before);
  });
  it('when the line of a split edit has more vertices than the limit, then 400 names its count before the plan is read', async () => {
    const line = { type: 'LineString', coordinates: Array.from({ length: 101 }, (_, i) => [118.86 + i * 1e-4, 32.11]) };
    const res = await post('/api/plans/1/edits', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ op: 'split', grid: '320113001001001', line }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'too_many_vertices', message: 'the split line has 101 vertices, more than the 100 allowed per geometry (MAX_VERTICES)' });
  });
});

describe('page size (MAX_PAGE_SIZE)', () => {
  it.each(['/api/areas', '/api/layers/1/grids', '/api/events'])('when %s is asked for a page over the maximum, then 400 names the maximum', async (path) => {
    const res = await fetch(app.url(`${path}?limit=51`));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      code: 'invalid_query',
      message: "query parameter 'limit': 51 is more than the largest page of 50 (MAX_PAGE_SIZE); page with 'offset'",
    });
  });

  it('when a page of the maximum size is asked for, then it is served', async () => {
    const res = await fetch(app.url('/api/areas?limit=50'));
    expect(res.status).toBe(200);
    expect((await res.json()).features.length).toBeGreaterThan(0);
  });
});

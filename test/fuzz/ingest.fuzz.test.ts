/**
 * Fuzz of POST /api/events/bulk (issue 6): valid NDJSON, CSV and GeoJSON batches mutated by
 * fast-check — bad rows among good ones (dates, severities, coordinates, types, statuses), broken
 * lines and quoting, repeated external ids, huge and awkward fields, and their bytes truncated,
 * flipped or re-encoded — in modes `all` and `keep_good`. No answer may be a 5xx; a 4xx writes
 * nothing; mode `all` writes nothing when a row is bad; `keep_good` writes exactly `accepted`
 * events, one history step each, one batch, and the rollups grow by as many events.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { byteMutation, expectHealthy, fuzzParams, mutateBytes, nastyString, pick, shuffle, type ByteMutation } from './fuzz-helpers';

let db: Db;
let app: Awaited<ReturnType<typeof serveApp>>;
let at: (x: number, y: number) => [number, number];
let run = 0;

beforeAll(async () => {
  db = await createTestDb();
  const { x0, y0, dx, dy } = await insertSquareDistrict(db.knex);
  at = (x, y) => [x0 + x * dx, y0 + y * dy];
  const { rows: [l] } = await db.knex.raw(`insert into grid_layers (name, kind) values ('综合网格', 'comprehensive') returning id`);
  const { rows: [p] } = await db.knex.raw(`insert into grid_plans (layer_id, name, status, published_at) values (?, 'v1', 'published', now()) returning id`, [l.id]);
  await db.knex.raw(`insert into grids (plan_id, code, kind, geom) select ?, code || '001', 'comprehensive', geom from admin_areas where level = 'community'`, [p.id]);
  app = await serveApp(db, { RATE_LIMIT_PER_MINUTE: '0' });
});
afterAll(async () => { await app?.close(); await db?.close(); });

/** Rows of the four tables a batch writes, and the events counted by the rollups (res 8, months, all types). */
async function state() {
  const { rows: [s] } = await db.knex.raw(`select (select count(*)::int from events) as events, (select count(*)::int from event_status_history) as history,
    (select count(*)::int from event_batches) as batches, (select count(*)::int from event_cells) as cells,
    (select coalesce(sum(n1 + n2 + n3 + n4 + n5), 0)::int from event_cells where res = 8 and period = 'm' and type = '*') as rolled_up`);
  return s as { events: number; history: number; batches: number; cells: number; rolled_up: number };
}

type Row = Record<string, unknown>;
/** What a row should come to: accepted (or a duplicate), rejected, or unknown (an edge value the test does not predict). */
type Fate = 'good' | 'bad' | 'unknown';

const badValues: Record<string, unknown[]> = {
  occurred_at: ['yesterday', '2026-13-45 10:00', '2026-02-30T25:61', '', ' ', 'NaN', null, true, {}, '2026-05-01T08:30:00+99:00'],
  severity: [0, 6, 2.5, -1, '3x', 'NaN', '1e400', true, [], 1e308, 'Infinity'],
  lng: [200, -200, 0, 'abc', '', null, 'NaN', 'Infinity', [118.9], 32.1],
  lat: [95, -95, 0, 'abc', '', null, 'NaN', 118.9],
  type: ['Fire!', '', 123, 'a'.repeat(41), '火灾', ' ', null, [], '_x'],
  status: ['bogus', 'RECEIVED', 7],
  reported_at: ['soon', 'NaN', {}],
};
/** Values that are not obviously wrong but reach odd corners: extreme dates, awkward strings, big fields. */
const edgeValues: Record<string, unknown[]> = {
  occurred_at: ['0000-01-01', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31 23:59', '1900-01-01', '1970-01-01T00:00:00Z', 0, 1e15, -1e15, 8.64e15, '2026-05-01T08:30:00.123456789+08:00'],
  reported_at: ['0000-01-01', '+275760-09-13T00:00:00Z', '1900-01-01', 1e15],
  severity: ['3', ' 4 ', 3.0, '5.0', '0x3', '3e0'],
  id: ['', ' ', 0, -1, 1e21, true, { a: 1 }, [1, 2], 'x'.repeat(5000)],
  source: ['', ' ', 'x'.repeat(200), 0],
};

const fieldOp = fc.oneof(
  { arbitrary: fc.record({ fate: fc.constant('bad' as const), field: fc.constantFrom(...Object.keys(badValues)), i: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ fate: fc.constant('unknown' as const), field: fc.constantFrom(...Object.keys(edgeValues)), i: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ fate: fc.constant('nasty' as const), field: fc.constantFrom('note', '姓名', 'id', 'type', 'source', 'attributes', 'phone', '\u0000', ''), value: nastyString() }), weight: 2 },
  fc.record({ fate: fc.constant('drop' as const), field: fc.constantFrom('type', 'occurred_at', 'lng', 'lat', 'severity', 'id') }),
  fc.record({ fate: fc.constant('dupId' as const), of: fc.nat() }),
  fc.record({ fate: fc.constant('oldId' as const), back: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ fate: fc.constant('huge' as const), size: fc.constantFrom(1_000, 100_000) }),
);
type FieldOp = typeof fieldOp extends fc.Arbitrary<infer T> ? T : never;

const lineOp = fc.oneof(
  fc.record({ kind: fc.constant('notJson' as const), value: fc.oneof(nastyString(), fc.constantFrom('[1,2]', '"x"', '42', 'null', '{"type":', '{}{}')) }),
  fc.record({ kind: fc.constant('blank' as const) }),
  fc.record({ kind: fc.constant('brokenQuote' as const) }),
  fc.record({ kind: fc.constant('notPoint' as const), value: fc.jsonValue({ maxDepth: 2 }) }),
);
type LineOp = typeof lineOp extends fc.Arbitrary<infer T> ? T : never;

const batchArb = fc.record({
  format: fc.constantFrom('ndjson' as const, 'csv' as const, 'geojson' as const),
  mode: fc.constantFrom('all' as const, 'keep_good' as const),
  crs: fc.constantFrom('wgs84', 'wgs84', 'gcj02'),
  rows: fc.array(
    fc.record({
      x: fc.double({ min: -0.5, max: 2.5, noNaN: true }), y: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
      type: fc.constantFrom('dispute', 'fire', 'hotline_12345'), severity: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      time: fc.constantFrom('2026-05-01 08:30', '2026-05-01T08:30:00', '2026-06-02', '2026-07-03T10:00:00+08:00', '2026-08-04T02:00:00Z'),
      ops: fc.array(fieldOp, { maxLength: 2 }),
      line: fc.option(lineOp, { freq: 8, nil: undefined }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  order: fc.option(fc.nat(), { nil: undefined }),
  bytes: byteMutation(),
});
type Batch = typeof batchArb extends fc.Arbitrary<infer T> ? T : never;

/** Ids sent in earlier runs (source `fuzz`), for re-sends. */
const sentIds: string[] = [];

/** The batch's body and, when it can be told, the fate of each row. */
function build(b: Batch) {
  const r = ++run;
  const records: { row: Row; fate: Fate; line?: LineOp }[] = b.rows.map((spec, i) => {
    const [lng, lat] = at(spec.x, spec.y);
    const row: Row = { id: `e-${r}-${i}`, type: spec.type, occurred_at: spec.time, lng, lat, ...(spec.severity !== undefined && { severity: spec.severity }), note: '备注' };
    let fate: Fate = 'good';
    for (const o of spec.ops as FieldOp[]) {
      if (o.fate === 'bad') { row[o.field] = pick(badValues[o.field], o.i); fate = 'bad'; }
      else if (o.fate === 'unknown') { row[o.field] = pick(edgeValues[o.field], o.i); if (fate === 'good') fate = 'unknown'; }
      else if (o.fate === 'nasty') { row[o.field] = o.value; if (fate === 'good') fate = 'unknown'; }
      else if (o.fate === 'drop') { delete row[o.field]; if (o.field !== 'severity' && o.field !== 'id') fate = 'bad'; }
      else if (o.fate === 'dupId') row.id = `e-${r}-${o.of % b.rows.length}`;
      else if (o.fate === 'oldId') row.id = sentIds.length ? sentIds[Math.max(0, sentIds.length - o.back)] : row.id;
      else if (o.fate === 'huge') row.huge = 'h'.repeat(o.size);
    }
    return { row, fate, line: spec.line };
  });
  const ordered = b.order === undefined ? records : shuffle(records, b.order);
  for (const { row } of ordered) if (typeof row.id === 'string') sentIds.push(row.id);
  let predictable = b.bytes.kind === 'none' && b.crs === 'wgs84';
  let unreadable = false;
  let body: string;
  const fates: Fate[] = [];
  if (b.format === 'ndjson') {
    const lines: string[] = [];
    for (const { row, fate, line } of ordered) {
      if (line?.kind === 'blank') lines.push('');
      if (line?.kind === 'notJson') { lines.push(String(line.value)); predictable = false; continue; }
      lines.push(JSON.stringify(row));
      fates.push(fate);
    }
    body = lines.join(pick(['\n', '\r\n'], run)!);
  } else if (b.format === 'csv') {
    const header = [...new Set(ordered.flatMap(({ row }) => Object.keys(row)))];
    const cell = (v: unknown) => {
      const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\r\n]/.test(s) || s.trim() !== s ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [header.map(cell).join(',')];
    for (const { row, fate, line } of ordered) {
      let l = header.map((h) => cell(row[h])).join(',');
      if (line?.kind === 'brokenQuote') { l = `"${l}`; unreadable = true; }
      lines.push(l);
      fates.push(fate);
    }
    body = lines.join('\r\n') + '\r\n';
    // a CSV cell is text: a header named '' or a value that is an object or array reads differently from JSON
    if (header.some((h) => h.trim() === '' || header.filter((g) => g.trim().toLowerCase() === h.trim().toLowerCase()).length > 1)) predictable = false;
    if (ordered.some(({ row }) => Object.values(row).some((v) => typeof v === 'object' || typeof v === 'boolean'))) predictable = false;
  } else {
    const features = ordered.map(({ row, fate, line }) => {
      const { lng, lat, ...properties } = row;
      fates.push(line?.kind === 'notPoint' ? 'bad' : fate);
      return { type: 'Feature', properties, geometry: line?.kind === 'notPoint' ? line.value : { type: 'Point', coordinates: [lng, lat] } };
    });
    // a notPoint geometry may happen to be a valid Point
    if (ordered.some(({ line }) => line?.kind === 'notPoint')) predictable = false;
    // properties named lng/lat or null coordinates read differently from a flat record
    if (ordered.some(({ row }) => row.lng === undefined || row.lat === undefined || row.lng === null || row.lat === null)) predictable = false;
    body = JSON.stringify({ type: 'FeatureCollection', features });
  }
  if (fates.includes('unknown')) predictable = false;
  return { body: mutateBytes(body, b.bytes), fates, predictable, unreadable, ids: ordered.map(({ row }) => row.id) };
}

const CONTENT_TYPE = { ndjson: 'application/x-ndjson', csv: 'text/csv', geojson: 'application/geo+json' };

describe('event ingest fuzz', () => {
  it('when NDJSON, CSV and GeoJSON batches are mutated, then no answer is a 5xx, mode all writes nothing when a row is bad, and keep_good writes exactly what it accepts', async () => {
    const seen = { all: 0, keep_good: 0, written: 0 };
    await fc.assert(
      fc.asyncProperty(batchArb, async (b) => {
        const { body, fates, predictable, unreadable, ids } = build(b);
        const before = await state();
        const res = await fetch(app.url(`/api/events/bulk?format=${b.format}&mode=${b.mode}&crs=${b.crs}&source=fuzz`), {
          method: 'POST', body: new Uint8Array(body), headers: { 'content-type': CONTENT_TYPE[b.format] },
        });
        const text = await res.text();
        expect(res.status, text.slice(0, 500)).toBeLessThan(500);
        const answer = JSON.parse(text);
        await expectHealthy(app.url);
        const after = await state();
        if (res.status >= 400) {
          expect(answer.error.code, text.slice(0, 300)).toEqual(expect.any(String));
          expect(after, text.slice(0, 300)).toEqual(before);
        } else {
          seen[b.mode]++;
          const { rows, accepted, duplicates, rejected } = answer;
          expect(res.status).toBe(accepted ? 201 : 200);
          expect(rejected, text.slice(0, 300)).toBe(rows - accepted - duplicates);
          if (b.mode === 'all') expect(rejected).toBe(0);
          expect(after).toMatchObject({
            events: before.events + accepted, history: before.history + accepted, batches: before.batches + 1, rolled_up: before.rolled_up + accepted,
          });
          if (accepted === 0) expect(after.cells).toBe(before.cells);
          if (accepted) seen.written++;
        }
        if (!predictable) return;
        if (unreadable) {
          expect(res.status, text.slice(0, 300)).toBe(400);
          return;
        }
        // each row's fate is known: count what the answer must say
        const bad = fates.filter((f) => f === 'bad').length;
        const goodIds = ids.filter((_, i) => fates[i] === 'good');
        if (b.mode === 'all' && bad) {
          expect(res.status, text.slice(0, 300)).toBe(400);
          expect(answer.error.details.rejected).toBe(bad);
          return;
        }
        expect(res.status, text.slice(0, 300)).toBeLessThan(300);
        expect(answer.rows).toBe(fates.length);
        expect(answer.rejected).toBe(bad);
        expect(answer.accepted + answer.duplicates).toBe(goodIds.length);
        expect(answer.accepted).toBeLessThanOrEqual(new Set(goodIds).size);
      }),
      fuzzParams(900),
    );
    expect(seen.all).toBeGreaterThan(20);
    expect(seen.keep_good).toBeGreaterThan(50);
    expect(seen.written).toBeGreaterThan(50);
  });

  it('when random bytes are posted as a batch in any format and mode, then the answer is below 500 and only a 2xx writes', async () => {
    const body: fc.Arbitrary<Uint8Array> = fc.oneof(
      fc.uint8Array({ maxLength: 500 }),
      fc.string({ unit: 'binary', maxLength: 300 }).map((s) => new Uint8Array(Buffer.from(s))),
      fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }).map((vs) => new Uint8Array(Buffer.from(vs.map((v) => JSON.stringify(v)).join('\n')))),
      fc.jsonValue({ maxDepth: 4 }).map((v) => new Uint8Array(Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: v })))),
      fc.array(fc.array(nastyString(), { maxLength: 6 }), { maxLength: 6 }).map((rows) => new Uint8Array(Buffer.from(['type,occurred_at,lng,lat', ...rows.map((r) => r.join(','))].join('\n')))),
    );
    const mutation: fc.Arbitrary<ByteMutation> = byteMutation();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ndjson', 'csv', 'geojson', 'xml'), fc.constantFrom('all', 'keep_good', 'some'), body, mutation, async (format, mode, bytes, m) => {
        const before = await state();
        const res = await fetch(app.url(`/api/events/bulk?format=${format}&mode=${mode}&source=fuzz-random`), { method: 'POST', body: new Uint8Array(mutateBytes(bytes, m)), headers: { 'content-type': 'application/octet-stream' } });
        const text = await res.text();
        expect(res.status, text.slice(0, 500)).toBeLessThan(500);
        await expectHealthy(app.url);
        const after = await state();
        if (res.status >= 400) expect(after).toEqual(before);
        else {
          const { accepted } = JSON.parse(text);
          expect(after).toMatchObject({ events: before.events + accepted, history: before.history + accepted, batches: before.batches + 1, rolled_up: before.rolled_up + accepted });
        }
      }),
      fuzzParams(300),
    );
  });
});

/**
 * Heatmaps of bounded scopes summed from the rollups where the scope's cells are interior and
 * from the events (by area code) on its edge (server/risk/scope-cells.ts, heatmap.repo
 * boundedRows), through the real API on both backends, checked against an independent h3-js
 * aggregation of exactly the events in scope.
 *
 * The fixture, near Nanjing (km grid, 6-decimal coordinates so points on a boundary are exactly on
 * it after the 9-decimal round trip): a district 320113 of 8 × 5 km split into a west street
 * 320113002000 (with a 0.6 km lake: a hole in no street) and an east street 320113001000 along a
 * zigzag border, a neighbouring district 320114 east of it, and open land around. Events: spread
 * everywhere, many within one res-8 cell of the zigzag (either side), some exactly on it (they go
 * to the east street, whose code sorts first), on the lake's shore, on the districts' shared edge,
 * and two clusters far inside the streets.
 */
import { bboxPolygon, booleanContains, booleanIntersects, booleanPointInPolygon, polygon as turfPolygon } from '@turf/turf';
import { cellToBoundary, cellToChildren, cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeOf } from '../../server/auth/scope';
import type { Db } from '../../server/db/knex';
import { createRng } from '../../server/geo/prng';
import { giStar } from '../../server/risk/gi-star';
import { cellScores, eventScore } from '../../server/risk/risk-model';
import { scopePlan } from '../../server/risk/scope-cells';
import { areaCells } from '../../server/risk/study-area';
import { suppressSmallCounts } from '../../server/risk/suppression';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

type App = Awaited<ReturnType<typeof serveApp>>;
interface Sent { id: string; type: string; severity: number; occurred_at: string; lng: number; lat: number }
interface Stored extends Sent { street: string | null; district: string | null }

const DISTRICT = '320113000000', WEST = '320113002000', EAST = '320113001000', NEIGHBOUR = '320114000000';
const TYPES = ['dispute', 'hotline_12345', 'police_incident', 'fire'];
/** Both ends mid-month: whole months February–April, edge days 17–31 January and 1–11 May. */
const FROM = '2026-01-17', TO = '2026-05-12';

const X0 = 118.9, Y0 = 32.1, DX = 0.0106, DY = 0.009; // ≈ 1 km each way
const round6 = (v: number) => Number(v.toFixed(6));
const at = (x: number, y: number): [number, number] => [round6(X0 + x * DX), round6(Y0 + y * DY)];
/** The border between the streets, south to north; the segment (4.5, 2)–(4.5, 3) runs due north, so points on it are exactly on it. */
const ZIGZAG: [number, number][] = [[4, 0], [3.4, 1], [4.5, 2], [4.5, 3], [3.6, 4], [4.2, 5]];
const LAKE: [number, number][] = [[1.5, 3], [2.1, 3], [2.1, 3.6], [1.5, 3.6], [1.5, 3]];

let db: Db;
let admin: App, west: App, district: App, viewer: App;
const sent: Sent[] = [];
const stored: Stored[] = [];

const wkt = (rings: [number, number][][]) => `MULTIPOLYGON(((${rings.map((r) => r.map(([x, y]) => at(x, y).map((v) => v.toFixed(6)).join(' ')).join(', ')).join('), (')})))`;
const dayOf = (e: Sent) => new Date(Date.parse(e.occurred_at) + 8 * 3600_000).toISOString().slice(0, 10);
const cellOf = (e: Sent, res: number) => cellToParent(latLngToCell(e.lat, e.lng, 12), res);
const inStreet = (e: Stored) => e.street === WEST;
const inDistrict = (e: Stored) => e.district === DISTRICT;
const inWindow = (from: string, to: string) => (e: Stored) => dayOf(e) >= from && dayOf(e) < to;

/** The independent answer: h3-js cells of the stored events that `keep` holds. */
function counts(res: number, keep: (e: Stored) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of stored.filter(keep)) out.set(cellOf(e, res), (out.get(cellOf(e, res)) ?? 0) + 1);
  return out;
}
const asMap = (body: { cells: string[]; counts: number[] }) => new Map(body.cells.map((c, i) => [c, body.counts[i]]));
const getJson = async (app: App, path: string) => {
  const res = await fetch(app.url(path));
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return res.json();
};

beforeAll(async () => {
  db = await createTestDb();
  const westRing: [number, number][] = [[0, 0], ...ZIGZAG, [0, 5], [0, 0]];
  const eastRing: [number, number][] = [...[...ZIGZAG].reverse(), [8, 0], [8, 5], ZIGZAG[ZIGZAG.length - 1]];
  const areas: [string, string, string, string | null, string][] = [
    [DISTRICT, '测试区', 'district', null, wkt([[[0, 0], [8, 0], [8, 5], [0, 5], [0, 0]]])],
    [NEIGHBOUR, '邻区', 'district', null, wkt([[[8, 0], [10, 0], [10, 5], [8, 5], [8, 0]]])],
    [WEST, '西街道', 'street', DISTRICT, wkt([westRing, LAKE])],
    [EAST, '东街道', 'street', DISTRICT, wkt([eastRing])],
  ];
  for (const [code, name, level, parent, geom] of areas) {
    await db.knex.raw(`insert into admin_areas (code, name, level, parent_code, geom) values (?, ?, ?, ?, ST_GeomFromText(?, 4326))`, [code, name, level, parent, geom]);
  }
  const rng = createRng(23);
  let overhangs = 0;
  const start = Date.parse('2026-01-01T00:00:00+08:00');
  const push = (x: number, y: number, exact = false) => {
    const [lng, lat] = exact ? at(x, y) : [X0 + x * DX, Y0 + y * DY];
    sent.push({ id: `e${sent.length}`, type: TYPES[rng.int(0, TYPES.length - 1)], severity: rng.int(1, 5), occurred_at: new Date(start + rng.next() * 180 * 86_400_000).toISOString(), lng, lat });
  };
  for (let i = 0; i < 1200; i++) push(-1 + rng.next() * 11.5, -0.5 + rng.next() * 6);
  // within one res-8 cell (≈ 0.5 km) of the zigzag, either side
  for (let i = 0; i < 500; i++) {
    const s = rng.int(0, ZIGZAG.length - 2), t = rng.next();
    const [[ax, ay], [bx, by]] = [ZIGZAG[s], ZIGZAG[s + 1]];
    const len = Math.hypot(bx - ax, by - ay), off = (rng.next() * 2 - 1) * 0.6;
    push(ax + (bx - ax) * t - ((by - ay) / len) * off, ay + (by - ay) * t + ((bx - ax) / len) * off);
  }
  // exactly on boundaries: the zigzag's vertices and its due-north segment, the lake's shore, the districts' shared edge
  for (const [x, y] of ZIGZAG.slice(1, -1)) for (let i = 0; i < 3; i++) push(x, y, true);
  for (let i = 0; i < 30; i++) push(4.5, 2 + Math.round(rng.next() * 1000) / 1000, true);
  for (let i = 0; i < 10; i++) push(1.5 + Math.round(rng.next() * 600) / 1000, 3, true);
  for (let i = 0; i < 20; i++) push(8, Math.round(rng.next() * 5000) / 1000, true);
  // in the lake (in the district, in no street)
  for (let i = 0; i < 15; i++) push(1.6 + rng.next() * 0.4, 3.1 + rng.next() * 0.4);
  // overhangs: a cell's res-12 descendants stick out of its hexagon, so an event can lie across a border from a cell
  // whose hexagon is wholly on the other side; such events, on either side of the streets' and the districts' borders,
  // at res 8, 9 and 10, each in a res-12 cell near its corner
  const ring = (r: [number, number][]) => r.map(([x, y]) => at(x, y));
  const borders = [
    { sides: [turfPolygon([ring(westRing), ring(LAKE)]), turfPolygon([ring(eastRing)])], line: ZIGZAG },
    { sides: [turfPolygon([ring([[0, 0], [8, 0], [8, 5], [0, 5], [0, 0]])]), turfPolygon([ring([[8, 0], [10, 0], [10, 5], [8, 5], [8, 0]])])], line: [[8, 0], [8, 5]] as [number, number][] },
  ];
  for (const { sides, line } of borders) {
    for (const res of [8, 9, 10]) {
      const near = new Set<string>();
      for (let s = 0; s + 1 < line.length; s++) {
        for (let t = 0; t <= 1; t += 0.005) {
          const [x, y] = [line[s][0] + (line[s + 1][0] - line[s][0]) * t, line[s][1] + (line[s + 1][1] - line[s][1]) * t];
          for (const c of gridDisk(latLngToCell(Y0 + y * DY, X0 + x * DX, res), 1)) near.add(c);
        }
      }
      for (const cell of near) {
        const hexagon = turfPolygon([cellToBoundary(cell, true)]);
        for (const [mine, other] of [[sides[0], sides[1]], [sides[1], sides[0]]]) {
          if (!booleanContains(mine, hexagon)) continue;
          for (const d of cellToChildren(cell, 12)) {
            const [clat, clng] = cellToLatLng(d);
            const corner = cellToBoundary(d).map(([lat, lng]) => [clat + 0.9 * (lat - clat), clng + 0.9 * (lng - clng)]).find(([lat, lng]) =>
              latLngToCell(lat, lng, 12) === d && booleanPointInPolygon([lng, lat], other, { ignoreBoundary: true }));
            if (corner) {
              push(0, 0);
              Object.assign(sent[sent.length - 1], { lng: corner[1], lat: corner[0], occurred_at: new Date(Date.parse(`${FROM}T00:00:00+08:00`) + rng.next() * 110 * 86_400_000).toISOString() });
              overhangs++;
              break;
            }
          }
        }
      }
    }
  }
  // clusters far inside each street
  for (let i = 0; i < 200; i++) push(1.5 + rng.next() * 0.3, 1.5 + rng.next() * 0.3);
  for (let i = 0; i < 100; i++) push(6.5 + rng.next() * 0.3, 3.5 + rng.next() * 0.3);

  expect(overhangs).toBeGreaterThan(10);
  admin = await serveApp(db);
  west = await serveApp(db, {}, { as: 'police', areaCode: WEST });
  district = await serveApp(db, {}, { as: 'police', areaCode: DISTRICT });
  viewer = await serveApp(db, {}, { as: 'viewer', areaCode: WEST });
  const res = await fetch(admin.url('/api/events/bulk?format=ndjson&source=test'), {
    method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: sent.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  // which events are in which scope: the codes the ingest gave them (the scope's rule), not recomputed here
  const { rows } = await db.knex.raw(`select external_id, street_code::text as street, district_code::text as district from events where source = 'test'`);
  const codes = new Map((rows as { external_id: string; street: string | null; district: string | null }[]).map((r) => [r.external_id, r]));
  for (const e of sent) stored.push({ ...e, street: codes.get(e.id)!.street, district: codes.get(e.id)!.district });
}, 120_000);
afterAll(async () => {
  for (const app of [admin, west, district, viewer]) await app?.close();
  await db?.close();
});

describe('the fixture', () => {
  it('when events lie exactly on the border, then the east street has them (its code sorts first); in the lake, no street; on the districts\' edge, the district', () => {
    const onZigzag = stored.filter((e) => e.lng === at(4.5, 2)[0] || ZIGZAG.some(([x, y]) => at(x, y)[0] === e.lng && at(x, y)[1] === e.lat));
    expect(onZigzag.length).toBeGreaterThanOrEqual(40);
    expect(onZigzag.every((e) => e.street === EAST)).toBe(true);
    expect(stored.filter((e) => e.lng === at(8, 0)[0]).every((e) => e.district === DISTRICT)).toBe(true);
    expect(stored.filter((e) => e.district === DISTRICT && e.street === null).length).toBeGreaterThanOrEqual(15);
  });

  it('when the plans are made, then events in the window lie under interior cells of the street (rollups) and in its edge cells (events), at res 8 and 10', async () => {
    for (const res of [8, 10]) {
      const plan = (await scopePlan(db.knex, scopeOf(WEST), res))!;
      expect(plan, `res ${res}`).not.toBeNull();
      const edge = new Set(plan.edge.cells);
      const finer = plan.finer.map((l) => new Set(l.cells));
      const mine = stored.filter((e) => inStreet(e) && inWindow(FROM, TO)(e));
      const rollups = mine.filter((e) => plan.own.has(cellOf(e, res)) || plan.finer.some((l, i) => finer[i].has(cellOf(e, l.res))));
      const events = mine.filter((e) => edge.has(cellOf(e, 10)));
      expect(rollups.length + events.length, `res ${res}`).toBe(mine.length);
      expect(mine.filter((e) => plan.own.has(cellOf(e, res))).length, `res ${res}: in the street's own interior cells`).toBeGreaterThan(100);
      expect(rollups.filter((e) => edge.has(cellOf(e, 10))).length, `res ${res}: counted twice`).toBe(0);
      expect(events.length, `res ${res}: in edge cells`).toBeGreaterThan(20);
      // the border's events and the neighbour's lie in edge cells, never in interior ones
      expect(stored.filter((e) => !inStreet(e) && (plan.own.has(cellOf(e, res)) || plan.finer.some((l, i) => finer[i].has(cellOf(e, l.res))))).length).toBe(0);
    }
  });
});

describe('heatmaps of bounded scopes, from the rollups inside and the events on the edge', () => {
  it.each([
    ['street', WEST, inStreet],
    ['district', DISTRICT, inDistrict],
  ] as const)('when the %s asks for counts of a window with mid-month ends, then they equal the h3-js aggregation of its events at res 8 and 10', async (_, code, keep) => {
    const app = code === WEST ? west : district;
    for (const res of [8, 10]) {
      const expected = counts(res, (e) => keep(e) && inWindow(FROM, TO)(e));
      const body = await getJson(app, `/api/heatmap?metric=count&res=${res}&from=${FROM}&to=${TO}`);
      expect(asMap(body), `res ${res}`).toEqual(expected);
      expect(body.totalEvents).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    }
  });

  it.each([
    ['street', WEST, inStreet],
    ['district', DISTRICT, inDistrict],
  ] as const)("when the %s asks for risk, then each cell's index and percentile are those of its events' decayed, weighted points", async (_, code, keep) => {
    const app = code === WEST ? west : district;
    const end = Date.parse(`${TO}T00:00:00+08:00`);
    for (const res of [8, 10]) {
      const points = new Map<string, number>();
      for (const e of stored.filter((e) => keep(e) && inWindow(FROM, TO)(e))) {
        points.set(cellOf(e, res), (points.get(cellOf(e, res)) ?? 0) + eventScore({ type: e.type, severity: e.severity, occurredAt: new Date(e.occurred_at) }, end));
      }
      const scores = cellScores(points);
      const expectedCounts = counts(res, (e) => keep(e) && inWindow(FROM, TO)(e));
      const body = await getJson(app, `/api/heatmap?metric=risk&res=${res}&from=${FROM}&to=${TO}`);
      expect(new Set(body.cells), `res ${res}`).toEqual(new Set(points.keys()));
      body.cells.forEach((cell: string, i: number) => {
        expect(body.values[i], `res ${res} ${cell}`).toBeCloseTo(scores.get(cell)!.index0to100, 9);
        expect(body.percentiles[i], `res ${res} ${cell}`).toBeCloseTo(scores.get(cell)!.percentile, 9);
        expect(body.counts[i]).toBe(expectedCounts.get(cell));
      });
    }
  });

  it('when windows have no edge days, or lie within one month, or types and a bbox across the border are given, then the street\'s counts are still its events\'', async () => {
    for (const res of [8, 9, 10]) {
      for (const [from, to] of [['2026-02-01', '2026-05-01'], ['2026-03-05', '2026-03-25'], ['2026-01-01', '2026-07-01']]) {
        const body = await getJson(west, `/api/heatmap?metric=count&res=${res}&from=${from}&to=${to}`);
        expect(asMap(body), `res ${res} ${from}…${to}`).toEqual(counts(res, (e) => inStreet(e) && inWindow(from, to)(e)));
      }
      const [minLng, minLat] = at(2.5, 0.5), [maxLng, maxLat] = at(5.5, 4.5);
      const box = bboxPolygon([minLng, minLat, maxLng, maxLat]);
      const overlaps = (cell: string) => booleanIntersects(turfPolygon([cellToBoundary(cell, true)]), box);
      const body = await getJson(west, `/api/heatmap?metric=count&res=${res}&from=${FROM}&to=${TO}&types=fire,dispute&bbox=${[minLng, minLat, maxLng, maxLat].join(',')}`);
      const expected = new Map([...counts(res, (e) => inStreet(e) && inWindow(FROM, TO)(e) && ['fire', 'dispute'].includes(e.type))].filter(([cell]) => overlaps(cell)));
      expect(expected.size).toBeGreaterThan(3);
      expect(asMap(body), `res ${res} bbox`).toEqual(expected);
    }
  });

  it("when hot spots are asked for, then they are Gi* over the street's cells of its events' counts", async () => {
    for (const res of [8, 10]) {
      const expected = counts(res, (e) => inStreet(e) && inWindow(FROM, TO)(e));
      const study = await areaCells(db.knex, WEST, res);
      const gi = giStar(study, expected, { k: 1 });
      const want = study.flatMap((cell, i) => ((expected.get(cell) ?? 0) > 0 || gi.bin[i] !== 0 ? [[cell, [expected.get(cell) ?? 0, gi.bin[i]]]] : [])) as [string, number[]][];
      const body = await getJson(west, `/api/heatmap?metric=hotspot&res=${res}&from=${FROM}&to=${TO}`);
      const got = new Map(body.cells.map((c: string, i: number) => [c, [body.counts[i], body.bins[i]]]));
      expect(got, `res ${res}`).toEqual(new Map(want));
      body.cells.forEach((c: string, i: number) => expect(body.values[i]).toBeCloseTo(gi.z[study.indexOf(c)], 9));
    }
  });

  it('when a caller without events:read asks, then small counts of its events are folded as they would be from its events alone', async () => {
    for (const res of [8, 10]) {
      const rows = [...counts(res, (e) => inStreet(e) && inWindow(FROM, TO)(e))].map(([cell, count]) => ({ cell, count, score: 0 }));
      const expected = suppressSmallCounts(rows, { mode: 'fold', minCount: 5, minResolution: Math.min(6, res) }).cells;
      const body = await getJson(viewer, `/api/heatmap?metric=count&res=${res}&from=${FROM}&to=${TO}`);
      expect(body.suppressed).toBe(true);
      expect(asMap(body), `res ${res}`).toEqual(new Map(expected.map((r) => [r.cell, r.count])));
    }
  });

  it("when one cell's breakdown is asked for, then an interior cell and a border cell count the street's events in them", async () => {
    const plan = (await scopePlan(db.knex, scopeOf(WEST), 8))!;
    const mine = counts(8, (e) => inStreet(e) && inWindow(FROM, TO)(e));
    const interior = [...mine.keys()].find((c) => plan.own.has(c))!;
    const others = counts(8, (e) => !inStreet(e) && inWindow(FROM, TO)(e));
    const border = [...mine.keys()].find((c) => !plan.own.has(c) && others.has(c))!;
    for (const cell of [interior, border]) {
      expect(cell).toBeDefined();
      expect((await getJson(west, `/api/heatmap/cells/${cell}?from=${FROM}&to=${TO}`)).events, cell).toBe(mine.get(cell));
    }
  });
});

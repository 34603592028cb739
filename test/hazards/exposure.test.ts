import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, Point } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import type { ImportTarget } from '../../server/import/import.schema';
import { importFeatures } from '../../server/import/import.service';
import { partitionArea } from '../../server/partition/partition.service';
import { partitionRequest } from '../../server/planning/planning.schema';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

/** The block-grid partition fixture: 1.2 km square, 64 buildings of 25 households, 4 grids. */
const fixture = JSON.parse(readFileSync('test/fixtures/partition/block-grid/in.geojson', 'utf8')) as FeatureCollection;
const buildings = fixture.features.filter((f) => f.properties?.target === 'address_points') as Feature<Point>[];
const [X0, Y0, KX, KY] = [118.9, 32.1, 0.0106 / 1000, 0.009 / 1000];
const at = (x: number, y: number): [number, number] => [X0 + x * KX, Y0 + y * KY];

/** Independent count: haversine metres on a 6,371,008.8 m sphere, over the fixture file itself. */
function householdsWithin(centre: [number, number], radiusM: number): number {
  const rad = Math.PI / 180;
  return buildings.filter((b) => {
    const [lng, lat] = b.geometry.coordinates;
    const h = Math.sin(((lat - centre[1]) * rad) / 2) ** 2 + Math.cos(lat * rad) * Math.cos(centre[1] * rad) * Math.sin(((lng - centre[0]) * rad) / 2) ** 2;
    return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h)) <= radiusM;
  }).reduce((s, b) => s + b.properties!.households, 0);
}

let db: Db;
let app: Awaited<ReturnType<typeof serveApp>>;
let planId: number;

beforeAll(async () => {
  db = await createTestDb();
  for (const target of ['areas', 'barriers', 'address_points'] as ImportTarget[]) {
    await importFeatures(db, target, { type: 'FeatureCollection', features: fixture.features.filter((f) => f.properties?.target === target) }, {});
  }
  const result = await partitionArea(db, partitionRequest.parse({ areaCode: '320113001001', micro: false, plan: 'published' }), { signal: new AbortController().signal, progress: () => {} });
  planId = result.planId;
  await db.knex.raw(`update grid_plans set status = 'published', published_at = now() where id = ?`, [planId]);
  await importFeatures(db, 'hazards', {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { id: 'chem-1', type: 'chemical_plant', name: '化工厂' }, geometry: { type: 'Point', coordinates: at(600, 600) } },
      { type: 'Feature', properties: { id: 'flood-1', type: 'flood_zone', name: '低洼地' }, geometry: { type: 'Polygon', coordinates: [[at(0, 0), at(310, 0), at(310, 310), at(0, 310), at(0, 0)]] } },
    ],
  }, {});
  app = await serveApp(db);
});
afterAll(async () => { await app?.close(); await db?.close(); });

const hazardId = async (ext: string) => (await db.knex.raw('select id from hazard_sources where ext_id = ?', [ext])).rows[0].id;

describe('hazard exposure', () => {
  it('when a chemical plant is asked for, then each ring (500 / 1000 / 3000 m) counts what an independent haversine count of the buildings finds', async () => {
    const res = await fetch(app.url(`/api/hazards/${await hazardId('chem-1')}/exposure`));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.planId).toBe(planId);
    expect(body.rings.map((r: { radiusM: number }) => r.radiusM)).toEqual([500, 1000, 3000]);
    for (const ring of body.rings) {
      expect(ring.households).toBe(householdsWithin(at(600, 600), ring.radiusM));
      expect(ring.population).toBeGreaterThan(ring.households); // 2.6 persons per household in the fixture
      expect(ring.grids.reduce((s: number, g: { householdsInside: number }) => s + g.householdsInside, 0)).toBe(ring.households);
      for (const g of ring.grids) expect(g.householdsInside).toBeLessThanOrEqual(g.householdsTotal);
    }
    expect(body.rings[2]).toMatchObject({ households: 1600, addressPoints: 64 });
    expect(body.rings[2].grids).toHaveLength(4);
  });

  it('when a point is clicked with a 250 m radius, then the partial grids count only the households actually inside', async () => {
    const res = await fetch(app.url('/api/hazards/what-if'), {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lng: at(300, 300)[0], lat: at(300, 300)[1], radiusM: 250 }),
    });
    const body = await res.json();
    const ring = body.rings[0];
    expect(ring.households).toBe(householdsWithin(at(300, 300), 250));
    expect(ring.households).toBeGreaterThan(0);
    expect(ring.grids.some((g: { householdsInside: number; householdsTotal: number }) => g.householdsInside < g.householdsTotal)).toBe(true);
  });

  it('when a flood zone polygon is asked for at 0 m, then it counts the households inside the polygon itself', async () => {
    const body = await (await fetch(app.url(`/api/hazards/${await hazardId('flood-1')}/exposure`))).json();
    expect(body.rings[0]).toMatchObject({ radiusM: 0, households: 100, addressPoints: 4 }); // the south-west block
    expect(body.rings[1].households).toBeGreaterThan(100);
  });

  it('when the rings or the point are bad, then it answers 400 or 404 saying which and why', async () => {
    const id = await hazardId('chem-1');
    const down = await fetch(app.url(`/api/hazards/${id}/exposure?ringsM=1000,500`));
    expect(down.status).toBe(400);
    expect((await down.json()).error.message).toMatch(/ringsM.*ascend/);
    expect((await fetch(app.url('/api/hazards/999999/exposure'))).status).toBe(404);
    const none = await fetch(app.url('/api/hazards/what-if'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lng: 118.9, lat: 32.1 }) });
    expect(none.status).toBe(400);
    expect((await none.json()).error.message).toMatch(/radiusM/);
    const abroad = await fetch(app.url('/api/hazards/what-if'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lng: 2.35, lat: 48.85, radiusM: 100 }) });
    expect(abroad.status).toBe(400);
  });

  it('when hazards are listed, then each carries the ring distances of its type', async () => {
    const fc = await (await fetch(app.url('/api/hazards'))).json();
    expect(fc.features.map((f: { properties: { ext_id: string; ringsM: number[] } }) => [f.properties.ext_id, f.properties.ringsM]))
      .toEqual([['chem-1', [500, 1000, 3000]], ['flood-1', [0, 200, 500]]]);
  });
});

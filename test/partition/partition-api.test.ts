import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import type { ImportTarget } from '../../server/import/import.schema';
import { importFeatures } from '../../server/import/import.service';
import type { JobView } from '../../server/jobs/job-registry';
import { partitionArea } from '../../server/partition/partition.service';
import { partitionRequest } from '../../server/planning/planning.schema';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

const COMMUNITY = '320113001001';
let db: Db;
let app: Awaited<ReturnType<typeof serveApp>>;

beforeAll(async () => {
  db = await createTestDb();
  const fc = JSON.parse(readFileSync('test/fixtures/partition/block-grid/in.geojson', 'utf8')) as FeatureCollection;
  for (const target of ['areas', 'barriers', 'address_points'] as ImportTarget[]) {
    await importFeatures(db, target, { type: 'FeatureCollection', features: fc.features.filter((f) => f.properties?.target === target) }, {});
  }
  app = await serveApp(db);
});
afterAll(async () => { await app?.close(); await db?.close(); });

const post = (path: string, body: unknown) =>
  fetch(app.url(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function finished(id: string): Promise<JobView> {
  for (;;) {
    const job = (await (await fetch(app.url(`/api/jobs/${id}`))).json()) as JobView;
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('POST /api/planning/partition', () => {
  let planId: number;

  it('when a community is partitioned, then the job answers 202, ends done at 100%, and its draft plan holds grids and micro-grids that nest', async () => {
    const res = await post('/api/planning/partition', { areaCode: COMMUNITY, plan: 'first' });
    expect(res.status).toBe(202);
    const started = (await res.json()) as JobView;
    expect(res.headers.get('location')).toBe(`/api/jobs/${started.id}`);
    const job = await finished(started.id);
    expect(job).toMatchObject({ status: 'done', progress: 100, error: null });
    planId = (job.result as { planId: number }).planId;

    const grids = await (await fetch(app.url(`/api/plans/${planId}/grids?kind=comprehensive`))).json();
    const micro = await (await fetch(app.url(`/api/plans/${planId}/grids?kind=micro`))).json();
    expect(grids.features).toHaveLength(4);
    expect(micro.features.length).toBeGreaterThanOrEqual(4 * 8); // 400 households in 20–50 → at least 8 each
    for (const g of grids.features) {
      const children = micro.features.filter((m: { properties: { parent_grid_code: string } }) => m.properties.parent_grid_code === g.properties.code);
      expect(children.reduce((s: number, m: { properties: { households: number } }) => s + m.properties.households, 0)).toBe(g.properties.households);
      expect(children.reduce((s: number, m: { properties: { area_m2: number } }) => s + m.properties.area_m2, 0)).toBeCloseTo(g.properties.area_m2, -1);
      for (const m of children) expect(m.properties.code).toMatch(new RegExp(`^${g.properties.code}\\d{2}$`));
    }
    const plan = await (await fetch(app.url(`/api/plans/${planId}`))).json();
    expect(plan.status).toBe('draft');
  });

  it('when the same community is partitioned again based on that plan, then the unchanged grids keep their codes', async () => {
    const job = await finished(((await (await post('/api/planning/partition', { areaCode: COMMUNITY, plan: 'second', basedOn: planId })).json()) as JobView).id);
    expect(job.status).toBe('done');
    const diff = await (await fetch(app.url(`/api/plans/${planId}/diff/${(job.result as { planId: number }).planId}`))).json();
    expect(diff, JSON.stringify(diff)).toMatchObject({ added: [], removed: [], reshaped: [], moves: [] });
    expect(diff.unchanged).toBeGreaterThanOrEqual(4 + 32); // grids and micro-grids
  });

  it('when a school footprint is drawn, then it becomes dedicated grid 901 with its households, carved out of the comprehensive grids', async () => {
    const [x0, y0, dx, dy] = [118.9, 32.1, 0.0106 / 1000, 0.009 / 1000]; // the fixture's metres → degrees
    const at = (x: number, y: number) => [x0 + x * dx, y0 + y * dy];
    const school = { type: 'Feature', properties: { name: '测试小学', unitType: 'school' },
      geometry: { type: 'Polygon', coordinates: [[at(30, 30), at(270, 30), at(270, 270), at(30, 270), at(30, 30)]] } };
    const job = await finished(((await (await post('/api/planning/partition', { areaCode: COMMUNITY, plan: 'with school', micro: false, dedicated: { type: 'FeatureCollection', features: [school] } })).json()) as JobView).id);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    const fc = await (await fetch(app.url(`/api/plans/${(job.result as { planId: number }).planId}/grids`))).json();
    const dedicated = fc.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'dedicated');
    expect(dedicated).toHaveLength(1);
    expect(dedicated[0].properties).toMatchObject({ code: `${COMMUNITY}901`, name: '测试小学', households: 100 }); // the block's 4 buildings
    expect(dedicated[0].properties.area_m2).toBeCloseTo(240 * 240, -3);
    const all = fc.features.reduce((s: number, f: { properties: { households: number } }) => s + f.properties.households, 0);
    expect(all).toBe(1600);
    const { rows } = await db.knex.raw(
      `select abs(ST_Area(ST_Union(g.geom)) - ST_Area(a.geom)) / ST_Area(a.geom) as err from grids g, admin_areas a
       where g.plan_id = ? and g.kind <> 'micro' and a.code = ? group by a.geom`, [(job.result as { planId: number }).planId, COMMUNITY]);
    expect(rows[0].err).toBeLessThan(1e-9);
  });

  it('when the area is unknown or a range is upside down, then it answers 404 or 400 naming it, and starts no job', async () => {
    const missing = await post('/api/planning/partition', { areaCode: '320113009999' });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain('320113009999');
    const bad = await post('/api/planning/partition', { areaCode: COMMUNITY, urban: { min: 500, max: 300 } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/urban.*min must not exceed max/);
  });

  it('when a finished job is cancelled, then it answers 409; when a run is aborted, then nothing is written', async () => {
    const { id } = (await (await post('/api/planning/partition', { areaCode: COMMUNITY, plan: 'third', micro: false })).json()) as JobView;
    await finished(id);
    expect((await post(`/api/jobs/${id}/cancel`, {})).status).toBe(409);

    const before = (await db.knex.raw('select count(*)::int as n from grid_plans')).rows[0].n;
    const controller = new AbortController();
    controller.abort();
    await expect(partitionArea(db, partitionRequest.parse({ areaCode: COMMUNITY, plan: 'aborted' }), { signal: controller.signal, progress: () => {} })).rejects.toThrow();
    expect((await db.knex.raw('select count(*)::int as n from grid_plans')).rows[0].n).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYWHERE } from '../../server/auth/scope';
import type { Db } from '../../server/db/knex';
import { DEMO_EVENT_PERIOD } from '../../server/demo/event-calendar';
import { EVENT_MIX, EVENTS_PER_YEAR } from '../../server/demo/event-mix';
import { DEMO_EVENT_COUNT, isEmpty, seedDemo, type SeedResult } from '../../server/demo/seed';
import { exposurePlan } from '../../server/hazards/exposure.repo';
import { alignment } from '../../server/overlay/alignment.repo';
import { createTestDb } from '../helpers/db';

/** Qixia: 9 streets divided into 929 grids (DOMAIN.md); the demo's 400,000 households make a few more. */
const COMPREHENSIVE_GRIDS = { min: 800, max: 1300 };

let db: Db;
let result: SeedResult;
let seedingMs: number;
const progress: number[] = [];

const rows = async <T>(sql: string, bindings: (string | number)[] = []): Promise<T[]> => (await db.knex.raw(sql, bindings)).rows;

beforeAll(async () => {
  db = await createTestDb();
  const t0 = performance.now();
  result = await seedDemo(db, (pct) => progress.push(pct));
  seedingMs = performance.now() - t0;
  console.info(`Qixia demo seeded in ${(seedingMs / 1000).toFixed(1)} s on ${db.backend} (partition ${result.comprehensive.seconds.toFixed(1)} s)`);
});

afterAll(async () => {
  await db?.close();
});

describe('seedDemo', () => {
  it('when seeded, then it took well under two minutes and the progress only went forward, to the end', () => {
    expect(seedingMs).toBeLessThan(120_000);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    expect(progress.at(-1)).toBeGreaterThan(99);
    expect(progress.at(-1)).toBeLessThanOrEqual(100);
  });

  it('when seeded, then every import landed whole and the database is no longer empty', async () => {
    expect(result.imports.map((r) => r.target)).toEqual(['areas', 'barriers', 'address_points', 'grids', 'hazards', 'response_points']);
    for (const r of result.imports) expect(r.inserted, r.target).toBeGreaterThan(0);
    expect(await isEmpty(db)).toBe(false);
  });

  it('when seeded, then a comprehensive plan of the whole district, the police plan and generated emergency and safety plans are published', async () => {
    const plans = await rows<{ layer: string; kind: string; id: number; status: string; grids: number }>(
      `select l.name as layer, l.kind, p.id, p.status, (select count(*)::int from grids g where g.plan_id = p.id) as grids
         from grid_plans p join grid_layers l on l.id = p.layer_id order by p.id`,
    );
    expect(plans).toEqual([
      { layer: '警格', kind: 'police', id: result.policePlanId, status: 'published', grids: result.imports[3].inserted },
      { layer: '综合网格', kind: 'comprehensive', id: result.comprehensive.planId, status: 'published', grids: result.comprehensive.grids },
      { layer: '应急格', kind: 'emergency', id: expect.any(Number), status: 'published', grids: 129 }, // one per community
      { layer: '安监格', kind: 'safety', id: expect.any(Number), status: 'published', grids: 52 },
    ]);
    expect(result.comprehensive.grids).toBeGreaterThanOrEqual(COMPREHENSIVE_GRIDS.min);
    expect(result.comprehensive.grids).toBeLessThanOrEqual(COMPREHENSIVE_GRIDS.max);
    expect(result.comprehensive.microGrids).toBe(0);
    const ratio = result.comprehensive.grids / result.imports[3].inserted;
    expect(ratio).toBeGreaterThan(6);
    expect(ratio).toBeLessThan(10);
    expect(await exposurePlan(db.knex)).toBe(result.comprehensive.planId);
  });

  it('when seeded, then the police grids disagree with the comprehensive grids, as the police view should show', async () => {
    const { figures } = await alignment(db.knex, result.comprehensive.planId, result.policePlanId, EVERYWHERE, { mismatch: false });
    expect(figures.grids).toBe(result.comprehensive.grids);
    expect(figures.splitGrids).toBeGreaterThan(figures.grids / 10);
    expect(figures.wholeShare).toBeLessThan(0.9);
  });
});

describe('seedDemo: events', () => {
  const one = async <T>(sql: string) => (await rows<T>(sql))[0];

  it('when seeded, then the demo year of events went in whole, assigned to every published layer', async () => {
    expect(result.events).toMatchObject({ rows: DEMO_EVENT_COUNT, accepted: DEMO_EVENT_COUNT, duplicates: 0, rejected: 0 });
    const e = await one<Record<string, number>>(
      `select count(*)::int as n, count(*) filter (where outside)::int as outside, count(police_code)::int as police,
              count(emergency_code)::int as emergency, count(safety_code)::int as safety, count(community_code)::int as community
         from events`);
    expect(e.n).toBe(DEMO_EVENT_COUNT);
    expect(e.outside / e.n).toBeLessThan(0.01); // drawn at homes and hazard sources, so hardly ever off the district
    for (const layer of ['police', 'emergency', 'safety', 'community']) expect(e[layer], layer).toBe(e.n - e.outside);
  });

  it('when seeded, then the types keep the mix proportions and every event lies in the demo year', async () => {
    const byType = await rows<{ type: string; n: number }>('select type, count(*)::int as n from events group by type');
    expect(byType.map((r) => r.type).sort()).toEqual(EVENT_MIX.map((m) => m.type).sort());
    for (const mix of EVENT_MIX) {
      const n = byType.find((r) => r.type === mix.type)!.n;
      expect(n / DEMO_EVENT_COUNT, mix.type).toBeCloseTo(mix.perYear / EVENTS_PER_YEAR, 2);
    }
    const span = await one<{ first: string; last: string }>(
      `select min(occurred_at at time zone 'Asia/Shanghai')::date::text as first, max(occurred_at at time zone 'Asia/Shanghai')::date::text as last from events`);
    expect(span.first).toBe('2025-11-01');
    expect(span.last < DEMO_EVENT_PERIOD.end).toBe(true);
    expect(span.last >= '2026-10-30').toBe(true);
  });

  it('when seeded, then floods come in the flood season, hazards near hazard sources, and the rollups count every event', async () => {
    const flood = await one<{ share: number }>(
      `select avg((extract(month from occurred_at at time zone 'Asia/Shanghai') between 6 and 9)::int)::float8 as share from events where type = 'flood_report'`);
    expect(flood.share).toBeGreaterThan(0.95);
    const near = await rows<{ type: string; share: number }>(
      `select type, avg((exists (select 1 from hazard_sources h where ST_DWithin(h.geom::geography, e.geom::geography, 300)))::int)::float8 as share
         from events e where type in ('work_safety_hazard', 'hotline_12345') group by type`);
    const shareNear = (type: string) => near.find((r) => r.type === type)!.share;
    expect(shareNear('work_safety_hazard')).toBeGreaterThan(0.4); // half are drawn round industrial sources
    expect(shareNear('work_safety_hazard')).toBeGreaterThan(5 * shareNear('hotline_12345'));
    const rolled = await one<{ n: number }>(`select sum(n1 + n2 + n3 + n4 + n5)::int as n from event_cells where res = 8 and period = 'm' and type = '*'`);
    expect(rolled.n).toBe(DEMO_EVENT_COUNT);
  });

  it('when seeded, then contacts are kept apart as sensitive fields with fake phone numbers, and sources send their own ids', async () => {
    const e = await one<Record<string, number>>(
      `select count(*) filter (where jsonb_exists(sensitive, '联系电话'))::int as with_phone,
              count(*) filter (where sensitive->>'联系电话' ~ '^1380000[0-9]{4}$')::int as fake_phone,
              count(*) filter (where jsonb_exists(attributes, '联系电话') or jsonb_exists(attributes, '联系人'))::int as leaked,
              count(*) filter (where external_id is not null)::int as with_id
         from events`);
    expect(e.with_phone).toBeGreaterThan(DEMO_EVENT_COUNT / 3);
    expect(e.fake_phone).toBe(e.with_phone);
    expect(e.leaked).toBe(0);
    expect(e.with_id / DEMO_EVENT_COUNT).toBeGreaterThan(0.85);
  });
});

import { EVERYWHERE } from '../auth/scope';
import type { Db } from '../db/knex';
import { findLayer, findPlanId } from '../import/import.repo';
import type { ImportResult } from '../import/import.schema';
import { importFeatures } from '../import/import.service';
import { partitionArea, type PartitionResult } from '../partition/partition.service';
import { partitionRequest } from '../planning/planning.schema';
import { createPlansService } from '../plans/plans.service';
import { generateLayer } from '../overlay/generate-layer';
import { GridIndex } from '../events/grid-index';
import { ingestEvents, type IngestResult } from '../events/ingest';
import type { NumberedRecord } from '../events/record-streams';
import { generateQixiaDemo } from './generate';
import { eventPlacesOf } from './event-places';
import { generateDemoEvents, type DemoEventRecord } from './events';
import { createDemoUsers, type DemoCredential } from './demo-users';
import { runAs } from '../http/request-context';

export const DEMO_SEED = 20211;
const DISTRICT_CODE = '320113000000';
export const DEMO_POLICE_LAYER = { layer: '警格', kind: 'police', plan: '警格 演示' } as const;
export const DEMO_COMPREHENSIVE_PLAN = '栖霞区 演示规划';
/** An emergency grid per community; safety-supervision grids about one per 20 comprehensive grids. */
export const DEMO_GENERATED_LAYERS = [
  { kind: 'emergency', layer: '应急格', plan: '按社区生成', by: 'community' },
  { kind: 'safety', layer: '安监格', plan: '按数量生成', by: 'count', count: 52 },
] as const;

/**
 * Events seeded over the demo year: about 30% of the district's yearly volume (EVENTS_PER_YEAR),
 * since the embedded database ingests ~1,000 events/s. `npm run demo:events` writes any number.
 */
export const DEMO_EVENT_COUNT = 28_000;
export const DEMO_EVENT_SOURCE = 'demo';

/** Shares of the progress bar (percent), roughly as the time goes on the embedded database. */
const SHARE = { generate: 19, import: 11, partition: 43, generatedLayers: 2, events: 25 };

export interface SeedResult {
  imports: ImportResult[];
  /** the comprehensive plan of the whole district, published */
  comprehensive: PartitionResult;
  /** the police layer's plan, published */
  policePlanId: number;
  /** the demo events' ingest batch */
  events: IngestResult;
  /** the demo users and their generated passwords, to print once */
  users: DemoCredential[];
}

export async function isEmpty(db: Db): Promise<boolean> {
  const { rows } = await db.knex.raw('select not exists (select 1 from admin_areas) as empty');
  return rows[0].empty;
}

/**
 * Seeds the Qixia demo district through the same validated import path users take (areas,
 * barriers, address points, the police layer, hazard sources, response points; each its own
 * transaction), then partitions the district into comprehensive grids (no micro-grids) the way
 * the planner does, and generates an emergency and a safety layer from those grids. Every plan is
 * published, so overlay and hazard views have a comprehensive plan and a police plan that
 * disagree, as real ones do. Last, a year of generated events goes in through the API's ingest,
 * assigned to every layer.
 */
export async function seedDemo(db: Db, onProgress: (pct: number, stage: string) => void = () => {}): Promise<SeedResult> {
  return runAs('system:seed', () => seedSteps(db, onProgress));
}

async function seedSteps(db: Db, onProgress: (pct: number, stage: string) => void): Promise<SeedResult> {
  const data = await generateQixiaDemo(db.knex, {
    seed: DEMO_SEED,
    onProgress: (stage, pct) => onProgress((pct * SHARE.generate) / 100, stage),
  });
  const steps = [
    { target: 'areas', fc: data.areas },
    { target: 'barriers', fc: data.barriers },
    { target: 'address_points', fc: data.addressPoints },
    { target: 'grids', fc: data.policeGrids, ...DEMO_POLICE_LAYER },
    { target: 'hazards', fc: data.hazards },
    { target: 'response_points', fc: data.responsePoints },
  ] as const;
  // an import's time goes mostly with its feature count
  const total = steps.reduce((n, s) => n + s.fc.features.length, 0);
  const importsEnd = SHARE.generate + SHARE.import;
  let done = 0;
  const imports: ImportResult[] = [];
  for (const { target, fc, ...gridParams } of steps) {
    const base = SHARE.generate + (SHARE.import * done) / total;
    const share = (SHARE.import * fc.features.length) / total;
    imports.push(await importFeatures(db, target, fc, {
      ...gridParams,
      crs: 'wgs84',
      repair: false,
      filename: `demo:${target}`,
      format: 'geojson',
      onProgress: (pct) => onProgress(Math.min(importsEnd, base + (share * pct) / 100), `import ${target}`), // no rounding past the next stage's start
    }));
    done += fc.features.length;
  }

  const plans = createPlansService(db);
  const policeLayer = await findLayer(db.knex, DEMO_POLICE_LAYER.layer);
  const policePlanId = (await findPlanId(db.knex, policeLayer!.id, DEMO_POLICE_LAYER.plan))!;
  await plans.publish(policePlanId, EVERYWHERE);

  const start = importsEnd;
  const comprehensive = await partitionArea(
    db,
    partitionRequest.parse({ areaCode: DISTRICT_CODE, plan: DEMO_COMPREHENSIVE_PLAN, micro: false }),
    { signal: new AbortController().signal, progress: (pct, stage) => onProgress(start + (pct * SHARE.partition) / 100, `partition: ${stage ?? ''}`) },
  );
  await plans.publish(comprehensive.planId, EVERYWHERE);
  // the emergency and safety bureaus have no layers of their own: both are generated from the grids
  for (const [i, layer] of DEMO_GENERATED_LAYERS.entries()) {
    onProgress(100 - SHARE.events - SHARE.generatedLayers * (1 - i / DEMO_GENERATED_LAYERS.length), `generate ${layer.layer}`);
    await plans.publish((await generateLayer(db.knex, { comprehensive: comprehensive.planId, ...layer }, EVERYWHERE)).planId, EVERYWHERE);
  }
  // last, so that each event is assigned to every published layer
  const eventsStart = 100 - SHARE.events;
  const events = await ingestEvents(db.knex, await GridIndex.load(db.knex), numbered(generateDemoEvents(eventPlacesOf(data), { seed: DEMO_SEED, count: DEMO_EVENT_COUNT })), {
    format: 'ndjson', crs: 'wgs84', mode: 'all', source: DEMO_EVENT_SOURCE,
    onProgress: (rows) => onProgress(eventsStart + (SHARE.events * rows) / DEMO_EVENT_COUNT, 'events'),
  });
  const users = await createDemoUsers(db.knex);
  onProgress(100, 'done');
  return { imports, comprehensive, policePlanId, events, users };
}

/** Generated events as the ingest reads a batch, numbered from 1. */
async function* numbered(records: Iterable<DemoEventRecord>): AsyncGenerator<NumberedRecord> {
  let row = 0;
  for (const record of records) yield { row: ++row, record: { ...record } };
}

import type { Knex } from 'knex';
import { geomInScopeCondition, type Scope } from '../auth/scope';
import { planVisibleSql } from '../plans/plans.repo';
import { exposurePlan } from '../hazards/exposure.repo';
import { eventRange } from '../risk/heatmap.repo';
import {
  areaSource,
  eventInScopeCondition,
  eventsPerGridSource,
  gridSource,
  HAZARD_DIMENSIONS,
  hazardSource,
  type HazardShape,
  responsePointSource,
  type FeatureSource,
} from './feature-sources';

/** A feature collection the OGC API serves: a stable id, what it is, where its rows come from. */
export interface OgcCollection {
  id: string;
  title: string;
  description: string;
  source: FeatureSource;
  /** first and last time the collection's features count, for collections `datetime` applies to */
  timeSpan?: (knex: Knex) => Promise<[string, string] | null>;
}

const AREA_COLLECTIONS = [
  { level: 'district', title: '区县 Districts' },
  { level: 'street', title: '街道/乡镇 Streets and towns' },
  { level: 'community', title: '社区/村 Communities and villages' },
] as const;

interface PlanRow {
  id: number;
  name: string;
  status: string;
  layer_id: number;
  layer_name: string;
  layer_kind: string;
}

/** Every plan visible in the scope with its layer, and the kinds of grid each holds (always its layer's own kind). */
async function plansWithKinds(knex: Knex, scope: Scope): Promise<(PlanRow & { kinds: string[] })[]> {
  const { rows: plans } = await knex.raw(
    `select p.id, p.name, p.status, p.layer_id, l.name as layer_name, l.kind as layer_kind
     from grid_plans p join grid_layers l on l.id = p.layer_id where ${planVisibleSql(scope)} order by p.layer_id, p.id`,
  );
  const { rows: kinds } = await knex.raw('select distinct plan_id, kind from grids order by plan_id, kind');
  return (plans as PlanRow[]).map((p) => ({
    ...p,
    kinds: [...new Set([p.layer_kind, ...(kinds as { plan_id: number; kind: string }[]).filter((k) => k.plan_id === p.id).map((k) => k.kind)])].sort(),
  }));
}

/**
 * The collections, in a fixed order: areas by level; per grid layer, the grids of its published
 * plan by kind (`layer-<layerId>-<kind>`, which follows publishing); every plan by kind
 * (`plan-<planId>-<kind>`); hazard sources by geometry (`hazards-point`, `-line`, `-polygon`,
 * those that have any); response points; events per comprehensive grid of the published
 * comprehensive plan (`events-per-grid`). With `onlyId`, that one collection (or none), without
 * reading the event types unless it is `events-per-grid`. What the caller's scope holds: plans
 * visible in it, and in every collection only the features in it (so extents and numberMatched
 * are of those).
 */
export async function listCollections(knex: Knex, scope: Scope, onlyId?: string): Promise<OgcCollection[]> {
  const collections: OgcCollection[] = AREA_COLLECTIONS.map(({ level, title }) => ({
    id: `areas-${level}`,
    title,
    description: `Administrative areas of level ${level}, with their 12-digit statistical codes.`,
    source: areaSource(level, scope),
  }));

  const plans = await plansWithKinds(knex, scope);
  for (const p of plans.filter((x) => x.status === 'published')) {
    for (const kind of p.kinds) {
      collections.push({
        id: `layer-${p.layer_id}-${kind}`,
        title: `${p.layer_name} · ${kind} (published: ${p.name})`,
        description: `The ${kind} grids of layer ${p.layer_id} (${p.layer_name}, ${p.layer_kind}) in its published plan, now plan ${p.id}; this collection follows the layer's publishing.`,
        source: gridSource(p.id, kind, scope),
      });
    }
  }
  for (const p of plans) {
    for (const kind of p.kinds) {
      collections.push({
        id: `plan-${p.id}-${kind}`,
        title: `${p.layer_name} · ${p.name} (${p.status}) · ${kind}`,
        description: `The ${kind} grids of plan ${p.id} (${p.status}) of layer ${p.layer_id} (${p.layer_name}, ${p.layer_kind}).`,
        source: gridSource(p.id, kind, scope),
      });
    }
  }

  const { rows: dimensions } = await knex.raw(`select distinct ST_Dimension(t.geom) as d from hazard_sources t where ${geomInScopeCondition('t.geom', scope)}`);
  for (const [shape, d] of Object.entries(HAZARD_DIMENSIONS) as [HazardShape, number][]) {
    if (!(dimensions as { d: number }[]).some((r) => r.d === d)) continue;
    collections.push({
      id: `hazards-${shape}`,
      title: `风险源 Hazard sources (${shape}s)`,
      description: `Registered hazard sources drawn as ${shape}s (chemical plants, gas stations, flood zones, geological hazards …); one collection per geometry type.`,
      source: hazardSource(shape, scope),
    });
  }
  collections.push({ id: 'response-points', title: '快速反应点 Response points', description: 'Police stations, quick-response posts, patrol points and fire stations.', source: responsePointSource(scope) });

  const comprehensive = onlyId === undefined || onlyId === 'events-per-grid' ? await exposurePlan(knex) : null;
  if (comprehensive !== null) {
    // the rollups' types (a few hundred rows to read, where the events may be millions); in a
    // bounded scope those of its events, so no type seen only elsewhere is named
    const types = (await eventRange(knex, scope)).types.sort((a, b) => a.type.localeCompare(b.type));
    collections.push({
      id: 'events-per-grid',
      title: '网格事件统计 Events per grid',
      description: `Events counted per comprehensive grid of the published comprehensive plan (now plan ${comprehensive}), in all and per type, over the datetime interval (all time without one). Single events are not served.`,
      source: eventsPerGridSource(comprehensive, types.map((t) => t.type), scope),
      timeSpan: (k) => eventTimeSpan(k, scope),
    });
  }
  return onlyId === undefined ? collections : collections.filter((c) => c.id === onlyId);
}

export async function findCollection(knex: Knex, id: string, scope: Scope): Promise<OgcCollection | undefined> {
  return (await listCollections(knex, scope, id))[0];
}

/** First and last time of the stored events in the scope, or null without any. */
async function eventTimeSpan(knex: Knex, scope: Scope): Promise<[string, string] | null> {
  const { rows: [r] } = await knex.raw(`select min(e.occurred_at) as first, max(e.occurred_at) as last from events e where ${eventInScopeCondition(scope)}`);
  if (r.first === null) return null;
  return [new Date(r.first).toISOString(), new Date(r.last).toISOString()];
}

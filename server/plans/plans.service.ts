import type { Feature, FeatureCollection } from 'geojson';
import { inScope, outOfScope, type Scope } from '../auth/scope';
import { recordAudit } from '../audit/audit.repo';
import type { Db } from '../db/knex';
import { badRequest, conflict, notFound } from '../http/errors';
import type { GridProperties } from '../planning/planning.schema';
import * as diffRepo from './diff.repo';
import * as repo from './plans.repo';
import type { PlanDetail, PlanDiff, PlanGridsQuery, PublishResult, TopologyReport } from './plans.schema';
import { checkTopology } from './topology';
import { checkIfMatch, type IfMatch } from './versions';

/** A grid as a feature: id = grid id, properties = GridProperties and the grid's version and ETag. */
function gridFeature({ id, geojson, ...properties }: repo.GridRow & { geojson: string }): Feature {
  return { type: 'Feature', id, properties: properties satisfies GridProperties & { version: number; etag: string }, geometry: JSON.parse(geojson) };
}

/**
 * The use cases of the plans API: read plans and their grids, publish, compare, check. Each takes
 * the caller's scope: a plan not visible in it is a 404, its grids outside it are left out.
 */
export function createPlansService(db: Db) {
  const knex = db.knex;

  async function requirePlan(id: number, scope: Scope): Promise<PlanDetail> {
    const plan = await repo.getPlan(knex, id, scope);
    if (!plan) throw notFound(`plan ${id}`);
    return plan;
  }

  return {
    listPlans: (scope: Scope, layerId?: number) => repo.listPlans(knex, scope, layerId),

    getPlan: requirePlan,

    /** The plan's grids as a FeatureCollection of grid features. */
    async grids(id: number, q: PlanGridsQuery, scope: Scope): Promise<FeatureCollection & { numberReturned: number }> {
      await requirePlan(id, scope);
      const rows = await repo.planGrids(knex, id, q, scope);
      return { type: 'FeatureCollection', numberReturned: rows.length, features: rows.map(gridFeature) };
    },

    /** One grid of the plan as a feature, and its ETag. */
    async grid(id: number, code: string, scope: Scope): Promise<{ feature: Feature; etag: string }> {
      await requirePlan(id, scope);
      const [row] = await repo.planGrids(knex, id, { code }, scope);
      if (!row) throw notFound(`grid ${code} in plan ${id}`);
      return { feature: gridFeature(row), etag: row.etag };
    },

    /**
     * Publishes a draft: the layer's published plan becomes archived and this one published, in
     * one transaction that locks the layer's plans, so concurrent publishes queue; If-Match (the
     * plan's ETag) is checked under that lock. Both plans' versions go up. Publishing changes the
     * whole layer: a 403 out_of_scope unless the layer's area lies within the scope.
     */
    async publish(id: number, scope: Scope, ifMatch?: IfMatch): Promise<PublishResult> {
      return knex.transaction(async (trx) => {
        const head = await repo.planHead(trx, id, scope);
        if (!head) throw notFound(`plan ${id}`);
        if (!inScope(scope, head.layer_area_code)) throw outOfScope(scope, head.layer_area_code, `publishing plan ${id}: its layer ${head.layer_id} (${head.layer_name})`);
        const plans = await repo.lockLayerPlans(trx, id);
        const plan = plans.find((p) => p.id === id);
        if (!plan) throw notFound(`plan ${id}`);
        checkIfMatch(ifMatch, { planId: id, plan: plan.version, grids: new Map() });
        if (plan.status !== 'draft') {
          const why = plan.status === 'published' ? 'is already published' : 'is archived; publish a draft instead (copy it to a new plan first)';
          throw conflict('plan_not_draft', `plan ${id} ${why}`, { planId: id, status: plan.status });
        }
        const archived = await repo.archivePublished(trx, id);
        await repo.markPublished(trx, id);
        await recordPublish(trx, plan, archived);
        return { plan: (await repo.getPlan(trx, id, scope))!, archived };
      });
    },

    /** What changes from plan `from` to plan `to` of the same layer. */
    async diff(from: number, to: number, scope: Scope): Promise<PlanDiff> {
      await comparable(from, to, scope);
      const [changes, moves] = await Promise.all([diffRepo.codeChanges(knex, from, to, scope), diffRepo.householdMoves(knex, from, to, scope)]);
      const same = changes.filter((c) => c.change === 'same');
      const reshaped = same.filter((c) => c.symDiffM2! > diffRepo.RESHAPE_THRESHOLD_M2);
      return {
        from,
        to,
        added: changes.filter((c) => c.change === 'added').map((c) => c.code),
        removed: changes.filter((c) => c.change === 'removed').map((c) => c.code),
        reshaped: reshaped.map((c) => ({ code: c.code, areaChangeM2: c.areaChangeM2!, symDiffM2: c.symDiffM2! })),
        unchanged: same.length - reshaped.length,
        moves,
      };
    },

    /** The changed grids for map highlighting: added/reshaped ones of `to`, removed ones of `from`. */
    async diffFeatures(from: number, to: number, scope: Scope): Promise<FeatureCollection> {
      await comparable(from, to, scope);
      const rows = await diffRepo.changedGrids(knex, from, to, scope);
      return {
        type: 'FeatureCollection',
        features: rows.map((r): Feature => ({ type: 'Feature', id: r.id, properties: r.properties, geometry: JSON.parse(r.geojson) })),
      };
    },

    async topology(id: number, scope: Scope, area?: string): Promise<TopologyReport> {
      const plan = await requirePlan(id, scope);
      return checkTopology(knex, plan, scope, area);
    },
  };

  async function comparable(from: number, to: number, scope: Scope) {
    const [a, b] = await Promise.all([repo.planHead(knex, from, scope), repo.planHead(knex, to, scope)]);
    if (!a) throw notFound(`plan ${from}`);
    if (!b) throw notFound(`plan ${to}`);
    if (a.layer_id !== b.layer_id) {
      throw badRequest(
        'plans_not_comparable',
        `plans ${from} and ${to} belong to different layers (${a.layer_name}, ${b.layer_name}); only plans of one layer can be compared`,
        { from: { id: from, layerId: a.layer_id }, to: { id: to, layerId: b.layer_id } },
      );
    }
  }
}

export type PlansService = ReturnType<typeof createPlansService>;

/**
 * The audit entries of a publish: the plan draft → published, and the layer's plan it archived
 * published → archived; each in the plan's area (else its layer's).
 */
async function recordPublish(trx: Db['knex'], draft: { id: number; version: number }, archived: number[]): Promise<void> {
  const rows: { id: number; area_code: string | null; version: number; layer_id: number; name: string; published_at: Date | null }[] =
    (await trx.raw(
      `select p.id, coalesce(p.area_code, l.area_code)::text as area_code, p.version, p.layer_id, p.name, p.published_at
         from grid_plans p join grid_layers l on l.id = p.layer_id where p.id = any(?::int[])`, [[draft.id, ...archived]])).rows;
  const published = rows.find((r) => r.id === draft.id)!;
  await recordAudit(trx, [
    ...rows.filter((r) => r.id !== draft.id).map((a) => ({
      action: 'plan.archive', entity: 'plan', entityId: String(a.id), areaCode: a.area_code,
      before: { status: 'published', version: Number(a.version) - 1 }, after: { status: 'archived', version: Number(a.version), replacedBy: draft.id },
    })),
    {
      action: 'plan.publish', entity: 'plan', entityId: String(draft.id), areaCode: published.area_code,
      before: { status: 'draft', version: draft.version },
      after: {
        status: 'published', version: Number(published.version), layerId: published.layer_id, name: published.name,
        publishedAt: published.published_at && new Date(published.published_at).toISOString(), archived,
      },
    },
  ]);
}

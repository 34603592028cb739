import type { Knex } from 'knex';
import { inScope, outOfScope, scopeCondition, type Scope } from '../auth/scope';
import { z } from 'zod';
import { createRng } from '../geo/prng';
import { badRequest, notFound } from '../http/errors';
import { readingOrder } from '../partition/grid-codes';
import { planVisibleSql } from '../plans/plans.repo';
import { createPlan, ensureLayer } from '../partition/partition.repo';
import { splitGraph } from '../partition/plan-community';
import { gridAdjacency } from './grid-adjacency';
import { groupBy, writeUnionPlan, type UnionCheck, type UnionGrid } from './union-plan';
import { workloadFigures, type WorkloadFigures } from './workload';

export const GENERATED_KINDS = ['emergency', 'safety', 'departmental'] as const;
type GeneratedKind = (typeof GENERATED_KINDS)[number];

/** Letters before a generated grid's code: 应急 YJ, 安监 AJ, 部门 BM. */
const CODE_PREFIX: Record<GeneratedKind, string> = { emergency: 'YJ', safety: 'AJ', departmental: 'BM' };
const KIND_NAME: Record<GeneratedKind, string> = { emergency: '应急格', safety: '安监格', departmental: '专业网格' };

export const generateLayerBody = z.object({
  comprehensive: z.number().int().positive().describe('plan id of the comprehensive grids to build from'),
  kind: z.enum(GENERATED_KINDS),
  layer: z.string().trim().min(1).max(200).describe('layer name; created when missing, else it must be of the same kind'),
  plan: z.string().trim().min(1).max(200).optional().describe('name of the new plan; default: the method and the time'),
  by: z.enum(['community', 'street', 'count']).default('community').describe('one grid per community, per street, or `count` grids balanced by households'),
  count: z.number().int().positive().max(100_000).optional().describe('with by = count: how many grids'),
});
export type GenerateLayerRequest = z.infer<typeof generateLayerBody>;

/** With by = count: groups aim at mean × (1 ± this) households. */
const COUNT_TOLERANCE = 0.2;
const SEARCH = { trees: 12, barrierCostPerM: 1, imbalanceCostPerPct: 20 };
const GENERATE_SEED = 1;

interface SourceGrid { code: string; households: number; community: string | null; street: string | null; lng: number; lat: number }

/**
 * An emergency, safety or departmental layer for a bureau that has none: a new plan whose grids
 * are unions of whole comprehensive grids — one per community, one per street, or `count`
 * contiguous groups balanced by households (tree bisection and local repair over the grids'
 * adjacency, as the partition does with blocks) — checked to be an exact union.
 * In a bounded scope: the plan must be visible (else 404), the layer written must lie within the
 * scope (its area, or the plan's for a new layer; else 403 out_of_scope), and only the plan's
 * grids in the scope are used.
 */
export async function generateLayer(knex: Knex, req: GenerateLayerRequest, scope: Scope): Promise<{ layerId: number; planId: number; grids: number; workload: WorkloadFigures; check: UnionCheck }> {
  const { rows: plans } = await knex.raw(
    `select p.area_code from grid_plans p join grid_layers l on l.id = p.layer_id where p.id = ? and ${planVisibleSql(scope)}`, [req.comprehensive]);
  if (!plans.length) throw notFound(`plan ${req.comprehensive}`);
  const { rows: layers } = await knex.raw('select id, area_code from grid_layers where name = ?', [req.layer]);
  const layerArea: string | null = layers.length ? layers[0].area_code : plans[0].area_code;
  if (!inScope(scope, layerArea)) throw outOfScope(scope, layerArea, layers.length ? `layer ${layers[0].id} (${req.layer})` : `a new layer ${req.layer} over plan ${req.comprehensive}`);
  const { rows: source } = await knex.raw(
    `select g.code, g.households, a.code::text as community, a.parent_code::text as street,
            ST_X(ST_PointOnSurface(g.geom)) as lng, ST_Y(ST_PointOnSurface(g.geom)) as lat
     from grids g left join admin_areas a on a.code = g.area_code and a.level = 'community'
     where g.plan_id = ? and g.kind in ('comprehensive', 'dedicated') and ${scopeCondition('g.area_code', scope)} order by g.code`,
    [req.comprehensive],
  ) as { rows: SourceGrid[] };
  if (!source.length) throw badRequest('no_grids', `plan ${req.comprehensive} has no comprehensive grids to build from`);

  const groups = req.by === 'count' ? await countGroups(knex, req, source) : await areaGroups(knex, req, source);
  const areaCode: string | null = plans[0].area_code;
  return knex.transaction(async (trx) => {
    const layerId = await ensureLayer(trx, req.layer, areaCode, req.kind);
    const planId = await createPlan(trx, {
      layerId, areaCode,
      name: req.plan ?? `${req.by === 'count' ? `${req.count} grids` : `by ${req.by}`} ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
      params: { generatedFrom: req.comprehensive, by: req.by, ...(req.count && { count: req.count }) },
      summary: { grids: groups.length },
    });
    const check = await writeUnionPlan(trx, planId, req.comprehensive, groups);
    const households = new Map(source.map((g) => [g.code, g.households]));
    const workload = workloadFigures(groups.flatMap((g) => g.members.map((m) => ({ overlay: g.code, households: households.get(m)! }))));
    return { layerId, planId, grids: groups.length, workload, check };
  });
}

/** One grid per community or street, coded by the prefix and the area's code. */
async function areaGroups(knex: Knex, req: GenerateLayerRequest, source: SourceGrid[]): Promise<UnionGrid[]> {
  const keyOf = (g: SourceGrid) => (req.by === 'street' ? g.street : g.community);
  const orphan = source.find((g) => keyOf(g) === null);
  if (orphan) throw badRequest('grid_without_area', `grid ${orphan.code} lies in no ${req.by} of the area tree (its area_code names no community); generate by count instead`);
  const byArea = groupBy(source, (g) => keyOf(g)!);
  const { rows: names } = await knex.raw('select code::text as code, name from admin_areas where code = any(?::text[])', [[...byArea.keys()]]);
  const nameOf = new Map<string, string>(names.map((r: { code: string; name: string }) => [r.code, r.name]));
  return [...byArea].map(([area, grids]) => unionGrid(req, `${CODE_PREFIX[req.kind]}${area}`, area, `${nameOf.get(area)}${KIND_NAME[req.kind]}`, grids));
}

/** `count` contiguous groups balanced by households, numbered in reading order. */
async function countGroups(knex: Knex, req: GenerateLayerRequest, source: SourceGrid[]): Promise<UnionGrid[]> {
  if (req.count === undefined) throw badRequest('invalid_body', "body needs 'count' when 'by' is 'count'");
  if (req.count > source.length) throw badRequest('count_too_large', `count ${req.count} is more than the ${source.length} comprehensive grids of plan ${req.comprehensive}`);
  const weight = source.map((g) => g.households);
  const mean = weight.reduce((s, w) => s + w, 0) / req.count;
  const edges = (await gridAdjacency(knex, req.comprehensive, source.map((g) => g.code))).map((e) => ({ ...e, barrier: false }));
  const parts = splitGraph(
    { weight, anchor: source.map((g) => [g.lng, g.lat]), edges },
    req.count,
    { ...SEARCH, range: { min: mean * (1 - COUNT_TOLERANCE), max: mean * (1 + COUNT_TOLERANCE) }, rng: createRng(GENERATE_SEED) },
  ).map((nodes) => nodes.map((n) => source[n]));
  const centre = (grids: SourceGrid[]): [number, number] => [grids.reduce((s, g) => s + g.lng, 0) / grids.length, grids.reduce((s, g) => s + g.lat, 0) / grids.length];
  const serials = readingOrder(parts.map(centre));
  const district = source.find((g) => g.community)?.community?.slice(0, 6) ?? '';
  const digits = Math.max(3, String(parts.length).length);
  return parts.map((grids, i) => {
    const serial = String(serials[i]).padStart(digits, '0');
    return unionGrid(req, `${CODE_PREFIX[req.kind]}${district}${serial}`, mostCommon(grids.map((g) => g.street)), `${KIND_NAME[req.kind]} ${serial}`, grids);
  });
}

function unionGrid(req: GenerateLayerRequest, code: string, areaCode: string | null, name: string, grids: SourceGrid[]): UnionGrid {
  return { code, kind: req.kind, areaCode, name, properties: { generated: req.by }, members: grids.map((g) => g.code) };
}

const mostCommon = (xs: (string | null)[]): string | null =>
  [...groupBy(xs, (x) => x)].sort((a, b) => b[1].length - a[1].length)[0][0];

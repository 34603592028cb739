import type { Knex } from 'knex';
import { areaVisibleCondition, scopeCondition, type Scope } from '../auth/scope';
import type { GridProperties } from '../planning/planning.schema';
import { DEFAULT_TARGETS } from '../planning/planning.schema';
import type { PlanDetail, PlanGridsQuery, PlanStatus, PlanSummary } from './plans.schema';
import { gridEtag, planEtag } from './versions';

type Row = Record<string, unknown>;

/** `expr` (a jsonb) as float8 when it is a JSON number, else null. */
const jsonNumber = (expr: string) => `case when jsonb_typeof(${expr}) = 'number' then (${expr})::float8 end`;

/**
 * SQL for a grid's household target bound (`min` or `max`), for grids `g` of plan `p`: the
 * grid's own properties.target_min/target_max (the partitioner writes them), else the plan's
 * params (micro / urban ranges of the partition request), else DEFAULT_TARGETS.
 */
export const targetSql = (bound: 'min' | 'max', g = 'g', p = 'p') => `coalesce(
  ${jsonNumber(`${g}.properties -> 'target_${bound}'`)},
  case when ${g}.kind = 'micro' then ${jsonNumber(`${p}.params #> '{micro,${bound}}'`)} else ${jsonNumber(`${p}.params #> '{urban,${bound}}'`)} end,
  case when ${g}.kind = 'micro' then ${DEFAULT_TARGETS.micro[bound]} else ${DEFAULT_TARGETS.urban[bound]} end)`;

/**
 * The GridProperties columns of grids `g` of plan `p`, with a lateral `m` (area_m2, perimeter_m
 * on the spheroid) and `t` (target_min, target_max) that the query must join.
 */
const GRID_PROPERTIES = `g.code, g.kind, g.area_code, g.name, g.households, g.population,
  m.area_m2, case when m.perimeter_m > 0 then 4 * pi() * m.area_m2 / (m.perimeter_m * m.perimeter_m) else 0 end as polsby_popper,
  t.target_min, t.target_max, (g.households between t.target_min and t.target_max) as in_range, g.parent_grid_code`;
const GRID_LATERALS = `cross join lateral (select ST_Area(g.geom::geography) as area_m2, ST_Perimeter(g.geom::geography) as perimeter_m) m
  cross join lateral (select ${targetSql('min')} as target_min, ${targetSql('max')} as target_max) t`;

const PLAN_SUMMARY = `p.id, p.version, p.layer_id, l.name as layer_name, l.kind as layer_kind, p.name, p.status, p.area_code, p.based_on,
  p.created_at, p.published_at, coalesce(c.grid_counts, '{}'::jsonb) as grid_counts,
  coalesce(s.households, 0) as households, coalesce(s.population, 0) as population`;
/** The plan's layer, and the grid counts and figures of its grids in the scope. */
const planLaterals = (scope: Scope) => `join grid_layers l on l.id = p.layer_id
  left join lateral (
    select jsonb_object_agg(k.kind, k.n) as grid_counts
      from (select kind, count(*)::int as n from grids where plan_id = p.id and ${scopeCondition('area_code', scope)} group by kind) k
  ) c on true
  left join lateral (
    select sum(households)::int as households, sum(population)::int as population, sum(ST_Area(geom::geography)) as area_m2
      from grids where plan_id = p.id and kind <> 'micro' and ${scopeCondition('area_code', scope)}
  ) s on true`;

/**
 * SQL: plan `p` of layer `l` is visible in the scope: the layer's and the plan's areas are each
 * none, within the scope or holding it (a street planner sees the district's plan, with only its
 * street's grids in it).
 */
export const planVisibleSql = (scope: Scope, p = 'p', l = 'l') =>
  `${areaVisibleCondition(`${l}.area_code`, scope)} and ${areaVisibleCondition(`${p}.area_code`, scope)}`;

const toIso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v));

function summary(r: Row): PlanSummary {
  return {
    id: Number(r.id),
    version: Number(r.version),
    etag: planEtag(Number(r.id), Number(r.version)),
    layer_id: Number(r.layer_id),
    layer_name: String(r.layer_name),
    layer_kind: String(r.layer_kind),
    name: String(r.name),
    status: r.status as PlanStatus,
    area_code: (r.area_code as string | null) ?? null,
    based_on: r.based_on === null ? null : Number(r.based_on),
    created_at: toIso(r.created_at) as string,
    published_at: toIso(r.published_at),
    grid_counts: typeof r.grid_counts === 'string' ? JSON.parse(r.grid_counts) : (r.grid_counts as Record<string, number>),
    households: Number(r.households),
    population: Number(r.population),
  };
}

/** Plans visible in the scope with their layer, grid counts per kind and households (of grids in the scope), oldest layer and plan first. */
export async function listPlans(knex: Knex, scope: Scope, layerId?: number): Promise<PlanSummary[]> {
  const { rows } = await knex.raw(
    `select ${PLAN_SUMMARY} from grid_plans p ${planLaterals(scope)}
      where (?::int is null or p.layer_id = ?::int) and ${planVisibleSql(scope)}
      order by p.layer_id, p.id`,
    [layerId ?? null, layerId ?? null],
  );
  return (rows as Row[]).map(summary);
}

/**
 * One plan with its params, area and how its comprehensive grids fit their household ranges (its
 * grids in the scope); undefined when there is none or it is not visible in the scope.
 */
export async function getPlan(knex: Knex, id: number, scope: Scope): Promise<PlanDetail | undefined> {
  const { rows } = await knex.raw(
    `select ${PLAN_SUMMARY}, p.params, coalesce(s.area_m2, 0) as area_m2,
            r.count, r.in_range, r.min_households, r.max_households, r.mean_households
       from grid_plans p ${planLaterals(scope)}
       cross join lateral (
         select count(*)::int as count,
                count(*) filter (where g.households between t.target_min and t.target_max)::int as in_range,
                min(g.households) as min_households, max(g.households) as max_households,
                avg(g.households)::float8 as mean_households
           from grids g
           cross join lateral (select ${targetSql('min')} as target_min, ${targetSql('max')} as target_max) t
          where g.plan_id = p.id and g.kind = 'comprehensive' and ${scopeCondition('g.area_code', scope)}
       ) r
      where p.id = ? and ${planVisibleSql(scope)}`,
    [id],
  );
  const r = (rows as Row[])[0];
  if (!r) return undefined;
  const count = Number(r.count);
  const inRange = Number(r.in_range);
  const orNull = (v: unknown) => (v === null ? null : Number(v));
  return {
    ...summary(r),
    params: (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as Record<string, unknown>,
    area_m2: Number(r.area_m2),
    comprehensive: {
      count,
      in_range: inRange,
      in_range_share: count ? inRange / count : null,
      min_households: orNull(r.min_households),
      max_households: orNull(r.max_households),
      mean_households: orNull(r.mean_households),
    },
  };
}

export interface PlanHead {
  id: number;
  layer_id: number;
  status: PlanStatus;
  name: string;
  layer_name: string;
  /** the layer's area (null: none) */
  layer_area_code: string | null;
  /** the plan's own area (null: none) */
  area_code: string | null;
}

/** The layer, status and areas of a plan, or undefined when there is none with that id visible in the scope. */
export async function planHead(knex: Knex, id: number, scope: Scope): Promise<PlanHead | undefined> {
  const { rows } = await knex.raw(
    `select p.id, p.layer_id, p.status, p.name, l.name as layer_name, l.area_code as layer_area_code, p.area_code
       from grid_plans p join grid_layers l on l.id = p.layer_id where p.id = ? and ${planVisibleSql(scope)}`,
    [id],
  );
  const r = (rows as Row[])[0];
  return r && {
    id: Number(r.id), layer_id: Number(r.layer_id), status: r.status as PlanStatus, name: String(r.name), layer_name: String(r.layer_name),
    layer_area_code: (r.layer_area_code as string | null) ?? null, area_code: (r.area_code as string | null) ?? null,
  };
}

export type GridRow = GridProperties & { id: number; version: number; etag: string };

function gridProperties(r: Row): GridProperties {
  return {
    code: String(r.code),
    kind: r.kind as GridProperties['kind'],
    area_code: r.area_code as string,
    name: (r.name as string | null) ?? null,
    households: Number(r.households),
    population: Number(r.population),
    area_m2: Number(r.area_m2),
    polsby_popper: Number(r.polsby_popper),
    target_min: Number(r.target_min),
    target_max: Number(r.target_max),
    in_range: Boolean(r.in_range),
    parent_grid_code: (r.parent_grid_code as string | null) ?? null,
  };
}

/**
 * A plan's grids in the scope (or the one with `q.code`) as GeoJSON-ready rows: id,
 * GridProperties, version and ETag, and the geometry as GeoJSON text.
 */
export async function planGrids(knex: Knex, planId: number, q: PlanGridsQuery & { code?: string }, scope: Scope): Promise<(GridRow & { geojson: string })[]> {
  const where: string[] = ['g.plan_id = ?', scopeCondition('g.area_code', scope)];
  const bindings: Knex.RawBinding[] = [planId];
  if (q.code) {
    where.push('g.code = ?');
    bindings.push(q.code);
  }
  if (q.kind) {
    where.push('g.kind = ?');
    bindings.push(q.kind);
  }
  if (q.area) {
    where.push('g.area_code = ?');
    bindings.push(q.area);
  }
  if (q.bbox) {
    where.push('g.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)');
    bindings.push(q.bbox.minLng, q.bbox.minLat, q.bbox.maxLng, q.bbox.maxLat);
  }
  const { rows } = await knex.raw(
    `select g.id, ${GRID_PROPERTIES}, g.version, ST_AsGeoJSON(g.geom, 7) as geojson
       from grids g join grid_plans p on p.id = g.plan_id ${GRID_LATERALS}
      where ${where.join(' and ')}
      order by g.code`,
    bindings,
  );
  return (rows as Row[]).map((r) => ({
    id: Number(r.id), ...gridProperties(r), version: Number(r.version), etag: gridEtag(planId, String(r.code), Number(r.version)), geojson: String(r.geojson),
  }));
}

/**
 * A plan's grids in the scope (optionally one kind) as an export source (server/export/layer.ts):
 * the GridProperties columns, read in pages by code; feature id = grid id.
 */
export const gridExportSql = (planId: number, scope: Scope, kind?: string) => ({
  select: GRID_PROPERTIES,
  from: `grids g join grid_plans p on p.id = g.plan_id ${GRID_LATERALS}`,
  where: `g.plan_id = ? and (cast(? as text) is null or g.kind = cast(? as text)) and ${scopeCondition('g.area_code', scope)}`,
  bindings: [planId, kind ?? null, kind ?? null],
  key: 'g.code',
  geom: 'g.geom',
  featureId: 'g.id',
});

/** Locks the plans of `planId`'s layer in id order (so two publishes of one layer queue) and returns them. */
export async function lockLayerPlans(trx: Knex.Transaction, planId: number): Promise<{ id: number; status: PlanStatus; version: number }[]> {
  const { rows } = await trx.raw(
    `select id, status, version from grid_plans
      where layer_id = (select layer_id from grid_plans where id = ?)
      order by id for update`,
    [planId],
  );
  return (rows as Row[]).map((r) => ({ id: Number(r.id), status: r.status as PlanStatus, version: Number(r.version) }));
}

/** Archives the layer's published plan (if any), raising its version; returns the ids archived. */
export async function archivePublished(trx: Knex.Transaction, planId: number): Promise<number[]> {
  const { rows } = await trx.raw(
    `update grid_plans set status = 'archived', version = version + 1
      where layer_id = (select layer_id from grid_plans where id = ?) and status = 'published'
      returning id`,
    [planId],
  );
  return (rows as Row[]).map((r) => Number(r.id));
}

/** Publishes the plan, raising its version. */
export async function markPublished(trx: Knex.Transaction, planId: number): Promise<void> {
  await trx.raw(`update grid_plans set status = 'published', published_at = now(), version = version + 1 where id = ?`, [planId]);
}

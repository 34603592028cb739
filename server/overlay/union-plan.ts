import type { Knex } from 'knex';
import { AppError } from '../http/errors';
import { TOPOLOGY_THRESHOLDS } from '../plans/topology';
import { gaps, overlaps } from '../plans/topology.repo';

/** An overlay grid made of whole comprehensive grids. */
export interface UnionGrid {
  code: string;
  kind: string;
  areaCode: string | null;
  name: string | null;
  properties: Record<string, unknown>;
  /** codes of its comprehensive grids */
  members: string[];
}

/** What the planning topology check finds in an overlay plan built from comprehensive grids. */
export interface UnionCheck {
  overlaps: number;
  gaps: number;
  gapAreaM2: number;
  /** the same check on the comprehensive plan: its own gaps are inherited, not made */
  comprehensiveGaps: number;
  /** |Σ area of the overlay grids − Σ area of the comprehensive grids| / the latter */
  areaError: number;
}

/** Relative area difference above which the overlay has lost or gained ground. */
const MAX_AREA_ERROR = 1e-9;

/**
 * Writes `grids` into plan `planId`, each the union of its comprehensive grids (with their
 * households and population), then runs the planning topology check's gap and overlap queries
 * on it. An overlay that is not an exact union of comprehensive grids (an overlap, or a gap
 * the comprehensive plan does not have) is a 500 and, inside the caller's transaction,
 * nothing is written. The check is against the comprehensive grids the overlay is made of (all
 * of the plan's, or those of the caller's scope) and their communities.
 */
export async function writeUnionPlan(trx: Knex.Transaction, planId: number, comprehensivePlan: number, grids: UnionGrid[]): Promise<UnionCheck> {
  await trx.raw(
    `insert into grids (plan_id, code, kind, area_code, name, properties, households, population, geom)
     select ?, t.code, t.kind, t.area_code, t.name, t.properties, sum(c.households), sum(c.population), ST_Multi(ST_Union(c.geom, 1e-11))
     from json_to_recordset(?::json) as t(code text, kind text, area_code text, name text, properties jsonb, members text[])
     join grids c on c.plan_id = ? and c.code = any(t.members)
     group by t.code, t.kind, t.area_code, t.name, t.properties`,
    [planId, JSON.stringify(grids.map((g) => ({ code: g.code, kind: g.kind, area_code: g.areaCode, name: g.name, properties: g.properties, members: g.members }))), comprehensivePlan],
  );
  const members = [...new Set(grids.flatMap((g) => g.members))];
  const { rows: inCommunities } = await trx.raw(
    `select distinct a.code::text as code from grids g join admin_areas a on a.code = g.area_code
      where g.plan_id = ? and g.kind <> 'micro' and a.level = 'community' and g.code = any(?::text[]) order by 1`,
    [comprehensivePlan, members]);
  const communities = (inCommunities as { code: string }[]).map((r) => r.code);
  const { rows: [areas] } = await trx.raw(
    `select (select sum(ST_Area(geom)) from grids where plan_id = ?) as overlay,
            (select sum(ST_Area(geom)) from grids where plan_id = ? and kind in ('comprehensive', 'dedicated') and code = any(?::text[])) as comprehensive`,
    [planId, comprehensivePlan, members]);
  // one after another: the queries share the transaction's connection
  const own = await gaps(trx, planId, communities, TOPOLOGY_THRESHOLDS.gapM2);
  const inherited = await gaps(trx, comprehensivePlan, communities, TOPOLOGY_THRESHOLDS.gapM2);
  const crossing = await overlaps(trx, planId, TOPOLOGY_THRESHOLDS.overlapM2);
  const check: UnionCheck = {
    overlaps: crossing.length,
    gaps: own.length,
    gapAreaM2: own.reduce((s, g) => s + g.areaM2, 0),
    comprehensiveGaps: inherited.length,
    areaError: Math.abs(areas.overlay - areas.comprehensive) / areas.comprehensive,
  };
  if (check.overlaps > 0 || check.gaps > check.comprehensiveGaps || !(check.areaError <= MAX_AREA_ERROR)) {
    throw new AppError(500, 'union_not_exact', `the overlay plan is not an exact union of comprehensive grids: ${check.overlaps} overlaps, ${check.gaps} gaps where the comprehensive plan has ${check.comprehensiveGaps}, area error ${check.areaError.toExponential(1)}; nothing was written`, { ...check });
  }
  return check;
}

/** Items by key, in their order. */
export function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item); else groups.set(k, [item]);
  }
  return groups;
}

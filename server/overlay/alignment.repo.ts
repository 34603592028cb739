import type { Knex } from 'knex';
import { scopeCondition, type Scope } from '../auth/scope';
import { oneRow } from '../db/rows';
import { OVERLAY_GRID_DEG as GRID } from '../plans/topology.repo';

/** A comprehensive grid counts as wholly inside an overlay grid holding this share of its area. */
export const WHOLE_SHARE = 0.995;
/** Pieces of a split grid smaller than this are slivers: boundary noise, not real overlap. */
export const SLIVER_M2 = 200;

export interface GridAlignment {
  code: string;
  households: number;
  /** overlay grids covering it, largest share first; shares of area and of households, 0–1 */
  overlays: { code: string; areaShare: number; householdsShare: number; areaM2: number }[];
  /** the overlay grid holding it whole, else null (split) */
  wholeIn: string | null;
}

export interface AlignmentFigures {
  grids: number;
  wholeShare: number;
  splitGrids: number;
  householdsInSplit: number;
  sliverAreaM2: number;
  /**
   * metres of overlay boundary (inside the comprehensive coverage) more than 1 m from any
   * comprehensive grid boundary; null where the embedded PostGIS failed to compute it
   */
  mismatchedBoundaryM: number | null;
}

/**
 * How an overlay plan (police, emergency, …) sits on a comprehensive plan, in one query:
 * every intersecting pair with its area (shares from planar areas, m² on the spheroid) and
 * the households of the address points the two have in common. `mismatch: false` skips the
 * boundary figure (the costliest part) for callers that only need the shares.
 * Only the comprehensive grids in `scope` take part; the overlay grids are those in it and those
 * that cover one of these grids (an overlay grid reaching into the scope is seen there).
 */
export async function alignment(knex: Knex, comprehensivePlan: number, overlayPlan: number, scope: Scope, opts: { mismatch?: boolean } = {}): Promise<{ grids: GridAlignment[]; overlays: { code: string; inside: string[]; split: string[] }[]; figures: AlignmentFigures }> {
  const { r } = await oneRow<{ r: AlignmentRow }>(knex, alignmentSql(scope), { c: comprehensivePlan, o: overlayPlan }, 'overlaying the two plans');
  const pairs = r.pairs ?? [];
  const pairsOf = new Map<string, typeof pairs>();
  for (const p of pairs) pairsOf.set(p.c, [...(pairsOf.get(p.c) ?? []), p]);
  const grids: GridAlignment[] = r.grids.map((g) => {
    const overlays = (pairsOf.get(g.code) ?? []).map((p) => ({
      code: p.o, areaM2: p.m2,
      areaShare: g.area > 0 ? p.area / g.area : 0,
      householdsShare: g.households > 0 ? p.households / g.households : 0,
    }));
    // largest share first; shares equal to a millionth are ordered by code
    overlays.sort((a, b) => Math.round((b.areaShare - a.areaShare) * 1e6) || a.code.localeCompare(b.code));
    return { code: g.code, households: g.households, overlays, wholeIn: overlays[0] && overlays[0].areaShare >= WHOLE_SHARE ? overlays[0].code : null };
  });
  const split = grids.filter((g) => g.wholeIn === null);
  const figures: AlignmentFigures = {
    grids: grids.length,
    wholeShare: grids.length ? (grids.length - split.length) / grids.length : 1,
    splitGrids: split.length,
    householdsInSplit: split.reduce((s, g) => s + g.households, 0),
    sliverAreaM2: pairs.filter((p) => p.m2 < SLIVER_M2).reduce((s, p) => s + p.m2, 0),
    mismatchedBoundaryM: opts.mismatch === false ? null : await mismatchedBoundary(knex, comprehensivePlan, overlayPlan, scope),
  };
  const insideOf = new Map<string, string[]>();
  for (const g of grids) if (g.wholeIn) insideOf.set(g.wholeIn, [...(insideOf.get(g.wholeIn) ?? []), g.code]);
  const splitBy = new Map<string, string[]>();
  for (const g of split) for (const o of g.overlays) if (o.areaM2 >= SLIVER_M2) splitBy.set(o.code, [...(splitBy.get(o.code) ?? []), g.code]);
  const overlays = (r.overlays ?? []).map((code) => ({
    code,
    inside: insideOf.get(code) ?? [],
    split: splitBy.get(code) ?? [],
  }));
  return { grids, overlays, figures };
}

/** The one JSON row ALIGNMENT_SQL answers. */
interface AlignmentRow {
  grids: { code: string; households: number; area: number }[];
  pairs: { c: string; o: string; area: number; m2: number; households: number }[] | null;
  overlays: string[] | null;
}

// The joins go to the grids table itself, not to CTEs, so the GiST index serves them.
const alignmentSql = (scope: Scope) => `
with c as (select code, households, geom from grids where plan_id = :c and kind in ('comprehensive', 'dedicated') and ${scopeCondition('area_code', scope)}),
pairs as (
  select cg.code as c, og.code as o, ST_Intersection(cg.geom, og.geom, ${GRID}) as g
  from grids cg join grids og on og.plan_id = :o and og.kind <> 'micro' and cg.geom && og.geom and ST_Intersects(cg.geom, og.geom)
  where cg.plan_id = :c and cg.kind in ('comprehensive', 'dedicated') and ${scopeCondition('cg.area_code', scope)}
),
o as (select code, geom from grids where plan_id = :o and kind <> 'micro' and (${scopeCondition('area_code', scope)} or code in (select o from pairs where ST_Area(g) > 0))),
pair_households as (
  select cg.code as c, og.code as o, sum(p.households) as households
  from address_points p
  join grids cg on cg.plan_id = :c and cg.kind in ('comprehensive', 'dedicated') and ${scopeCondition('cg.area_code', scope)} and cg.geom && p.geom and ST_Covers(cg.geom, p.geom)
  join grids og on og.plan_id = :o and og.kind <> 'micro' and og.geom && p.geom and ST_Covers(og.geom, p.geom)
  group by cg.code, og.code
)
select json_build_object(
  'grids', (select json_agg(json_build_object('code', code, 'households', households, 'area', ST_Area(geom)) order by code) from c),
  'pairs', (select json_agg(json_build_object('c', p.c, 'o', p.o, 'area', ST_Area(p.g), 'm2', ST_Area(p.g::geography),
                    'households', coalesce(h.households, 0)))
            from pairs p left join pair_households h using (c, o) where ST_Area(p.g) > 0),
  'overlays', (select json_agg(code order by code) from o)
) as r`;

/** 1 m in degrees of latitude: overlay boundary closer than this to a grid boundary matches it. */
const MATCH_DEG = 1 / 110574;
/**
 * Overlay boundary more than 1 m inside a comprehensive grid: per intersecting pair, the
 * overlay grid's boundary within the comprehensive grid shrunk by 1 m. Comprehensive grids
 * tile, so every metre of mismatch lies inside exactly one of them; boundary along their edges
 * (the layer's outer edge included) or outside the coverage adds nothing. A boundary between
 * two overlay grids is seen from both sides, hence the half.
 */
const mismatchSql = (scope: Scope) => `
select coalesce(sum(ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(o.geom), ST_Buffer(ST_ReducePrecision(c.geom, ${GRID}), -${MATCH_DEG}), ${GRID}), 2)::geography)), 0) / 2 as m
from grids c
join grids o on o.plan_id = :o and o.kind <> 'micro' and c.geom && o.geom and ST_Intersects(c.geom, o.geom)
where c.plan_id = :c and c.kind in ('comprehensive', 'dedicated') and ${scopeCondition('c.area_code', scope)}`;

async function mismatchedBoundary(knex: Knex, comprehensivePlan: number, overlayPlan: number, scope: Scope): Promise<number | null> {
  const { rows } = await knex.raw(mismatchSql(scope), { c: comprehensivePlan, o: overlayPlan });
  return rows.length ? rows[0].m : null;
}

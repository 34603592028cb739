import type { Knex } from 'knex';
import { AppError } from '../http/errors';

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
 * the households of the address points the two have in common.
 */
export async function alignment(knex: Knex, comprehensivePlan: number, overlayPlan: number): Promise<{ grids: GridAlignment[]; overlays: { code: string; inside: string[]; split: string[] }[]; figures: AlignmentFigures }> {
  const { rows } = await knex.raw(ALIGNMENT_SQL, { c: comprehensivePlan, o: overlayPlan });
  if (!rows.length) throw new AppError(500, 'geometry_engine_failed', 'the alignment query answered no rows (a geometry operation failed in PostGIS)');
  const r = rows[0].r as {
    grids: { code: string; households: number; area: number }[];
    pairs: { c: string; o: string; area: number; m2: number; households: number }[] | null;
    overlays: string[] | null;
  };
  const pairs = r.pairs ?? [];
  const grids: GridAlignment[] = r.grids.map((g) => {
    const overlays = pairs.filter((p) => p.c === g.code).map((p) => ({
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
    mismatchedBoundaryM: await mismatchedBoundary(knex, comprehensivePlan, overlayPlan),
  };
  const overlays = (r.overlays ?? []).map((code) => ({
    code,
    inside: grids.filter((g) => g.wholeIn === code).map((g) => g.code),
    split: split.filter((g) => g.overlays.some((o) => o.code === code && o.areaM2 >= SLIVER_M2)).map((g) => g.code),
  }));
  return { grids, overlays, figures };
}

const GRID = 1e-9;
const ALIGNMENT_SQL = `
with c as (select code, households, geom from grids where plan_id = :c and kind in ('comprehensive', 'dedicated')),
o as (select code, geom from grids where plan_id = :o and kind <> 'micro'),
pairs as (
  select c.code as c, o.code as o, ST_Intersection(c.geom, o.geom, ${GRID}) as g
  from c join o on c.geom && o.geom and ST_Intersects(c.geom, o.geom)
),
pair_households as (
  select cc.code as c, oo.code as o, sum(p.households) as households
  from address_points p
  join c cc on cc.geom && p.geom and ST_Covers(cc.geom, p.geom)
  join o oo on oo.geom && p.geom and ST_Covers(oo.geom, p.geom)
  group by cc.code, oo.code
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
const MISMATCH_SQL = `
with c as (select geom from grids where plan_id = :c and kind in ('comprehensive', 'dedicated')),
o as (select geom from grids where plan_id = :o and kind <> 'micro'),
cov as (select ST_Union(geom, ${GRID}) as g from c),
near as (select ST_Buffer(ST_Union(ST_Boundary(geom), ${GRID}), ${MATCH_DEG}) as g from c),
lines as (select ST_Union(ST_Boundary(geom), ${GRID}) as g from o)
select coalesce(ST_Length(ST_CollectionExtract(ST_Difference(ST_Intersection(lines.g, cov.g, ${GRID}), near.g, ${GRID}), 2)::geography), 0) as m
from lines, cov, near`;

async function mismatchedBoundary(knex: Knex, comprehensivePlan: number, overlayPlan: number): Promise<number | null> {
  const { rows } = await knex.raw(MISMATCH_SQL, { c: comprehensivePlan, o: overlayPlan });
  return rows.length ? rows[0].m : null;
}

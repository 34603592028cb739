import type { Knex } from 'knex';
import { allRows } from '../db/rows';
import { targetSql } from './plans.repo';

type Row = Record<string, unknown>;

/**
 * Grid size of the overlays, in degrees (≈ 0.1 mm): GEOS then snap-rounds (fixed-precision
 * OverlayNG), which is robust where floating overlays are not — on the Qixia demo a floating
 * ST_Difference of a community and the union of its grids returned the whole community — and
 * collapses the 1e-15° slivers left where two grids' edges coincide but their vertices differ.
 */
export const OVERLAY_GRID_DEG = 1e-9;
const G = OVERLAY_GRID_DEG;

/** Figures of one problem geometry (a gap part, an overlap, the part of a grid outside its parent …). */
export interface ProblemFigures {
  areaM2: number;
  perimeterM: number;
  location: [number, number];
  bbox: [number, number, number, number];
  /** households at address points the geometry covers */
  households: number;
}

/**
 * Wraps `inner` (a query with a `geom` column) so each row also gets its area and perimeter
 * on the spheroid, a point on its surface, its bbox and the households of the address points it
 * covers; rows of `minAreaM2` or less are left out.
 */
const withFigures = (inner: string, columns: string[], minAreaM2: number) => `
  with x as (${inner})
  select ${columns.map((c) => `x.${c}`).join(', ')},
         f.area_m2, f.perimeter_m,
         ST_X(ST_PointOnSurface(x.geom)) as lng, ST_Y(ST_PointOnSurface(x.geom)) as lat,
         ST_XMin(x.geom) as xmin, ST_YMin(x.geom) as ymin, ST_XMax(x.geom) as xmax, ST_YMax(x.geom) as ymax,
         (select coalesce(sum(a.households), 0)::int from address_points a where a.geom && x.geom and ST_Covers(x.geom, a.geom)) as households_in
    from x cross join lateral (
           select ST_Area(x.geom::geography) as area_m2, ST_Perimeter(x.geom::geography) as perimeter_m,
                  -- the area as drawn in lon/lat, scaled to m²: a sliver between edges that coincide in
                  -- lon/lat has none, though its geodesic edges enclose a few m² per km of edge
                  ST_Area(x.geom) * ${(Math.PI * 6_371_008.8 / 180) ** 2} * cos(radians(ST_Y(ST_Centroid(x.geom)))) as drawn_m2
         ) f
   where f.area_m2 > ${minAreaM2} and f.drawn_m2 > ${minAreaM2}`;

function figures(r: Row): ProblemFigures {
  return {
    areaM2: Number(r.area_m2),
    perimeterM: Number(r.perimeter_m),
    location: [Number(r.lng), Number(r.lat)],
    bbox: [Number(r.xmin), Number(r.ymin), Number(r.xmax), Number(r.ymax)],
    households: Number(r.households_in),
  };
}

/**
 * The parent of grid `g`: for a comprehensive/dedicated (any non-micro) grid the admin area of
 * its area_code, for a micro-grid the non-micro grid of the same plan named by parent_grid_code.
 */
const PARENT = `left join lateral (
    select a.code::text as key, a.name, a.geom from admin_areas a where g.kind <> 'micro' and a.code = g.area_code
    union all
    select pg.code, pg.name, pg.geom from grids pg
     where g.kind = 'micro' and pg.plan_id = g.plan_id and pg.code = g.parent_grid_code and pg.kind <> 'micro'
  ) par on true`;

/** Same-level test: non-micro grids tile communities, micro-grids tile their grid. */
const SAME_LEVEL = (a: string, b: string) => `((${a}.kind = 'micro') = (${b}.kind = 'micro'))`;

export interface GapRow extends ProblemFigures {
  /** 1: a community not covered by the plan's grids; 2: a grid not covered by its micro-grids */
  level: 1 | 2;
  /** the community code (level 1) or the grid code (level 2) */
  key: string;
  areaCode: string | null;
  parentName: string | null;
}

/**
 * Gaps: each part of a community (of `communities`) not covered by the plan's non-micro grids,
 * and each part of a grid that has micro-grids not covered by micro-grids; parts > `minAreaM2`.
 */
export async function gaps(knex: Knex, planId: number, communities: string[], minAreaM2: number): Promise<GapRow[]> {
  const inner = `
    with parents as (
      select 1 as level, a.code::text as key, a.code::text as area_code, a.name as parent_name, a.geom
        from admin_areas a where a.code in (select jsonb_array_elements_text(?::jsonb))
      union all
      select 2, g.code, g.area_code::text, g.name, g.geom from grids g
       where g.plan_id = ? and g.kind <> 'micro'
         and exists (select 1 from grids m where m.plan_id = g.plan_id and m.kind = 'micro' and m.parent_grid_code = g.code)
    ), uncovered as (
      select par.level, par.key, par.area_code, par.parent_name,
             case when u.geom is null then par.geom else ST_Difference(par.geom, u.geom, ${G}) end as geom
        from parents par
        left join lateral (
          select ST_Union(c.geom, ${G}) as geom from grids c
           where c.plan_id = ? and c.geom && par.geom
             and (case when par.level = 1 then c.kind <> 'micro' else c.kind = 'micro' end)
        ) u on true
    )
    select level, key, area_code, parent_name, (ST_Dump(ST_CollectionExtract(geom, 3))).geom as geom from uncovered`;
  const rows = await allRows(knex, withFigures(inner, ['level', 'key', 'area_code', 'parent_name'], minAreaM2) + ' order by 1, 2', [
    JSON.stringify(communities), planId, planId,
  ], `looking for gaps in plan ${planId}`);
  return rows.map((r) => ({
    level: Number(r.level) as 1 | 2,
    key: String(r.key),
    areaCode: (r.area_code as string | null) ?? null,
    parentName: (r.parent_name as string | null) ?? null,
    ...figures(r),
  }));
}

export interface OverlapRow extends ProblemFigures {
  codes: [string, string];
  micro: boolean;
  areaCodes: [string | null, string | null];
  parentCodes: [string | null, string | null];
}

/** Pairs of grids of the same level (non-micro, or micro) whose interiors meet, by more than `minAreaM2`. */
export async function overlaps(knex: Knex, planId: number, minAreaM2: number): Promise<OverlapRow[]> {
  const inner = `
    select a.code as code_a, b.code as code_b, a.kind = 'micro' as micro,
           a.area_code::text as area_a, b.area_code::text as area_b, a.parent_grid_code as parent_a, b.parent_grid_code as parent_b,
           ST_CollectionExtract(ST_Intersection(a.geom, b.geom, ${G}), 3) as geom
      from grids a
      join grids b on b.plan_id = a.plan_id and a.code < b.code and a.geom && b.geom and ${SAME_LEVEL('a', 'b')}
     where a.plan_id = ? and ST_Relate(a.geom, b.geom, '2********')`;
  const cols = ['code_a', 'code_b', 'micro', 'area_a', 'area_b', 'parent_a', 'parent_b'];
  const rows = await allRows(knex, withFigures(inner, cols, minAreaM2) + ' order by 1, 2', [planId], `looking for overlaps in plan ${planId}`);
  return rows.map((r) => ({
    codes: [String(r.code_a), String(r.code_b)],
    micro: Boolean(r.micro),
    areaCodes: [(r.area_a as string | null) ?? null, (r.area_b as string | null) ?? null],
    parentCodes: [(r.parent_a as string | null) ?? null, (r.parent_b as string | null) ?? null],
    ...figures(r),
  }));
}

export interface GridCheckRow {
  code: string;
  kind: string;
  areaCode: string | null;
  parentGridCode: string | null;
  households: number;
  targetMin: number;
  targetMax: number;
  parts: number;
  /** for a multi-part grid: how many parts of its parent (community or grid) its interior meets */
  parentPartsMet: number | null;
  parentKey: string | null;
  parentName: string | null;
  areaM2: number;
  perimeterM: number;
  location: [number, number];
  bbox: [number, number, number, number];
}

/** Per grid: the figures the sliver, multipart and out_of_range checks need. */
export async function gridChecks(knex: Knex, planId: number): Promise<GridCheckRow[]> {
  const rows = await allRows(
    knex,
    `select g.code, g.kind, g.area_code::text as area_code, g.parent_grid_code, g.households,
            t.target_min, t.target_max, ST_NumGeometries(g.geom) as parts,
            case when ST_NumGeometries(g.geom) > 1 and par.geom is not null then
              (select count(*)::int from ST_Dump(par.geom) d where d.geom && g.geom and ST_Relate(d.geom, g.geom, '2********'))
            end as parent_parts_met,
            par.key as parent_key, par.name as parent_name,
            m.area_m2, m.perimeter_m,
            ST_X(ST_PointOnSurface(g.geom)) as lng, ST_Y(ST_PointOnSurface(g.geom)) as lat,
            ST_XMin(g.geom) as xmin, ST_YMin(g.geom) as ymin, ST_XMax(g.geom) as xmax, ST_YMax(g.geom) as ymax
       from grids g
       join grid_plans p on p.id = g.plan_id
       cross join lateral (select ST_Area(g.geom::geography) as area_m2, ST_Perimeter(g.geom::geography) as perimeter_m) m
       cross join lateral (select ${targetSql('min')} as target_min, ${targetSql('max')} as target_max) t
       ${PARENT}
      where g.plan_id = ?
      order by g.code`,
    [planId],
    `checking the grids of plan ${planId}`,
  );
  return rows.map((r) => ({
    code: String(r.code),
    kind: String(r.kind),
    areaCode: (r.area_code as string | null) ?? null,
    parentGridCode: (r.parent_grid_code as string | null) ?? null,
    households: Number(r.households),
    targetMin: Number(r.target_min),
    targetMax: Number(r.target_max),
    parts: Number(r.parts),
    parentPartsMet: r.parent_parts_met === null ? null : Number(r.parent_parts_met),
    parentKey: (r.parent_key as string | null) ?? null,
    parentName: (r.parent_name as string | null) ?? null,
    areaM2: Number(r.area_m2),
    perimeterM: Number(r.perimeter_m),
    location: [Number(r.lng), Number(r.lat)],
    bbox: [Number(r.xmin), Number(r.ymin), Number(r.xmax), Number(r.ymax)],
  }));
}

export interface OutsideRow extends ProblemFigures {
  code: string;
  kind: string;
  areaCode: string | null;
  parentKey: string;
  parentName: string | null;
}

/** The part of each grid outside its parent (community, or grid for a micro-grid), when > `minAreaM2`. */
export async function outsideParent(knex: Knex, planId: number, minAreaM2: number): Promise<OutsideRow[]> {
  const inner = `
    select g.code, g.kind, g.area_code::text as area_code, par.key as parent_key, par.name as parent_name,
           ST_CollectionExtract(ST_Difference(g.geom, par.geom, ${G}), 3) as geom
      from grids g ${PARENT}
     where g.plan_id = ? and par.geom is not null and not ST_CoveredBy(g.geom, par.geom)`;
  const rows = await allRows(knex, withFigures(inner, ['code', 'kind', 'area_code', 'parent_key', 'parent_name'], minAreaM2) + ' order by 1', [planId], `measuring grids outside their parent in plan ${planId}`);
  return rows.map((r) => ({
    code: String(r.code),
    kind: String(r.kind),
    areaCode: (r.area_code as string | null) ?? null,
    parentKey: String(r.parent_key),
    parentName: (r.parent_name as string | null) ?? null,
    ...figures(r),
  }));
}

export interface AcrossRow extends ProblemFigures {
  code: string;
  kind: string;
  areaCode: string | null;
  parentGridCode: string | null;
  intoKey: string;
  intoName: string | null;
}

/**
 * The part of each grid inside another parent than its own, when > `minAreaM2`: for a grid of a
 * community, another community; for a micro-grid, another (non-micro) grid.
 */
export async function acrossParent(knex: Knex, planId: number, minAreaM2: number): Promise<AcrossRow[]> {
  const inner = `
    select g.code, g.kind, g.area_code::text as area_code, g.parent_grid_code, o.key as into_key, o.name as into_name,
           ST_CollectionExtract(ST_Intersection(g.geom, o.geom, ${G}), 3) as geom
      from grids g
      join lateral (
        select a.code::text as key, a.name, a.geom from admin_areas a
         where g.kind <> 'micro' and a.level = 'community' and a.geom && g.geom and a.code <> g.area_code
           and exists (select 1 from admin_areas own where own.code = g.area_code and own.level = 'community')
        union all
        select pg.code, pg.name, pg.geom from grids pg
         where g.kind = 'micro' and g.parent_grid_code is not null and pg.plan_id = g.plan_id and pg.kind <> 'micro'
           and pg.geom && g.geom and pg.code <> g.parent_grid_code
      ) o on true
     where g.plan_id = ? and ST_Relate(g.geom, o.geom, '2********')`;
  const cols = ['code', 'kind', 'area_code', 'parent_grid_code', 'into_key', 'into_name'];
  const rows = await allRows(knex, withFigures(inner, cols, minAreaM2) + ' order by 1, 5', [planId], `measuring grids across communities in plan ${planId}`);
  return rows.map((r) => ({
    code: String(r.code),
    kind: String(r.kind),
    areaCode: (r.area_code as string | null) ?? null,
    parentGridCode: (r.parent_grid_code as string | null) ?? null,
    intoKey: String(r.into_key),
    intoName: (r.into_name as string | null) ?? null,
    ...figures(r),
  }));
}

/** Codes of `root` and every area under it (any depth). */
export async function areasUnder(knex: Knex, root: string): Promise<{ code: string; level: string }[]> {
  const { rows } = await knex.raw(
    `with recursive under as (
       select code, level from admin_areas where code = ?
       union all
       select a.code, a.level from admin_areas a join under u on a.parent_code = u.code
     )
     select code::text as code, level from under`,
    [root],
  );
  return rows as { code: string; level: string }[];
}

/** The communities named as area_code by the plan's non-micro grids. */
export async function gridCommunities(knex: Knex, planId: number): Promise<string[]> {
  const { rows } = await knex.raw(
    `select distinct a.code::text as code from grids g join admin_areas a on a.code = g.area_code
      where g.plan_id = ? and g.kind <> 'micro' and a.level = 'community' order by 1`,
    [planId],
  );
  return (rows as { code: string }[]).map((r) => r.code);
}

export async function areaName(knex: Knex, code: string): Promise<string | undefined> {
  const { rows } = await knex.raw('select name from admin_areas where code = ?', [code]);
  return (rows as { name: string }[])[0]?.name;
}

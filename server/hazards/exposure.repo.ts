import type { Knex } from 'knex';
import { EVERYWHERE, scopeSql, type Scope } from '../auth/scope';
import type { HexWkb } from '../geo/hex-wkb';
import { oneRow } from '../db/rows';
import { notFound } from '../http/errors';
import { geomInScopeSql } from './hazards.repo';
import type { RingExposure } from './hazards.schema';

/** The plan whose grids exposure is counted in: the one asked for, else the published comprehensive plan. */
export async function exposurePlan(knex: Knex, planId?: number): Promise<number | null> {
  if (planId !== undefined) {
    const { rows } = await knex.raw('select id from grid_plans where id = ?', [planId]);
    if (!rows.length) throw notFound(`plan ${planId}`);
    return planId;
  }
  const { rows } = await knex.raw(
    `select p.id from grid_plans p join grid_layers l on l.id = p.layer_id
     where l.kind = 'comprehensive' and p.status = 'published' order by p.published_at desc nulls last, p.id desc limit 1`,
  );
  return rows[0]?.id ?? null;
}

/**
 * Households, population and grids within each distance of a source geometry (hex EWKB),
 * counted from the address points actually inside — a grid half inside counts the households
 * of its address points that are, not half of its total. Distances are geodesic metres
 * (geography); a bounding box in degrees, widened for the latitude, lets the GiST index in.
 * A bounded scope counts only the address points within its area and names only its grids.
 */
export async function ringExposure(knex: Knex, source: HexWkb, ringsM: number[], planId: number | null, scope: Scope = EVERYWHERE): Promise<RingExposure[]> {
  const maxM = Math.max(...ringsM);
  const pointsWithin = geomInScopeSql('p.geom', scope);
  const gridsWithin = scopeSql('g.area_code', scope);
  const row = await oneRow<{ r: { points: { d: number; h: number; p: number; grid: string | null }[] } }>(knex,
    `with s as (select ?::geometry as g),
     box as (select ST_Expand(g, ? / (111320.0 * cos(radians(least(89, abs(ST_Y(ST_Centroid(g))) + ? / 110574.0)))) + 1e-9, ? / 110574.0 + 1e-9) as b from s),
     pts as (
       select p.id, p.households, coalesce(p.population, 0) as population, ST_Distance(p.geom::geography, s.g::geography) as d, p.geom
       from address_points p, s, box where p.geom && box.b and ${pointsWithin.sql}
     ),
     near as (
       select pts.*, (select g.code from grids g where g.plan_id = ? and g.kind in ('comprehensive', 'dedicated') and g.geom && pts.geom and ST_Covers(g.geom, pts.geom)
                        and ${gridsWithin.sql} order by g.code limit 1) as grid
       from pts where d <= ?
     )
     select json_build_object('points', coalesce(json_agg(json_build_object('d', d, 'h', households, 'p', population, 'grid', grid)), '[]'::json)) as r from near`,
    [source, maxM, maxM, maxM, ...pointsWithin.bindings, planId ?? -1, ...gridsWithin.bindings, maxM],
    'measuring the hazard rings',
  );
  const points = row.r.points;
  const codes = [...new Set(points.map((p) => p.grid).filter((c): c is string => c !== null))];
  const totals = new Map<string, { name: string | null; households: number }>();
  if (codes.length) {
    const { rows: grids } = await knex.raw('select code, name, households from grids where plan_id = ? and code = any(?::text[])', [planId, codes]);
    for (const g of grids) totals.set(g.code, { name: g.name, households: g.households });
  }
  return ringsM.map((radiusM) => {
    const inside = points.filter((p) => p.d <= radiusM);
    const byGrid = new Map<string, number>();
    for (const p of inside) if (p.grid) byGrid.set(p.grid, (byGrid.get(p.grid) ?? 0) + p.h);
    return {
      radiusM,
      households: inside.reduce((s, p) => s + p.h, 0),
      population: inside.reduce((s, p) => s + p.p, 0),
      addressPoints: inside.length,
      grids: [...byGrid].sort((a, b) => b[1] - a[1]).map(([code, householdsInside]) => ({
        code, name: totals.get(code)?.name ?? null, householdsInside, householdsTotal: totals.get(code)?.households ?? 0,
      })),
    };
  });
}

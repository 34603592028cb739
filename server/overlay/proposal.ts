import type { Knex } from 'knex';
import { AppError, badRequest } from '../http/errors';
import { sharedBoundaries, type MultiPolygonCoords } from '../partition/shared-boundaries';
import { components } from '../partition/unit-graph';
import { alignment } from './alignment.repo';

export interface ProposalRow {
  code: string;
  households: number;
  /** the overlay grid holding most of its area today */
  today: string | null;
  /** today's grid is one of several covering it */
  splitToday: boolean;
  proposed: string;
  changed: boolean;
}

/**
 * An aligned overlay ("警格网格双格联动"): every comprehensive grid goes whole to one overlay grid
 * — the one holding most of its households (most of its area when it has none) — and each
 * overlay grid's comprehensive grids are then made contiguous: pieces cut off from its largest
 * piece go to the neighbouring overlay grid they share most boundary with.
 */
export async function proposeAlignment(knex: Knex, comprehensivePlan: number, overlayPlan: number): Promise<ProposalRow[]> {
  const { grids } = await alignment(knex, comprehensivePlan, overlayPlan);
  const uncovered = grids.filter((g) => !g.overlays.length);
  if (uncovered.length) throw badRequest('not_covered', `comprehensive grid ${uncovered[0].code} is covered by no grid of plan ${overlayPlan} (${uncovered.length} such grids)`);
  const byHouseholds = (g: (typeof grids)[number]) =>
    [...g.overlays].sort((a, b) => (g.households > 0 ? b.householdsShare - a.householdsShare : 0) || b.areaShare - a.areaShare)[0].code;
  const assigned = grids.map(byHouseholds);
  makeContiguous(assigned, await adjacency(knex, comprehensivePlan, grids.map((g) => g.code)), grids.map((g) => g.households));
  return grids.map((g, i) => ({
    code: g.code, households: g.households,
    today: g.overlays[0]?.code ?? null,
    splitToday: g.wholeIn === null,
    proposed: assigned[i],
    changed: g.wholeIn !== assigned[i],
  }));
}

/** Pairs of comprehensive grids (indices into `codes`) with the metres of boundary they share. */
async function adjacency(knex: Knex, planId: number, codes: string[]) {
  const { rows } = await knex.raw(`select code, ST_AsGeoJSON(geom, 10)::json->'coordinates' as coords from grids where plan_id = ? and code = any(?::text[])`, [planId, codes]);
  const coords = new Map<string, MultiPolygonCoords>(rows.map((r: { code: string; coords: MultiPolygonCoords }) => [r.code, r.coords]));
  return sharedBoundaries(codes.map((c) => coords.get(c)!));
}

/** Moves pieces cut off from each overlay grid's heaviest piece to the neighbour they share most boundary with; in place. */
export function makeContiguous(assigned: string[], edges: { a: number; b: number; lengthM: number }[], households: number[]) {
  for (let round = 0; round < assigned.length; round++) {
    let moved = false;
    for (const code of new Set(assigned)) {
      const members = assigned.flatMap((c, i) => (c === code ? [i] : []));
      const local = new Map(members.map((m, i) => [m, i]));
      const inner = edges.flatMap((e) => (local.has(e.a) && local.has(e.b) ? [{ a: local.get(e.a)!, b: local.get(e.b)!, lengthM: e.lengthM, barrier: false }] : []));
      const pieces = components(members.length, inner).map((p) => p.map((i) => members[i]));
      if (pieces.length < 2) continue;
      const weight = (p: number[]) => p.reduce((s, i) => s + households[i], 0) + p.length * 1e-6;
      pieces.sort((x, y) => weight(y) - weight(x));
      for (const piece of pieces.slice(1)) {
        const inPiece = new Set(piece);
        const toward = new Map<string, number>();
        for (const e of edges) {
          const [inside, outside] = inPiece.has(e.a) ? [e.a, e.b] : inPiece.has(e.b) ? [e.b, e.a] : [-1, -1];
          if (inside < 0 || assigned[outside] === code) continue;
          toward.set(assigned[outside], (toward.get(assigned[outside]) ?? 0) + e.lengthM);
        }
        const best = [...toward].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
        if (!best) continue; // an island: it stays where it is
        for (const i of piece) assigned[i] = best[0];
        moved = true;
      }
    }
    if (!moved) return;
  }
  throw new AppError(500, 'proposal_not_converging', 'could not make the proposed overlay grids contiguous');
}

/**
 * Writes the proposal as a new draft plan of the overlay's layer: each overlay grid becomes the
 * union of its comprehensive grids, keeping its code, name and properties. Returns the plan id.
 */
export async function acceptProposal(knex: Knex, comprehensivePlan: number, overlayPlan: number, rows: ProposalRow[], name: string): Promise<number> {
  return knex.transaction(async (trx) => {
    const { rows: [plan] } = await trx.raw(
      `insert into grid_plans (layer_id, name, params, based_on) select layer_id, ?, ?::jsonb, id from grid_plans where id = ? returning id`,
      [name, JSON.stringify({ alignedTo: comprehensivePlan }), overlayPlan],
    );
    await trx.raw(
      `insert into grids (plan_id, code, kind, area_code, name, properties, households, population, geom)
       select ?, m.proposed, o.kind, o.area_code, o.name, o.properties, sum(c.households), sum(c.population), ST_Multi(ST_Union(c.geom, 1e-11))
       from unnest(?::text[], ?::text[]) as m(code, proposed)
       join grids c on c.plan_id = ? and c.code = m.code
       join grids o on o.plan_id = ? and o.code = m.proposed
       group by m.proposed, o.kind, o.area_code, o.name, o.properties`,
      [plan.id, rows.map((r) => r.code), rows.map((r) => r.proposed), comprehensivePlan, overlayPlan],
    );
    return plan.id as number;
  });
}

import type { Knex } from 'knex';
import { AppError, badRequest } from '../http/errors';
import { sharedBoundaries, type MultiPolygonCoords } from '../partition/shared-boundaries';
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
  const { grids } = await alignment(knex, comprehensivePlan, overlayPlan, { mismatch: false });
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
  const adj: { to: number; lengthM: number }[][] = assigned.map(() => []);
  for (const e of edges) {
    adj[e.a].push({ to: e.b, lengthM: e.lengthM });
    adj[e.b].push({ to: e.a, lengthM: e.lengthM });
  }
  for (let round = 0; round < assigned.length; round++) {
    // pieces: connected runs of grids with the same overlay code
    const piece = new Array<number>(assigned.length).fill(-1);
    const pieces: { code: string; members: number[]; weight: number }[] = [];
    for (let start = 0; start < assigned.length; start++) {
      if (piece[start] >= 0) continue;
      const id = pieces.length;
      const members = [start];
      piece[start] = id;
      for (let k = 0; k < members.length; k++) {
        for (const { to } of adj[members[k]]) {
          if (piece[to] < 0 && assigned[to] === assigned[start]) { piece[to] = id; members.push(to); }
        }
      }
      pieces.push({ code: assigned[start], members, weight: members.reduce((s, i) => s + households[i], 0) + members.length * 1e-6 });
    }
    const heaviest = new Map<string, number>();
    pieces.forEach((p, id) => { if (!heaviest.has(p.code) || p.weight > pieces[heaviest.get(p.code)!].weight) heaviest.set(p.code, id); });
    let moved = false;
    pieces.forEach((p, id) => {
      if (heaviest.get(p.code) === id) return;
      const toward = new Map<string, number>();
      for (const i of p.members) for (const { to, lengthM } of adj[i]) if (assigned[to] !== p.code) toward.set(assigned[to], (toward.get(assigned[to]) ?? 0) + lengthM);
      const best = [...toward].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
      if (!best) return; // an island: it stays where it is
      for (const i of p.members) assigned[i] = best[0];
      moved = true;
    });
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

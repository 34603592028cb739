import type { Knex } from 'knex';
import { inScope, outOfScope, type Scope } from '../auth/scope';
import { AppError, badRequest } from '../http/errors';
import { createPlan } from '../partition/partition.repo';
import { alignment } from './alignment.repo';
import { gridAdjacency } from './grid-adjacency';
import { groupBy, writeUnionPlan, type UnionCheck } from './union-plan';
import { balanceWorkload, workloadFigures, type WorkloadFigures } from './workload';

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

export interface Proposal {
  rows: ProposalRow[];
  /** households per overlay grid: today (split grids counted by the address points in each part) and proposed */
  workload: { today: WorkloadFigures; proposed: WorkloadFigures };
  /** grids moved by workload balancing (0 without it) */
  balanceMoves: number;
}

export interface ProposalOptions {
  /** balance households across overlay grids to within mean × (1 ± tolerance) where the graph allows */
  balance?: { tolerance: number };
}

/**
 * An aligned overlay ("警格网格双格联动"): every comprehensive grid goes whole to one overlay grid
 * — the one holding most of its households (most of its area when it has none) — and each
 * overlay grid's comprehensive grids are then made contiguous: pieces cut off from its largest
 * piece go to the neighbouring overlay grid they share most boundary with. Optionally the
 * workload is then balanced (see balanceWorkload). Over the comprehensive grids in the scope.
 */
export async function proposeAlignment(knex: Knex, comprehensivePlan: number, overlayPlan: number, scope: Scope, opts: ProposalOptions = {}): Promise<Proposal> {
  const { grids } = await alignment(knex, comprehensivePlan, overlayPlan, scope, { mismatch: false });
  const uncovered = grids.filter((g) => !g.overlays.length);
  if (uncovered.length) throw badRequest('not_covered', `comprehensive grid ${uncovered[0].code} is covered by no grid of plan ${overlayPlan} (${uncovered.length} such grids)`);
  const byHouseholds = (g: (typeof grids)[number]) =>
    [...g.overlays].sort((a, b) => (g.households > 0 ? b.householdsShare - a.householdsShare : 0) || b.areaShare - a.areaShare)[0].code;
  const assigned = grids.map(byHouseholds);
  const households = grids.map((g) => g.households);
  const edges = await gridAdjacency(knex, comprehensivePlan, grids.map((g) => g.code));
  makeContiguous(assigned, edges, households);
  const balanceMoves = opts.balance ? balanceWorkload(assigned, households, edges, opts.balance.tolerance) : 0;
  const rows = grids.map((g, i) => ({
    code: g.code, households: g.households,
    today: g.overlays[0]?.code ?? null,
    splitToday: g.wholeIn === null,
    proposed: assigned[i],
    changed: g.wholeIn !== assigned[i],
  }));
  const todayLoads = grids.flatMap((g) => g.overlays.map((o) => ({ overlay: o.code, households: o.householdsShare * g.households })));
  return {
    rows,
    workload: { today: workloadFigures(todayLoads), proposed: workloadFigures(rows.map((r) => ({ overlay: r.proposed, households: r.households }))) },
    balanceMoves,
  };
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
 * union of its comprehensive grids, keeping its code, name and properties, checked to be an
 * exact union. Returns the plan id and the check. A 403 out_of_scope unless the overlay's layer
 * lies within the scope (its area in it).
 */
export async function acceptProposal(knex: Knex, comprehensivePlan: number, overlayPlan: number, proposal: Proposal, name: string, scope: Scope): Promise<{ planId: number; check: UnionCheck }> {
  return knex.transaction(async (trx) => {
    const { rows: [overlay] } = await trx.raw(
      `select p.layer_id, c.area_code, l.area_code as layer_area_code, l.name as layer_name
         from grid_plans p join grid_layers l on l.id = p.layer_id, grid_plans c where p.id = ? and c.id = ?`, [overlayPlan, comprehensivePlan]);
    if (!inScope(scope, overlay.layer_area_code)) {
      throw outOfScope(scope, overlay.layer_area_code, `the layer ${overlay.layer_id} (${overlay.layer_name}) of overlay plan ${overlayPlan}`);
    }
    const planId = await createPlan(trx, { layerId: overlay.layer_id, name, areaCode: overlay.area_code, params: { alignedTo: comprehensivePlan }, basedOn: overlayPlan });
    const { rows: today } = await trx.raw(
      'select code, kind, area_code, name, properties from grids where plan_id = ? and code = any(?::text[])',
      [overlayPlan, [...new Set(proposal.rows.map((r) => r.proposed))]]);
    const members = groupBy(proposal.rows, (r) => r.proposed);
    const grids = today.map((o: { code: string; kind: string; area_code: string | null; name: string | null; properties: Record<string, unknown> }) => ({
      code: o.code, kind: o.kind, areaCode: o.area_code, name: o.name, properties: o.properties,
      members: members.get(o.code)!.map((r) => r.code),
    }));
    return { planId, check: await writeUnionPlan(trx, planId, comprehensivePlan, grids) };
  });
}

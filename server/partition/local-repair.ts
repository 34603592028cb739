import type { HouseholdRange } from '../planning/planning.schema';
import type { GraphEdge } from './unit-graph';

export interface RepairOptions {
  range: HouseholdRange;
  barrierCostPerM: number;
  /** cost of one household outside the range, against 1 per metre of cut through a block */
  costPerHouseholdOutside: number;
  maxRounds: number;
}

/**
 * Local repair after the bisection: moves single nodes across grid boundaries while that
 * lowers (households outside the range) × costPerHouseholdOutside + metres of cut through
 * blocks + barrierCostPerM × metres of cut along barriers, never emptying a grid or breaking
 * one into pieces. Changes `part` in place; returns the number of moves made.
 */
export function localRepair(weight: number[], edges: GraphEdge[], part: number[], opts: RepairOptions): number {
  const n = weight.length;
  const adj: { to: number; cost: number }[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    const cost = e.barrier ? e.lengthM * opts.barrierCostPerM : e.lengthM;
    adj[e.a].push({ to: e.b, cost });
    adj[e.b].push({ to: e.a, cost });
  }
  const load = new Map<number, number>();
  const size = new Map<number, number>();
  part.forEach((p, v) => { load.set(p, (load.get(p) ?? 0) + weight[v]); size.set(p, (size.get(p) ?? 0) + 1); });
  const { min, max } = opts.range;
  const outside = (w: number) => (w < min ? min - w : w > max ? w - max : 0);

  let moves = 0;
  for (let round = 0; round < opts.maxRounds; round++) {
    let improved = false;
    for (let v = 0; v < n; v++) {
      const p = part[v];
      if (size.get(p) === 1) continue;
      const toward = new Map<number, number>();
      for (const { to, cost } of adj[v]) toward.set(part[to], (toward.get(part[to]) ?? 0) + cost);
      const stay = toward.get(p) ?? 0;
      let best = { gain: 1e-9, q: -1 };
      for (const [q, costToQ] of toward) {
        if (q === p) continue;
        const lp = load.get(p)!, lq = load.get(q)!;
        const balance = (outside(lp) + outside(lq) - outside(lp - weight[v]) - outside(lq + weight[v])) * opts.costPerHouseholdOutside;
        const gain = balance + costToQ - stay;
        if (gain > best.gain) best = { gain, q };
      }
      if (best.q < 0 || !staysConnected(v, p, part, adj)) continue;
      part[v] = best.q;
      load.set(p, load.get(p)! - weight[v]);
      load.set(best.q, load.get(best.q)! + weight[v]);
      size.set(p, size.get(p)! - 1);
      size.set(best.q, size.get(best.q)! + 1);
      moves++;
      improved = true;
    }
    if (!improved) break;
  }
  return moves;
}

/** Whether part `p` is still connected once `v` leaves it (BFS from one of v's neighbours in p). */
function staysConnected(v: number, p: number, part: number[], adj: { to: number }[][]): boolean {
  const inP = adj[v].filter(({ to }) => part[to] === p).map(({ to }) => to);
  if (inP.length <= 1) return true;
  const seen = new Set<number>([v, inP[0]]);
  const queue = [inP[0]];
  let remaining = new Set(inP.slice(1));
  while (queue.length && remaining.size) {
    const u = queue.pop()!;
    for (const { to } of adj[u]) {
      if (part[to] !== p || seen.has(to)) continue;
      seen.add(to);
      remaining.delete(to);
      queue.push(to);
    }
  }
  return remaining.size === 0;
}

import type { Rng } from '../geo/prng';
import type { HouseholdRange } from '../planning/planning.schema';
import type { GraphEdge } from './unit-graph';

export interface BisectionOptions {
  range: HouseholdRange;
  rng: Rng;
  /** random spanning trees tried per cut */
  trees: number;
  /** cost of a metre of cut running along a barrier, against 1 for a metre through a block */
  barrierCostPerM: number;
  /** cost of a cut that leaves one side 1% off its ideal share (inside the feasible window) */
  imbalanceCostPerPct: number;
  shouldStop?: () => void;
}

/**
 * Splits a connected unit graph into `k` connected parts of balanced weight, by recursive
 * bisection along random spanning trees (the move of ReCom, Deford–Duchin–Solomon 2019):
 * each tree is drawn with the edges inside a block first, so removing one of its edges
 * separates whole blocks where possible; of all edges whose removal leaves both sides able to
 * hold their share of grids within the range, the one with the cheapest cut (metres of cut
 * through blocks, plus a little for metres along barriers, plus imbalance) wins.
 * Returns the part index of every node.
 */
export function treeBisection(weight: number[], edges: GraphEdge[], k: number, opts: BisectionOptions): number[] {
  const part = new Array<number>(weight.length).fill(0);
  const adjacency = buildAdjacency(weight.length, edges);
  let nextPart = 0;
  const recurse = (nodes: number[], parts: number) => {
    opts.shouldStop?.();
    if (parts === 1 || nodes.length === 1) {
      const id = nextPart++;
      for (const v of nodes) part[v] = id;
      return;
    }
    const k1 = Math.floor(parts / 2);
    const [a, b] = bestCut(nodes, k1, parts - k1, weight, adjacency, opts);
    recurse(a, k1);
    recurse(b, parts - k1);
  };
  recurse([...weight.keys()], Math.min(k, weight.length));
  return part;
}

type Adjacency = { to: number; edge: GraphEdge }[][];

function buildAdjacency(n: number, edges: GraphEdge[]): Adjacency {
  const adj: Adjacency = Array.from({ length: n }, () => []);
  for (const edge of edges) {
    adj[edge.a].push({ to: edge.b, edge });
    adj[edge.b].push({ to: edge.a, edge });
  }
  return adj;
}

/** The best split of `nodes` into a side for k1 grids and a side for k2 grids. */
function bestCut(nodes: number[], k1: number, k2: number, weight: number[], adj: Adjacency, opts: BisectionOptions): [number[], number[]] {
  const { min, max } = opts.range;
  const inSet = new Set(nodes);
  const total = nodes.reduce((s, v) => s + weight[v], 0);
  const local = new Map(nodes.map((v, i) => [v, i]));
  const edges: GraphEdge[] = [];
  for (const v of nodes) for (const { to, edge } of adj[v]) if (to > v && inSet.has(to)) edges.push(edge);

  // Window for the weight of the side that gets k1 grids.
  const lo = Math.max(k1 * min, total - k2 * max);
  const hi = Math.min(k1 * max, total - k2 * min);
  const ideal = (total * k1) / (k1 + k2);
  const cost = (sideWeight: number) => {
    const outside = sideWeight < lo ? lo - sideWeight : sideWeight > hi ? sideWeight - hi : 0;
    return outside * 1e6 + (Math.abs(sideWeight - ideal) / Math.max(ideal, 1)) * 100 * opts.imbalanceCostPerPct;
  };

  let best = { cost: Infinity, subtreeRoot: -1, tree: null as null | SpanningTree, forK1: true };
  for (let t = 0; t < opts.trees; t++) {
    const tree = randomSpanningTree(nodes, edges, local, opts.rng);
    const sums = subtreeSums(tree, nodes, weight);
    for (let i = 1; i < nodes.length; i++) {
      const v = tree.order[i];
      const s = sums[local.get(v)!];
      const asK1 = cost(s), asK2 = cost(total - s);
      const balance = Math.min(asK1, asK2);
      if (balance >= best.cost) continue;
      const cut = cutCost(tree, v, edges, local, opts.barrierCostPerM);
      if (balance + cut < best.cost) best = { cost: balance + cut, subtreeRoot: v, tree, forK1: asK1 <= asK2 };
    }
  }
  const inside = subtreeMembers(best.tree!, best.subtreeRoot, local);
  const side = nodes.filter((v) => inside.has(v));
  const other = nodes.filter((v) => !inside.has(v));
  return best.forK1 ? [side, other] : [other, side];
}

interface SpanningTree {
  /** BFS order from the root; order[0] is the root */
  order: number[];
  /** parent (node id) per local index; -1 for the root */
  parent: number[];
  /** Euler-tour entry/exit per local index, for subtree membership in O(1) */
  tin: number[];
  tout: number[];
}

/** Kruskal over random weights, edges through blocks before edges across barriers. */
function randomSpanningTree(nodes: number[], edges: GraphEdge[], local: Map<number, number>, rng: Rng): SpanningTree {
  const n = nodes.length;
  const keyed = edges.map((e) => ({ e, key: rng.next() + (e.barrier ? 1 : 0) })).sort((x, y) => x.key - y.key);
  const uf = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (uf[x] === x ? x : (uf[x] = find(uf[x])));
  const children: number[][] = Array.from({ length: n }, () => []);
  const treeAdj: number[][] = Array.from({ length: n }, () => []);
  for (const { e } of keyed) {
    const a = local.get(e.a)!, b = local.get(e.b)!;
    const ra = find(a), rb = find(b);
    if (ra === rb) continue;
    uf[ra] = rb;
    treeAdj[a].push(b);
    treeAdj[b].push(a);
  }
  const parent = new Array<number>(n).fill(-1);
  const seen = new Array<boolean>(n).fill(false);
  const rootLocal = rng.int(0, n - 1);
  const order: number[] = [];
  const queue = [rootLocal];
  seen[rootLocal] = true;
  while (queue.length) {
    const u = queue.shift()!;
    order.push(nodes[u]);
    for (const w of treeAdj[u]) if (!seen[w]) { seen[w] = true; parent[w] = u; children[u].push(w); queue.push(w); }
  }
  if (order.length !== n) throw new Error(`unit graph is not connected (${order.length} of ${n} reached)`);
  const tin = new Array<number>(n), tout = new Array<number>(n);
  let clock = 0;
  const stack: [number, number][] = [[rootLocal, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [u, i] = top;
    if (i === 0) tin[u] = clock++;
    if (i < children[u].length) { top[1]++; stack.push([children[u][i], 0]); }
    else { tout[u] = clock; stack.pop(); }
  }
  return { order, parent: parent.map((p) => (p === -1 ? -1 : nodes[p])), tin, tout };
}

function subtreeSums(tree: SpanningTree, nodes: number[], weight: number[]): number[] {
  const local = new Map(nodes.map((v, i) => [v, i]));
  const sums = nodes.map((v) => weight[v]);
  for (let i = tree.order.length - 1; i > 0; i--) {
    const v = tree.order[i];
    sums[local.get(tree.parent[local.get(v)!])!] += sums[local.get(v)!];
  }
  return sums;
}

function cutCost(tree: SpanningTree, root: number, edges: GraphEdge[], local: Map<number, number>, barrierCostPerM: number): number {
  const r = local.get(root)!;
  const lo = tree.tin[r], hi = tree.tout[r];
  let cost = 0;
  for (const e of edges) {
    const ta = tree.tin[local.get(e.a)!], tb = tree.tin[local.get(e.b)!];
    if ((ta >= lo && ta < hi) !== (tb >= lo && tb < hi)) cost += e.barrier ? e.lengthM * barrierCostPerM : e.lengthM;
  }
  return cost;
}

function subtreeMembers(tree: SpanningTree, root: number, local: Map<number, number>): Set<number> {
  const r = local.get(root)!;
  const members = new Set<number>();
  for (const [v, i] of local) if (tree.tin[i] >= tree.tin[r] && tree.tin[i] < tree.tout[r]) members.add(v);
  return members;
}

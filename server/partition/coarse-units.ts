import type { CommunityUnits } from './units.repo';
import type { GraphEdge, UnitGraph } from './unit-graph';

/** Fine units (building cells) grouped into the nodes the comprehensive partition works on. */
export interface CoarseGraph extends UnitGraph {
  /** fine unit ids of each node */
  members: number[][];
}

/**
 * Contracts the building cells of each block holding at most `keepWholeUpTo` households into
 * one node (such a block never needs cutting, and grids made of whole blocks follow barriers);
 * bigger blocks keep a node per cell. Units of dedicated footprints are left out.
 */
export function coarseGraph(cu: CommunityUnits, keepWholeUpTo: number): CoarseGraph {
  const blockLoad = new Map<number, number>();
  for (const u of cu.units) if (u.footprint === null) blockLoad.set(u.blockId, (blockLoad.get(u.blockId) ?? 0) + u.households);
  const nodeOf = new Map<number, number>();
  const blockNode = new Map<number, number>();
  const g: CoarseGraph = { weight: [], anchor: [], edges: [], members: [] };
  const bestAnchorArea: number[] = [];
  for (const u of cu.units) {
    if (u.footprint !== null) continue;
    const whole = blockLoad.get(u.blockId)! <= keepWholeUpTo;
    let node = whole ? blockNode.get(u.blockId) : undefined;
    if (node === undefined) {
      node = g.weight.length;
      g.weight.push(0);
      g.anchor.push(u.anchor);
      g.members.push([]);
      bestAnchorArea.push(u.areaM2);
      if (whole) blockNode.set(u.blockId, node);
    }
    g.weight[node] += u.households;
    g.members[node].push(u.id);
    if (u.areaM2 > bestAnchorArea[node]) { bestAnchorArea[node] = u.areaM2; g.anchor[node] = u.anchor; }
    nodeOf.set(u.id, node);
  }
  const merged = new Map<string, GraphEdge>();
  for (const e of cu.edges) {
    const a = nodeOf.get(e.a), b = nodeOf.get(e.b);
    if (a === undefined || b === undefined || a === b) continue;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const key = `${lo}:${hi}`;
    const m = merged.get(key);
    if (m) m.lengthM += e.lengthM;
    else merged.set(key, { a: lo, b: hi, lengthM: e.lengthM, barrier: e.barrier });
  }
  g.edges = [...merged.values()];
  return g;
}

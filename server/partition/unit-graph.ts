/** A weighted planar graph of atomic units, as the partition search sees it. */
export interface UnitGraph {
  /** households per node */
  weight: number[];
  /** [lng, lat] per node, to link disconnected pieces of ground */
  anchor: [number, number][];
  edges: GraphEdge[];
}

export interface GraphEdge {
  a: number;
  b: number;
  /** shared boundary in metres; 0 for a link between disconnected pieces of ground */
  lengthM: number;
  /** the shared boundary runs along a barrier (road, river, rail), or is such a link */
  barrier: boolean;
}

/** Connected components by shared boundaries; each a sorted list of node indices. */
export function components(n: number, edges: GraphEdge[]): number[][] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (const e of edges) parent[find(e.a)] = find(e.b);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(i);
  }
  return [...groups.values()];
}

/**
 * Links disconnected pieces of ground (islands, a detached part of a community) with
 * zero-length edges between their nearest units, so one search covers the whole area. Cutting
 * such a link costs nothing, so pieces big enough for their own grids get them; a piece too
 * small joins the grid across the water (the only multi-part grids a partition makes).
 */
export function linkComponents(graph: UnitGraph): GraphEdge[] {
  const parts = components(graph.weight.length, graph.edges);
  const links: GraphEdge[] = [];
  const joined = [...parts[0]];
  const rest = parts.slice(1);
  const dist2 = (i: number, j: number) => {
    const [x1, y1] = graph.anchor[i], [x2, y2] = graph.anchor[j];
    const dx = (x1 - x2) * Math.cos((y1 * Math.PI) / 180);
    return dx * dx + (y1 - y2) ** 2;
  };
  while (rest.length) {
    let best = { d: Infinity, part: 0, a: 0, b: 0 };
    rest.forEach((part, p) => {
      for (const i of part) for (const j of joined) {
        const d = dist2(i, j);
        if (d < best.d) best = { d, part: p, a: j, b: i };
      }
    });
    links.push({ a: best.a, b: best.b, lengthM: 0, barrier: true });
    joined.push(...rest.splice(best.part, 1)[0]);
  }
  return links;
}

/** The subgraph on `nodes`, renumbered 0…n-1 in the order given. */
export function induced(g: UnitGraph, nodes: number[]): UnitGraph {
  const index = new Map(nodes.map((n, i) => [n, i]));
  return {
    weight: nodes.map((n) => g.weight[n]),
    anchor: nodes.map((n) => g.anchor[n]),
    edges: g.edges.flatMap((e) => {
      const a = index.get(e.a), b = index.get(e.b);
      return a === undefined || b === undefined ? [] : [{ ...e, a, b }];
    }),
  };
}

/**
 * Connected pieces of a set of units, where two units are joined when they share a boundary
 * of positive length (a corner is not enough). Edges whose ends are not both in `nodes` are
 * ignored, so one community-wide edge list serves every subset.
 *
 * @example connectedComponents([1, 2, 3], [[1, 2], [3, 9]]) // → [[1, 2], [3]]
 */
export function connectedComponents(nodes: Iterable<number>, edges: Iterable<readonly [number, number]>): number[][] {
  const parent = new Map<number, number>();
  for (const n of nodes) parent.set(n, n);
  const find = (n: number): number => {
    let root = n;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let m = n; m !== root; ) {
      const next = parent.get(m)!;
      parent.set(m, root);
      m = next;
    }
    return root;
  };
  for (const [a, b] of edges) {
    if (!parent.has(a) || !parent.has(b)) continue;
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const groups = new Map<number, number[]>();
  for (const n of parent.keys()) {
    const r = find(n);
    (groups.get(r) ?? groups.set(r, []).get(r)!).push(n);
  }
  return [...groups.values()].map((g) => g.sort((x, y) => x - y)).sort((x, y) => x[0] - y[0]);
}

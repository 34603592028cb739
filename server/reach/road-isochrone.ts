import TinyQueue from 'tinyqueue';

/** A road between two junctions: its polyline ([lng, lat]) and its length in metres. */
export interface RoadEdge { coords: [number, number][]; lengthM: number }

/** Where travel starts: a position, reached from the nearest junction after `accessM` of straight line. */
export interface Origin { lng: number; lat: number }

const EARTH_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function metresBetween([lng1, lat1]: [number, number], [lng2, lat2]: [number, number]): number {
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Junctions are road ends that coincide to 1e-7° (≈ 1 cm). */
const nodeKey = ([lng, lat]: [number, number]) => `${lng.toFixed(7)},${lat.toFixed(7)}`;

/**
 * Network distances from several origins over a noded road network (roads meet only at their
 * ends): each origin enters at its nearest junction, the straight line to it counted as
 * travel; then Dijkstra. Returns, per edge, the network distance in metres of its two ends.
 */
export function networkDistances(edges: RoadEdge[], origins: Origin[]): { from: number; to: number }[] {
  const ids = new Map<string, number>();
  const positions: [number, number][] = [];
  const ends = edges.map((e) => [e.coords[0], e.coords[e.coords.length - 1]].map((p) => {
    const key = nodeKey(p);
    if (!ids.has(key)) { ids.set(key, positions.length); positions.push(p); }
    return ids.get(key)!;
  }) as [number, number]);
  const adjacency: { to: number; m: number }[][] = positions.map(() => []);
  ends.forEach(([a, b], i) => {
    adjacency[a].push({ to: b, m: edges[i].lengthM });
    adjacency[b].push({ to: a, m: edges[i].lengthM });
  });

  const dist = new Float64Array(positions.length).fill(Infinity);
  const queue = new TinyQueue<[number, number]>([], (x, y) => x[1] - y[1]);
  for (const o of origins) {
    let best = -1, bestM = Infinity;
    positions.forEach((p, n) => { const m = metresBetween([o.lng, o.lat], p); if (m < bestM) { bestM = m; best = n; } });
    if (best >= 0 && bestM < dist[best]) { dist[best] = bestM; queue.push([best, bestM]); }
  }
  while (queue.length) {
    const [n, d] = queue.pop()!;
    if (d > dist[n]) continue;
    for (const { to, m } of adjacency[n]) {
      if (d + m < dist[to]) { dist[to] = d + m; queue.push([to, d + m]); }
    }
  }
  return ends.map(([a, b]) => ({ from: dist[a], to: dist[b] }));
}

/**
 * The stretches of road within `budgetM` of an origin: from each end of an edge, as far along
 * it as the budget left at that end reaches (a whole edge when the two stretches meet).
 */
export function reachedStretches(edges: RoadEdge[], distances: { from: number; to: number }[], budgetM: number): [number, number][][] {
  const out: [number, number][][] = [];
  edges.forEach((e, i) => {
    const fromEnd = Math.max(0, budgetM - distances[i].from);
    const toEnd = Math.max(0, budgetM - distances[i].to);
    if (fromEnd + toEnd >= e.lengthM) { out.push(e.coords); return; }
    if (fromEnd > 0) out.push(along(e.coords, 0, fromEnd));
    if (toEnd > 0) out.push(along(e.coords, e.lengthM - toEnd, e.lengthM));
  });
  return out;
}

/** The part of a polyline between two distances (metres) from its start. */
export function along(coords: [number, number][], startM: number, endM: number): [number, number][] {
  const out: [number, number][] = [];
  let walked = 0;
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1], b = coords[i];
    const m = metresBetween(a, b);
    const at = (t: number): [number, number] => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    if (walked + m >= startM && walked <= endM && m > 0) {
      if (!out.length) out.push(at(Math.max(0, (startM - walked) / m)));
      out.push(walked + m <= endM ? b : at((endM - walked) / m));
    }
    walked += m;
    if (walked >= endM) break;
  }
  return out;
}

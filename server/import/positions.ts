import type { Geometry, Position } from 'geojson';

type Simple = Exclude<Geometry, { type: 'GeometryCollection' }>;

/** Every position of a (structurally checked, non-collection) geometry. */
export function* positionsOf(geometry: Simple): Generator<Position> {
  yield* walk(geometry.coordinates);
}

function* walk(c: unknown): Generator<Position> {
  if (typeof (c as unknown[])[0] === 'number') yield c as Position;
  else for (const part of c as unknown[]) yield* walk(part);
}

/** The same geometry with every position replaced by `f(position)`. */
export function mapPositions<G extends Simple>(geometry: G, f: (p: Position) => Position): G {
  const map = (c: unknown): unknown => (typeof (c as unknown[])[0] === 'number' ? f(c as Position) : (c as unknown[]).map(map));
  return { type: geometry.type, coordinates: map(geometry.coordinates) } as G;
}

/**
 * Vertices of a GeoJSON geometry: the positions in its coordinates (a ring's closing position
 * counts, as it does in WKB), summed over a GeometryCollection's members. Whatever is not a
 * geometry counts 0; the walk uses no recursion, so no nesting can overflow the stack.
 *
 * @example vertexCount({ type: 'LineString', coordinates: [[118.9, 32.1], [118.91, 32.1]] }) // 2
 */
export function vertexCount(geometry: unknown): number {
  let count = 0;
  const stack: unknown[] = [geometry];
  while (stack.length) {
    const g = stack.pop() as { type?: unknown; coordinates?: unknown; geometries?: unknown } | null;
    if (typeof g !== 'object' || g === null) continue;
    if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) for (const member of g.geometries) stack.push(member);
    else count += positionsIn(g.coordinates);
  }
  return count;
}

/** Positions (arrays starting with a number) in nested coordinate arrays. */
function positionsIn(coordinates: unknown): number {
  let count = 0;
  const stack: unknown[] = [coordinates];
  while (stack.length) {
    const c = stack.pop();
    if (!Array.isArray(c)) continue;
    if (typeof c[0] === 'number') count++;
    else for (const part of c) stack.push(part);
  }
  return count;
}

/**
 * Why a geometry is refused for its size, or undefined when it is within `maxVertices`
 * (MAX_VERTICES): "150,001 vertices, more than the 100,000 allowed per geometry (MAX_VERTICES)".
 */
export function vertexLimitProblem(geometry: unknown, maxVertices: number): string | undefined {
  const n = vertexCount(geometry);
  if (n <= maxVertices) return undefined;
  return `${n.toLocaleString('en')} vertices, more than the ${maxVertices.toLocaleString('en')} allowed per geometry (MAX_VERTICES)`;
}

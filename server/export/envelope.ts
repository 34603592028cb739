/** [minX, minY, maxX, maxY] in degrees. */
export type Envelope = [number, number, number, number];

/**
 * The box around `boxes` (a loop, not Math.min(...xs), which overflows the stack on large layers);
 * null for none.
 *
 * @example unionEnvelope([[0, 0, 1, 1], [2, -1, 3, 0]]) // [0, -1, 3, 1]
 */
export function unionEnvelope(boxes: Iterable<Envelope>): Envelope | null {
  let out: Envelope | null = null;
  for (const [x1, y1, x2, y2] of boxes) {
    out = out ? [Math.min(out[0], x1), Math.min(out[1], y1), Math.max(out[2], x2), Math.max(out[3], y2)] : [x1, y1, x2, y2];
  }
  return out;
}

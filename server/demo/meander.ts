import type { LngLat } from './qixia-layout';
import type { Rng } from '../geo/prng';
import { localMetres } from './local-metres';

/**
 * Bends a polyline like a lowland stream: midpoint displacement, each level inserting midpoints
 * pushed sideways by up to `amplitude` × the segment length, `levels` times.
 */
export function meander(line: LngLat[], rng: Rng, amplitude = 0.2, levels = 4): LngLat[] {
  const project = localMetres(line[0]);
  let points = line.map(project.toXY);
  for (let level = 0; level < levels; level++) {
    points = points.flatMap((a, i) => {
      const b = points[i + 1];
      if (!b) return [a];
      const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
      const offset = amplitude * rng.range(-1, 1);
      return [a, [(a[0] + b[0]) / 2 - dy * offset, (a[1] + b[1]) / 2 + dx * offset]];
    });
  }
  return points.map(project.toLngLat);
}

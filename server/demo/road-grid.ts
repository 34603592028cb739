import type { LngLat } from './qixia-layout';
import type { Rng } from '../geo/prng';
import { localMetres } from './local-metres';

/** Share of pieces left out, so the grid reads as a street network (with T-junctions), not graph paper. */
const SKIP_SHARE = 0.25;
/** Each grid line is cut into pieces this many spacings long; runs of kept pieces become one road. */
const PIECE_SPACINGS = [2, 5] as const;

/**
 * A local road grid over a bounding box [minLng, minLat, maxLng, maxLat]: two crossing families
 * of straight roads `spacingM` apart, turned by a random angle, offsets jittered, with gaps where
 * pieces are left out. The caller clips the roads to the area they serve.
 */
export function roadGrid(bbox: [number, number, number, number], spacingM: number, rng: Rng): LngLat[][] {
  const centre: LngLat = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
  const project = localMetres(centre);
  const [x1, y1] = project.toXY([bbox[2], bbox[3]]);
  const reach = Math.hypot(x1, y1) + spacingM;
  const angle = rng.range(-0.4, 0.4);
  const roads: LngLat[][] = [];
  for (const theta of [angle, angle + Math.PI / 2]) {
    const [ux, uy] = [Math.cos(theta), Math.sin(theta)];
    for (let offset = -reach; offset <= reach; offset += spacingM) {
      const o = offset + rng.range(-0.25, 0.25) * spacingM;
      const at = (t: number) => project.toLngLat([-uy * o + ux * t, ux * o + uy * t]);
      let runStart: number | null = null;
      for (let t = -reach; t < reach; ) {
        const end = Math.min(reach, t + rng.range(...PIECE_SPACINGS) * spacingM);
        const kept = rng.next() >= SKIP_SHARE;
        if (kept && runStart === null) runStart = t;
        if ((!kept || end >= reach) && runStart !== null) {
          roads.push([at(runStart), at(kept ? end : t)]);
          runStart = null;
        }
        t = end;
      }
    }
  }
  return roads;
}

import { z } from 'zod';
import { RESPONSE_POINT_KINDS } from '../db/migrations/004_response_points';

/** "1-3-5": the field's quick-response targets, in minutes. */
export const DEFAULT_MINUTES = [1, 3, 5];
/** Average urban police driving speed, km/h, along roads. */
export const ROAD_SPEED_KMH = 30;
/** Straight-line speed, km/h: the road speed over a detour factor of 1.5. */
export const STRAIGHT_SPEED_KMH = 20;
/** How far either side of a reached road counts as reached, metres (the last stretch on foot). */
export const OFF_ROAD_M = 150;

const minutesParam = z.string().transform((s, ctx) => {
  const xs = s.split(',').map((x) => Number(x.trim()));
  if (xs.some((x) => !Number.isFinite(x) || x <= 0 || x > 60) || xs.some((x, i) => i > 0 && x <= xs[i - 1])) {
    ctx.addIssue({ code: 'custom', message: `minutes must ascend, each above 0 and at most 60, got '${s}'` });
    return z.NEVER;
  }
  return xs;
});

export const reachQuery = z.object({
  minutes: minutesParam.optional().describe('reach times in minutes, ascending; default 1,3,5'),
  mode: z.enum(['auto', 'road', 'straight']).default('auto').describe('road: along the loaded roads; straight: circles; auto: road where roads are loaded'),
  speedKmh: z.coerce.number().positive().max(200).optional().describe(`default ${ROAD_SPEED_KMH} along roads, ${STRAIGHT_SPEED_KMH} in a straight line`),
  offRoadM: z.coerce.number().min(0).max(2000).default(OFF_ROAD_M).describe('road mode: metres either side of a reached road that count as reached'),
  kinds: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, 'a comma-separated list of response point kinds').transform((s) => s.split(','))
    .pipe(z.array(z.enum(RESPONSE_POINT_KINDS))).optional().describe(`response point kinds to start from (${RESPONSE_POINT_KINDS.join(', ')}); default all`),
  plan: z.coerce.number().int().positive().optional().describe('comprehensive plan whose grids are checked; default the published one'),
});
export type ReachQuery = z.infer<typeof reachQuery>;

export interface GridOutside {
  code: string;
  name: string | null;
  households: number;
  /** share of its area within the longest reach, 0–1 */
  reachShare: number;
  /** households at its address points outside the longest reach */
  householdsOutside: number;
}

export interface ReachAnswer {
  mode: 'road' | 'straight';
  speedKmh: number;
  offRoadM: number | null;
  minutes: number[];
  points: number;
  planId: number | null;
  /** one MultiPolygon per time, each containing the shorter ones */
  areas: { type: 'FeatureCollection'; features: { type: 'Feature'; geometry: unknown; properties: { minutes: number; areaM2: number } }[] };
  /** the plan's grids not wholly within the longest reach, most households outside first */
  grids: { total: number; outsideCount: number; householdsOutside: number; outside: GridOutside[] };
}

import { z } from 'zod';

/** Ring distances in metres by hazard type; types not listed take DEFAULT_RINGS_M. */
export const RINGS_BY_TYPE_M: Record<string, number[]> = {
  chemical_plant: [500, 1000, 3000],
  hazardous_goods_store: [300, 1000, 2000],
  gas_station: [100, 300, 500],
  flood_zone: [0, 200, 500],
  geological_hazard: [0, 100, 300],
};
export const DEFAULT_RINGS_M = [500, 1000, 3000];

/** `500,1000,3000`: ascending distances in metres, 0 (inside the source itself) to 50 km. */
const ringsParam = z
  .string()
  .transform((s, ctx) => {
    const xs = s.split(',').map((x) => Number(x.trim()));
    if (xs.some((x) => !Number.isFinite(x) || x < 0 || x > 50_000)) {
      ctx.addIssue({ code: 'custom', message: `ring distances must be numbers of metres from 0 to 50000, got '${s}'` });
      return z.NEVER;
    }
    if (xs.some((x, i) => i > 0 && x <= xs[i - 1])) {
      ctx.addIssue({ code: 'custom', message: `ring distances must ascend, got '${s}'` });
      return z.NEVER;
    }
    return xs;
  });

export const exposureQuery = z.object({
  /** the grid plan whose grids are counted; default: the published comprehensive plan */
  plan: z.coerce.number().int().positive().optional(),
  ringsM: ringsParam.optional(),
});

/** POST /api/hazards/what-if: a hazard at a clicked point. */
export const whatIfBody = z.object({
  lng: z.number().min(73).max(136),
  lat: z.number().min(3).max(54),
  radiusM: z.number().positive().max(50_000).optional(),
  ringsM: z.array(z.number().min(0).max(50_000)).min(1).max(10).optional(),
  plan: z.number().int().positive().optional(),
});

export interface RingExposure {
  /** distance from the source, metres; 0 = inside the source (polygons) */
  radiusM: number;
  households: number;
  population: number;
  addressPoints: number;
  /** grids with address points inside the ring, and how many of their households are inside */
  grids: { code: string; name: string | null; householdsInside: number; householdsTotal: number }[];
}

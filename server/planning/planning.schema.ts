import { z } from 'zod';
import { areaCode } from '../areas/areas.schema';

/** A household range [min, max] for one grid. */
export const householdRange = z
  .object({ min: z.number().int().min(1), max: z.number().int().min(1) })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max' });
export type HouseholdRange = z.infer<typeof householdRange>;

export const DEFAULT_TARGETS = {
  /** DOMAIN.md: urban comprehensive grids are commonly 300–500 households */
  urban: { min: 300, max: 500 },
  /** rural grids follow natural villages, which are smaller */
  rural: { min: 150, max: 400 },
  /** micro-grids: a building or courtyard, a few dozen households */
  micro: { min: 20, max: 50 },
} as const;

/** POST /api/planning/partition — partition an area (community, street or district) into a draft plan. */
export const partitionRequest = z.object({
  areaCode,
  /** layer name; created (kind comprehensive) when missing */
  layer: z.string().trim().min(1).max(200).default('综合网格'),
  /** plan name; default: "<area name> <timestamp>" */
  plan: z.string().trim().min(1).max(200).optional(),
  urban: householdRange.default(DEFAULT_TARGETS.urban),
  rural: householdRange.default(DEFAULT_TARGETS.rural),
  /** false: no micro-grids */
  micro: z.union([householdRange, z.literal(false)]).default(DEFAULT_TARGETS.micro),
  /** a grid layer (kind dedicated) whose polygons are unit footprints to carve out as dedicated grids */
  dedicatedLayerId: z.number().int().positive().optional(),
  /** footprints drawn in the client: Polygon/MultiPolygon features with properties.name and .unitType */
  dedicated: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.any()) }).optional(),
  /** a plan of the same layer whose unchanged grids keep their codes */
  basedOn: z.number().int().positive().optional(),
});
export type PartitionRequest = z.infer<typeof partitionRequest>;

/** properties of a grid feature in GET /api/plans/:id/grids */
export interface GridProperties {
  code: string;
  kind: 'comprehensive' | 'dedicated' | 'micro';
  area_code: string;
  name: string | null;
  households: number;
  population: number;
  area_m2: number;
  /** 4πA/P², 1 for a circle */
  polsby_popper: number;
  target_min: number;
  target_max: number;
  /** households within [target_min, target_max] */
  in_range: boolean;
  /** micro-grids: the comprehensive or dedicated grid they subdivide */
  parent_grid_code: string | null;
}

import { z } from 'zod';
import { areaCode } from '../areas/areas.schema';
import { bboxParam } from '../http/validate';
import type { GridVersion, PlanVersion } from '../plans/versions';
import type { GridFigures } from './figures';

/** 15 digits: the community's 12-digit code and a 3-digit serial (001…, dedicated 901–999). */
export const gridCode = z.string().regex(/^[0-9]{15}$/, 'a grid code is 15 digits (community code + 3-digit serial)');

export const planIdParams = z.object({ id: z.coerce.number().int().positive() });

/** GET /api/plans/:id/units — the atomic units of a plan, for the client's paint tool. */
export const listUnitsQuery = z.object({
  grid: gridCode.optional().describe('only the units of this grid'),
  area: areaCode.optional().describe('only the units of this community'),
  bbox: bboxParam.optional().describe('minLng,minLat,maxLng,maxLat'),
});
export type ListUnitsQuery = z.infer<typeof listUnitsQuery>;

const position = z
  .array(z.number().finite())
  .min(2)
  .max(3)
  .refine(([lng, lat]) => lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90, 'a position is [lng, lat] within -180..180, -90..90');

/** A GeoJSON LineString in WGS84, [lng, lat] order. */
export const lineString = z.object({
  type: z.literal('LineString'),
  coordinates: z.array(position).min(2, 'a line needs at least two positions'), // at most MAX_VERTICES, checked by the route
});

export const moveUnitsEdit = z.object({
  op: z.literal('move_units'),
  /** ids from GET /api/plans/:id/units */
  unitIds: z.array(z.number().int().positive()).min(1, 'name at least one unit').max(10_000),
  /** the neighbouring grid of the same community the units are painted into */
  toGrid: gridCode,
});

export const splitEdit = z.object({
  op: z.literal('split'),
  grid: gridCode,
  /** drawn across the grid from edge to edge, cutting it into exactly two parts */
  line: lineString,
});

export const mergeEdit = z.object({
  op: z.literal('merge'),
  /** two grids of one community sharing a boundary; the lower code is kept */
  grids: z.tuple([gridCode, gridCode]).refine(([a, b]) => a !== b, 'the two grids must differ'),
});

/** POST /api/plans/:id/edits */
export const editRequest = z.discriminatedUnion('op', [moveUnitsEdit, splitEdit, mergeEdit]);
export type EditRequest = z.infer<typeof editRequest>;
export type EditOp = EditRequest['op'];

/** One entry of a plan's edit history. */
export interface EditSummary {
  seq: number;
  op: EditOp;
  /** the request as applied, with what the server resolved (source grids, new code, kept code) */
  args: Record<string, unknown>;
  undone: boolean;
  createdAt: string;
}

/** Answer of POST /api/plans/:id/edits, /undo and /redo. */
export interface EditResponse {
  edit: EditSummary;
  /** the grids touched, as they were before this request */
  before: GridFigures[];
  /** the grids touched, as they are now */
  after: GridFigures[];
  /** micro-grids deleted because their parent grid changed */
  microGridsRemoved: number;
  /** micro-grids brought back by an undo */
  microGridsRestored: number;
  /** the plan's new version (also the answer's ETag) and that of each grid written (`after`) */
  versions: { plan: PlanVersion; grids: GridVersion[] };
}

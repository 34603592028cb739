import { z } from 'zod';
import { areaCode } from '../areas/areas.schema';
import { GRID_KINDS } from '../db/migrations/001_core_schema';
import { bboxParam, choice, positiveId } from '../http/validate';

export const planIdParams = z.object({ id: positiveId('plan') });
export const gridParams = z.object({
  id: positiveId('plan'),
  code: z.string().regex(/^[0-9]{15}([0-9]{2})?$/, 'a grid code is 15 digits (17 for a micro-grid)'),
});
export const diffParams = z.object({ id: positiveId('plan'), other: positiveId('plan') });

export const listPlansQuery = z.object({
  layerId: positiveId('layer').optional().describe('only the plans of this grid layer'),
});
export type ListPlansQuery = z.infer<typeof listPlansQuery>;

export const planGridsQuery = z.object({
  kind: z.enum(GRID_KINDS).optional().describe(`only grids of this kind: ${GRID_KINDS.join(' | ')}`),
  area: areaCode.optional().describe('only grids whose area_code is this 12-digit code'),
  bbox: bboxParam.optional().describe('minLng,minLat,maxLng,maxLat: only grids whose bounding box meets it'),
});
export type PlanGridsQuery = z.infer<typeof planGridsQuery>;

export const DIFF_FORMATS = ['json', 'geojson'] as const;
export const diffQuery = z.object({
  format: choice('format', DIFF_FORMATS).default('json')
    .describe('json: codes and household moves; geojson: the changed grids as features with a `change` property'),
});

export const topologyQuery = z.object({
  area: areaCode.optional().describe('only issues in this area (a community, or a street or district and everything in it)'),
});
export type TopologyQuery = z.infer<typeof topologyQuery>;

export type PlanStatus = 'draft' | 'published' | 'archived';

/** One plan in GET /api/plans. */
export interface PlanSummary {
  id: number;
  /** raised by every change to the plan or its grids; the plan's ETag (`etag`) names it */
  version: number;
  etag: string;
  layer_id: number;
  layer_name: string;
  layer_kind: string;
  name: string;
  status: PlanStatus;
  area_code: string | null;
  based_on: number | null;
  created_at: string;
  published_at: string | null;
  /** grids per kind; kinds the plan has none of are left out */
  grid_counts: Record<string, number>;
  /** over the grids that tile the area (every kind but micro, which subdivide them) */
  households: number;
  population: number;
}

/** GET /api/plans/:id: the summary plus how the plan was made and how well it fits its targets. */
export interface PlanDetail extends PlanSummary {
  params: Record<string, unknown>;
  /** area of the grids that tile the area (every kind but micro), m² */
  area_m2: number;
  comprehensive: {
    count: number;
    /** grids whose households lie within [target_min, target_max] */
    in_range: number;
    /** in_range / count; null for a plan without comprehensive grids */
    in_range_share: number | null;
    min_households: number | null;
    max_households: number | null;
    mean_households: number | null;
  };
}

export interface PublishResult {
  plan: PlanDetail;
  /** the plan that was published before and is now archived, if any */
  archived: number[];
}

export interface GridMove {
  from: string | null;
  to: string | null;
  households: number;
  population: number;
  points: number;
}

/** GET /api/plans/:id/diff/:other: what changes from plan `from` to plan `to`. */
export interface PlanDiff {
  from: number;
  to: number;
  added: string[];
  removed: string[];
  /** same code, symmetric difference > 1 m²; areaChangeM2 = area in `to` − area in `from` */
  reshaped: { code: string; areaChangeM2: number; symDiffM2: number }[];
  unchanged: number;
  moves: GridMove[];
}

export const TOPOLOGY_TYPES = ['gap', 'overlap', 'sliver', 'multipart', 'outside_parent', 'across_parent', 'out_of_range'] as const;
export type TopologyType = (typeof TOPOLOGY_TYPES)[number];
export type Severity = 'error' | 'warning' | 'info';

export interface TopologyIssue {
  type: TopologyType;
  severity: Severity;
  /** the grids involved; empty for a gap in a community that no grid touches */
  gridCodes: string[];
  /** the community (or other area) the problem belongs to */
  areaCode: string | null;
  /** area of the problem geometry (gap, overlap, part outside), m² */
  areaM2?: number;
  /** households at address points inside the problem geometry, or of the grid (out_of_range) */
  households?: number;
  /** a point on the problem geometry, [lng, lat] */
  location: [number, number];
  bbox: [number, number, number, number];
  message: string;
  /** sliver: what is thin (a grid, a gap part or an overlap) */
  of?: 'grid' | 'gap' | 'overlap';
  /** across_parent: the community the grid reaches into */
  intoAreaCode?: string;
  /** micro-grid checks: the grid whose micro-grids are checked */
  parentGridCode?: string;
}

export interface TopologyReport {
  planId: number;
  area: string | null;
  counts: Record<TopologyType, number>;
  issues: TopologyIssue[];
}

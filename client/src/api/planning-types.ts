import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { z } from 'zod';
import type { GridProperties, partitionRequest } from '../../../server/planning/planning.schema';

// The server's schema modules are the contract; only their types reach the client bundle.
export type { EditRequest, EditResponse } from '../../../server/editing/editing.schema';
export type { GridFigures } from '../../../server/editing/figures';
export type { JobView } from '../../../server/jobs/job-registry';
export type { PartitionResult } from '../../../server/partition/partition.service';
export type { GridProperties, HouseholdRange } from '../../../server/planning/planning.schema';
export type { ExportFormat } from '../../../server/export/export.schema';
export type {
  PlanDetail, PlanDiff, PlanSummary, PublishResult, TopologyIssue, TopologyReport,
} from '../../../server/plans/plans.schema';

/** The body of POST /api/planning/partition, before the server fills in its defaults. */
export type PartitionRequest = z.input<typeof partitionRequest>;

export type GridCollection = FeatureCollection<Polygon | MultiPolygon, GridProperties>;

/** GET /api/plans/:id/units: the atomic units a plan's grids are made of. */
export interface UnitProperties {
  id: number;
  grid_code: string;
  area_code: string;
  households: number;
  population: number;
}

export type UnitCollection = FeatureCollection<Polygon | MultiPolygon, UnitProperties>;

/** GET /api/plans/:id/edits, the part the client reads. */
export interface EditHistory {
  canUndo: boolean;
  canRedo: boolean;
}

export type GridChange = 'added' | 'removed' | 'reshaped';

/** GET /api/plans/:a/diff/:b?format=geojson: the grids that differ, each with its `change`. */
export type DiffCollection = FeatureCollection<Polygon | MultiPolygon, { code: string; kind: string; change: GridChange }>;

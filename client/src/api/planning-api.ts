import { getJson, postJson } from './http';
import type {
  DiffCollection,
  EditHistory,
  EditRequest,
  EditResponse,
  ExportFormat,
  GridCollection,
  GridProperties,
  JobView,
  PartitionRequest,
  PlanDetail,
  PlanDiff,
  PlanSummary,
  PublishResult,
  TopologyReport,
  UnitCollection,
} from './planning-types';

/** Starts partitioning an area into a draft plan; the job answers how far it got. */
export const startPartition = (request: PartitionRequest): Promise<JobView> =>
  postJson('/api/planning/partition', request);

export const fetchJob = (id: string): Promise<JobView> => getJson(`/api/jobs/${encodeURIComponent(id)}`);

export const cancelJob = (id: string): Promise<JobView> => postJson(`/api/jobs/${encodeURIComponent(id)}/cancel`);

export const fetchPlans = (layerId: number): Promise<PlanSummary[]> => getJson(`/api/plans?layerId=${layerId}`);

export const fetchPlan = (planId: number): Promise<PlanDetail> => getJson(`/api/plans/${planId}`);

export const fetchPlanGrids = (planId: number, kind?: GridProperties['kind']): Promise<GridCollection> =>
  getJson(`/api/plans/${planId}/grids${kind ? `?kind=${kind}` : ''}`);

/** The grids that tile a plan's area: comprehensive and dedicated, without the micro-grids inside them. */
export async function fetchTilingGrids(planId: number): Promise<GridCollection> {
  const parts = await Promise.all([fetchPlanGrids(planId, 'comprehensive'), fetchPlanGrids(planId, 'dedicated')]);
  return { type: 'FeatureCollection', features: parts.flatMap((part) => part.features) };
}

export const fetchTopology = (planId: number): Promise<TopologyReport> => getJson(`/api/plans/${planId}/topology`);

export const fetchUnits = (planId: number): Promise<UnitCollection> => getJson(`/api/plans/${planId}/units`);

export const fetchEditHistory = (planId: number): Promise<EditHistory> => getJson(`/api/plans/${planId}/edits`);

// Writes of a plan send its ETag (PlanDetail.etag): a 409 stale_version if it changed since.
export const postEdit = (planId: number, edit: EditRequest, etag: string): Promise<EditResponse> =>
  postJson(`/api/plans/${planId}/edits`, edit, undefined, etag);

export const undoEdit = (planId: number, etag: string): Promise<EditResponse> =>
  postJson(`/api/plans/${planId}/undo`, undefined, undefined, etag);

export const redoEdit = (planId: number, etag: string): Promise<EditResponse> =>
  postJson(`/api/plans/${planId}/redo`, undefined, undefined, etag);

export const publishPlan = (planId: number, etag: string): Promise<PublishResult> =>
  postJson(`/api/plans/${planId}/publish`, undefined, undefined, etag);

export const fetchPlanDiff = (fromPlan: number, toPlan: number): Promise<PlanDiff> =>
  getJson(`/api/plans/${fromPlan}/diff/${toPlan}`);

export const fetchPlanDiffGeojson = (fromPlan: number, toPlan: number): Promise<DiffCollection> =>
  getJson(`/api/plans/${fromPlan}/diff/${toPlan}?format=geojson`);

export const planExportUrl = (planId: number, format: ExportFormat): string =>
  `/api/plans/${planId}/export?format=${format}`;

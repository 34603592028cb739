import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { getAllFeatures, getJson } from './http';
import type { PlanSummary } from './planning-types';

/** One row of GET /api/layers: a grid layer with one of its plans (null plan fields: a layer without plans). */
interface LayerRow {
  id: number;
  name: string;
  kind: string;
  plan_id: number | null;
  plan_name: string | null;
  status: PlanSummary['status'] | null;
  grids: number;
}

/** A plan with the layer it belongs to, as plan pickers list them. */
export interface LayerPlan {
  layerId: number;
  layerName: string;
  layerKind: string;
  planId: number;
  planName: string;
  status: PlanSummary['status'];
  /** grids of every kind, micro-grids included */
  grids: number;
}

/** Every plan of every grid layer, in layer then plan order. */
export async function fetchLayerPlans(): Promise<LayerPlan[]> {
  const rows = await getJson<LayerRow[]>('/api/layers');
  return rows.flatMap((row) =>
    row.plan_id === null || row.plan_name === null || row.status === null
      ? []
      : [{ layerId: row.id, layerName: row.name, layerKind: row.kind, planId: row.plan_id, planName: row.plan_name, status: row.status, grids: row.grids }],
  );
}

/**
 * The comprehensive plan that counts for everyone else (exposure, alignment): the published plan
 * of a comprehensive layer, the newest if several layers have one.
 */
export function publishedComprehensivePlan(plans: LayerPlan[]): LayerPlan | undefined {
  return plans.filter((plan) => plan.layerKind === 'comprehensive' && plan.status === 'published').at(-1);
}

/** Properties of GET /api/layers/:id/grids; `properties` holds the imported extra fields (e.g. station, officer). */
export interface LayerGridProperties {
  code: string;
  kind: string;
  name: string | null;
  area_code: string | null;
  plan_id: number;
  properties: Record<string, unknown>;
}

export type LayerGridCollection = FeatureCollection<Polygon | MultiPolygon, LayerGridProperties>;

/** Every grid of one plan of a layer. */
export const fetchLayerGrids = (layerId: number, planId: number): Promise<LayerGridCollection> =>
  getAllFeatures(`/api/layers/${layerId}/grids`, new URLSearchParams({ plan: String(planId) }));

import type {
  HazardCollection,
  HazardExposure,
  Reach,
  ReachQuery,
  ResponsePointCollection,
  WhatIfExposure,
} from './emergency-types';
import { getJson, postJson } from './http';

export const fetchHazards = (): Promise<HazardCollection> => getJson('/api/hazards');

/** Exposure of a hazard source; `ringsM` (ascending metres) replaces its type's rings. */
export function fetchHazardExposure(id: number, ringsM?: number[], signal?: AbortSignal): Promise<HazardExposure> {
  const query = ringsM ? `?ringsM=${ringsM.join(',')}` : '';
  return getJson(`/api/hazards/${id}/exposure${query}`, signal);
}

/** Exposure of a hazard placed at a point, within one radius in metres. */
export const postWhatIf = (lngLat: [number, number], radiusM: number, signal?: AbortSignal): Promise<WhatIfExposure> =>
  postJson('/api/hazards/what-if', { lng: lngLat[0], lat: lngLat[1], radiusM }, signal);

export const fetchResponsePoints = (): Promise<ResponsePointCollection> => getJson('/api/response-points');

export function fetchReach({ minutes, mode, speedKmh, plan }: ReachQuery, signal?: AbortSignal): Promise<Reach> {
  const params = new URLSearchParams({ minutes: minutes.join(','), mode });
  if (speedKmh !== undefined) params.set('speedKmh', String(speedKmh));
  if (plan !== undefined) params.set('plan', String(plan));
  return getJson(`/api/reach?${params}`, signal);
}

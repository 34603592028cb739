import { getAllFeatures, getJson } from './http';
import type {
  AreaCollection,
  AreaDetail,
  AreaLabelCollection,
  AreaLevel,
  ClientConfig,
  HealthStatus,
  TileSourceInfo,
} from './types';

export const fetchHealth = (): Promise<HealthStatus> => getJson('/api/health');

export const fetchClientConfig = (): Promise<ClientConfig> => getJson('/api/client-config');

export const fetchTileSources = (): Promise<TileSourceInfo[]> => getJson('/api/sources');

export const fetchArea = (code: string, signal?: AbortSignal): Promise<AreaDetail> =>
  getJson(`/api/areas/${encodeURIComponent(code)}`, signal);

export interface AreaQuery {
  level: AreaLevel;
  parent?: string;
}

/** Every area of a level with its full geometry, fetched page by page. */
export const fetchAreas = (query: AreaQuery): Promise<AreaCollection> => fetchAllPages(query, false);

const labelRequests = new Map<string, Promise<AreaLabelCollection>>();

/**
 * Every area of a level as a label point (a point on its surface). Areas do not change while
 * the page is open, so the map labels and the planner's area lists share one request per query.
 */
export function fetchAreaLabels(query: AreaQuery): Promise<AreaLabelCollection> {
  const key = `${query.level}|${query.parent ?? ''}`;
  let request = labelRequests.get(key);
  if (!request) {
    request = fetchAllPages(query, true) as Promise<AreaLabelCollection>;
    request.catch(() => labelRequests.delete(key)); // a failed request may be retried
    labelRequests.set(key, request);
  }
  return request;
}

function fetchAllPages({ level, parent }: AreaQuery, asLabels: boolean): Promise<AreaCollection> {
  const params = new URLSearchParams({ level });
  if (parent) params.set('parent', parent);
  if (asLabels) params.set('geometry', 'label');
  return getAllFeatures('/api/areas', params);
}

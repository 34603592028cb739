import type { Feature, FeatureCollection } from 'geojson';

/** A failed API call: the HTTP status and, when the server sent one, its stable error code. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** GETs a same-origin JSON resource; a non-2xx answer becomes an ApiError. */
export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { headers: { accept: 'application/json' }, signal });
}

/** Whether a request failed because the resource changed since its ETag was read (409 stale_version). */
export const isStaleVersion = (error: unknown): boolean => error instanceof ApiError && error.code === 'stale_version';

/**
 * POSTs `body` (if any) as JSON to a same-origin resource and reads the JSON answer; `ifMatch`,
 * an ETag read earlier, makes the server refuse the write if the resource changed since.
 */
export function postJson<T>(path: string, body?: unknown, signal?: AbortSignal, ifMatch?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (ifMatch !== undefined) headers['if-match'] = ifMatch;
  return requestJson<T>(path, {
    method: 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
}

/** The largest page the server's paged GeoJSON routes answer. */
const PAGE_SIZE = 1000;

/** GETs every page of a paged GeoJSON route (`limit` and `offset` added to `params`) as one collection. */
export async function getAllFeatures<C extends FeatureCollection>(path: string, params: URLSearchParams): Promise<C> {
  const features: Feature[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const query = new URLSearchParams(params);
    query.set('limit', String(PAGE_SIZE));
    query.set('offset', String(offset));
    const page = await getJson<FeatureCollection>(`${path}?${query}`);
    features.push(...page.features);
    if (page.features.length < PAGE_SIZE) return { type: 'FeatureCollection', features } as C;
  }
}

async function requestJson<T>(path: string, init: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as ErrorBody;
    throw new ApiError(
      response.status,
      body.error?.code ?? `http_${response.status}`,
      body.error?.message ?? `${response.status} ${response.statusText} (${path})`,
    );
  }
  return (await response.json()) as T;
}

import type { Feature, FeatureCollection } from 'geojson';
import { t } from '../i18n';

/** A failed API call: the HTTP status and, when the server sent one, its stable error code and details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** Whether a request was refused for want of a session (401) or of a permission or area (403). */
export const isAccessDenied = (error: unknown): error is ApiError =>
  error instanceof ApiError && (error.status === 401 || error.status === 403);

/**
 * Told of every 401 and 403 answer outside /api/auth/: the app sends the user back to the sign-in
 * page on a 401 (the session ended) and shows a notice on a 403, whatever the caller does with it.
 */
type AccessListener = (error: ApiError) => void;
const accessListeners = new Set<AccessListener>();

export function onAccessDenied(listener: AccessListener): () => void {
  accessListeners.add(listener);
  return () => accessListeners.delete(listener);
}

/** Reports a 401 or 403 met outside these helpers (a map tile) to the same listeners. */
export function reportAccessDenied(error: ApiError): void {
  for (const listener of accessListeners) listener(error);
}

/**
 * The message shown for a 401 or 403: the session ended; the permission named by the server is
 * missing; the area is outside the user's own. Other answers keep the server's message.
 */
function messageOf(status: number, code: string, body: ErrorBody, path: string, statusText: string): string {
  const serverMessage = body.error?.message ?? `${status} ${statusText} (${path})`;
  if (status === 401 && code === 'unauthenticated') return t('auth.error.sessionEnded');
  if (status === 403 && code === 'forbidden') {
    const permission = (body.error?.details as { permission?: string } | undefined)?.permission ?? '?';
    return t('auth.error.forbidden', { permission });
  }
  if (status === 403 && code === 'out_of_scope') return t('auth.error.outOfScope', { message: serverMessage });
  return serverMessage;
}

/** GETs a same-origin JSON resource; a non-2xx answer becomes an ApiError (204 No Content: undefined). */
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
    const code = body.error?.code ?? `http_${response.status}`;
    const error = new ApiError(response.status, code, messageOf(response.status, code, body, path, response.statusText), body.error?.details);
    // Signing in answers 401 for a wrong password and /api/auth/me for "not signed in": the caller handles those.
    if (isAccessDenied(error) && !path.startsWith('/api/auth/')) reportAccessDenied(error);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

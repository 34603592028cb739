import type { serveApp } from '../helpers/http';

type Http = Awaited<ReturnType<typeof serveApp>>;

/** JSON in, status, ETag and JSON out; `ifMatch` is sent as the If-Match header. */
export function client(http: Http) {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, ifMatch?: string) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    const res = await fetch(http.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, type: res.headers.get('content-type'), etag: res.headers.get('etag'), body: (await res.json()) as any };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown, ifMatch?: string) => call('POST', path, body, ifMatch),
    edit: (planId: number, body: unknown, ifMatch?: string) => call('POST', `/api/plans/${planId}/edits`, body, ifMatch),
    undo: (planId: number, ifMatch?: string) => call('POST', `/api/plans/${planId}/undo`, undefined, ifMatch),
    redo: (planId: number, ifMatch?: string) => call('POST', `/api/plans/${planId}/redo`, undefined, ifMatch),
  };
}

/** The figures of `code` in an edit answer's before/after list. */
export const fig = (list: { code: string }[], code: string) => list.find((g) => g.code === code) as any;

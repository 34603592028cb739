import type { serveApp } from '../helpers/http';

type Http = Awaited<ReturnType<typeof serveApp>>;

/** JSON in, status and JSON out. */
export function client(http: Http) {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(http.url(path), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    edit: (planId: number, body: unknown) => call('POST', `/api/plans/${planId}/edits`, body),
    undo: (planId: number) => call('POST', `/api/plans/${planId}/undo`),
    redo: (planId: number) => call('POST', `/api/plans/${planId}/redo`),
  };
}

/** The figures of `code` in an edit answer's before/after list. */
export const fig = (list: { code: string }[], code: string) => list.find((g) => g.code === code) as any;

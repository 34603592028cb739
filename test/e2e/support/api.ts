/**
 * How long one API call of a test may take: overlaying a district's plans or writing a new one
 * takes seconds on the embedded database, minutes on a loaded machine.
 */
export const API_TIMEOUT_MS = 3 * 60_000;

let sessionCookie: string | undefined;

/** Sends this session cookie (`gridatlas_session=…`, from support/login signInApi) with every call from now on. */
export function useSessionCookie(cookie: string | undefined): void {
  sessionCookie = cookie;
}

/**
 * Calls the server under test (as the user signed in with signInApi, if any) and reads the JSON
 * answer, failing loudly on a non-2xx status or no answer in time.
 */
async function requestApi<T>(baseUrl: string, path: string, init?: RequestInit): Promise<T> {
  const method = init?.method ?? 'GET';
  const headers = new Headers(init?.headers);
  if (sessionCookie) headers.set('cookie', sessionCookie);
  try {
    const response = await fetch(`${baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(API_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`${method} ${path} did not answer within ${API_TIMEOUT_MS} ms`);
    throw error;
  }
}

export const getApi = <T>(baseUrl: string, path: string): Promise<T> => requestApi(baseUrl, path);

export const postApi = <T>(baseUrl: string, path: string, body: unknown): Promise<T> =>
  requestApi(baseUrl, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Calls the server under test and reads the JSON answer, failing loudly on a non-2xx status. */
async function requestApi<T>(baseUrl: string, path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export const getApi = <T>(baseUrl: string, path: string): Promise<T> => requestApi(baseUrl, path);

export const postApi = <T>(baseUrl: string, path: string, body: unknown): Promise<T> =>
  requestApi(baseUrl, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

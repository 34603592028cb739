/** A failed API call: the HTTP status and, when the server sent one, its stable error code. */
export class ApiError extends Error {
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
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, signal });
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

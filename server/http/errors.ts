import type { ErrorRequestHandler, Request, RequestHandler } from 'express';

/** An error meant for the client: HTTP status, stable machine code, human message, details, and headers to send with it. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
/** A 409: the request is well-formed but the state it acts on does not allow it. */
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);

/** "POST /api/events/bulk": the method and path of a request, for messages that name the route. */
export const routeOf = (req: Request) => `${req.method} ${req.originalUrl.split('?')[0]}`;

/** PostgreSQL cancelled the statement because it ran past `statement_timeout` (SQLSTATE 57014). */
const isStatementTimeout = (err: unknown) =>
  (err as { code?: unknown })?.code === '57014' && /statement timeout/.test(String((err as Error).message));

/** Wraps an async handler so rejections reach the error middleware. */
export const route =
  (fn: (...a: Parameters<RequestHandler>) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res, next).catch(next);
  };

/**
 * PostgreSQL's deadlock_detected and serialization_failure: two transactions collided and one
 * was rolled back whole, so the request can simply be sent again.
 */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/**
 * The one error middleware: AppErrors as JSON, a statement cancelled by STATEMENT_TIMEOUT_MS as a
 * 503, anything else as a 500 with no internals (no stack, no SQL; those go to the server log).
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (isStatementTimeout(err)) {
    const message = `${routeOf(req)} ran a database query past the statement timeout (STATEMENT_TIMEOUT_MS): the query was cancelled and a write in progress rolled back. Narrow the request (bbox, time range, page size) or try again later`;
    res.status(503).json({ error: { code: 'query_timeout', message } });
    return;
  }
  if (RETRYABLE_SQLSTATES.has(err?.code)) {
    res.status(409).json({ error: { code: 'concurrent_update', message: 'another request changed the same rows at the same time; nothing was changed, send the request again' } });
    return;
  }
  if (err instanceof AppError) {
    if (err.headers) res.set(err.headers);
    res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
    return;
  }
  // body-parser style errors carry their own 4xx status
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) console.error(err);
  const message = status === 500 ? 'internal error' : String(err.message ?? 'bad request');
  res.status(status).json({ error: { code: status === 500 ? 'internal' : 'bad_request', message } });
};

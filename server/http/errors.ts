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

/**
 * SQLSTATEs of a database that is going away, not there yet, or full: connection exceptions
 * (class 08), admin_shutdown, crash_shutdown, cannot_connect_now (57P01–57P03: a restart
 * terminates every session, and refuses new ones while it shuts down and starts up),
 * too_many_connections (53300).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Socket errors of a connection to the database that was refused, reset or never answered. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * node-postgres and knex say it in words only: a connection closed under a query, a connect
 * timeout, no free connection in time. Knex puts the SQL before a failed query's message
 * (`select … - Connection terminated unexpectedly`).
 */
const UNAVAILABLE_MESSAGE = /(^| - )(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|Connection ended unexpectedly|timeout expired|Knex: Timeout acquiring a connection)/;

/**
 * The database could not be reached or dropped the connection (PostgreSQL restarting, stopped,
 * out of connections): nothing was written, and the same request can succeed once it is back.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; name?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_SOCKET_CODES.has(e.code))) return true;
  if (e.name === 'KnexTimeoutError' || (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message))) return true;
  // connecting to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with all of them
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isDatabaseUnavailable);
}

/** Seconds a client is told to wait (Retry-After) before sending a request the database could not serve again. */
export const DATABASE_RETRY_AFTER_S = 5;

let unavailableLogged = 0;
let unavailableSince = 0;
/** One log line per second at most while the database is away, counting the requests in between. */
function logUnavailable(req: Request, err: unknown) {
  const now = Date.now();
  if (now - unavailableLogged < 1000) { unavailableSince++; return; }
  const more = unavailableSince ? ` (and ${unavailableSince} more request(s) since the last line)` : '';
  console.error(`database unavailable: ${routeOf(req)}: ${(err as Error)?.message ?? String(err)}${more}`);
  unavailableLogged = now;
  unavailableSince = 0;
}

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
 * 503, a database that cannot be reached (restarting, stopped) as a 503 database_unavailable with
 * Retry-After, anything else as a 500 with no internals (no stack, no SQL; those go to the server log).
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (isDatabaseUnavailable(err)) {
    logUnavailable(req, err);
    const message = `${routeOf(req)} could not reach the database (it may be restarting); send the request again in a few seconds`;
    res.status(503).set('Retry-After', String(DATABASE_RETRY_AFTER_S)).json({ error: { code: 'database_unavailable', message } });
    return;
  }
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

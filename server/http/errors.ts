import type { ErrorRequestHandler, RequestHandler } from 'express';

/** An error meant for the client: HTTP status, stable machine code, human message, details. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
/** A 409: the request is well-formed but the state it acts on does not allow it. */
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);

/** Wraps an async handler so rejections reach the error middleware. */
export const route =
  (fn: (...a: Parameters<RequestHandler>) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res, next).catch(next);
  };

/** The one error middleware: AppErrors as JSON, anything else as a 500 with no internals. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof AppError) {
    res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
    return;
  }
  // body-parser style errors carry their own 4xx status
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) console.error(err);
  const message = status === 500 ? 'internal error' : String(err.message ?? 'bad request');
  res.status(status).json({ error: { code: status === 500 ? 'internal' : 'bad_request', message } });
};

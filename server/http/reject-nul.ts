import type { RequestHandler } from 'express';
import { badRequest } from './errors';

/**
 * A URL holding a NUL character (`%00`, in the path or the query) is a 400: no text column can
 * store U+0000, so a parameter carrying one would otherwise fail in the database as a 500.
 */
export const rejectNulInUrl: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.search(/%00/i);
  next(at < 0 ? undefined : badRequest('nul_in_url', `the URL holds a NUL character (%00) at position ${at}; no parameter may contain one`, { position: at }));
};

import express, { type Request, type RequestHandler } from 'express';
import { Readable } from 'node:stream';
import { AppError, routeOf } from './errors';

const MiB = 1024 * 1024;

/**
 * Parses a JSON body of at most `limitMiB` (JSON_LIMIT_MB). A larger one is a 413 naming the
 * route and the limit: "the JSON body of POST /api/events exceeds the 2 MiB limit (JSON_LIMIT_MB)".
 */
export function jsonBody(limitMiB: number): RequestHandler {
  const parse = express.json({ limit: Math.floor(limitMiB * MiB) });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(new AppError(413, 'body_too_large', `the JSON body of ${routeOf(req)} exceeds the ${limitMiB} MiB limit (JSON_LIMIT_MB)`, { limitMiB }));
      }
      next(err);
    });
}

/**
 * The request body as a stream that fails with a 413 once more than `limitMiB` has arrived (a
 * declared Content-Length over it fails at once, and the body is dropped unread). The request flows only
 * while the stream is read, so the failure always reaches its reader. The request itself is never
 * destroyed: once the stream is destroyed (by the limit, or by the route when its reader stopped
 * early) the rest of the body is read and dropped, so the client gets the answer.
 */
export function limitedBody(req: Request, limitMiB: number, key: string): Readable {
  const limitBytes = limitMiB * MiB;
  const tooLarge = () => new AppError(413, 'body_too_large', `the body of ${routeOf(req)} exceeds the ${limitMiB} MiB limit (${key}); nothing was written`, { limitMiB });
  if (Number(req.headers['content-length']) > limitBytes) {
    req.resume(); // drop the body unread
    throw tooLarge();
  }
  let size = 0;
  const body = new Readable({ read: () => void req.resume() });
  req.on('data', (chunk: Buffer) => {
    if (body.destroyed) return;
    size += chunk.length;
    if (size > limitBytes) body.destroy(tooLarge());
    else if (!body.push(chunk)) req.pause();
  });
  req.pause(); // until the reader asks
  req.on('end', () => body.push(null));
  req.on('error', (e) => body.destroy(e));
  return body;
}

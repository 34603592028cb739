import type { Request, RequestHandler } from 'express';
import { AppError } from './errors';

/** Whom a request is counted against. */
export type RateLimitKey = (req: Request) => string;

/** The client's address (behind TRUST_PROXY proxies, from X-Forwarded-For). */
export const clientAddress: RateLimitKey = (req) => `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

/** The signed-in user or the token ("user:42", "token:7"); callers without credentials by address. */
export const callerKey: RateLimitKey = (req) => (req.principal ? `${req.principal.kind}:${req.principal.id}` : clientAddress(req));

interface Bucket { tokens: number; at: number }

/**
 * A token bucket per key, in memory: it holds `perMinute` requests and refills at `perMinute`
 * a minute, so a burst of a minute's worth passes at once (a map load) and a steady client gets
 * `perMinute`. A request finding the bucket empty is a 429 with Retry-After in whole seconds.
 * Buckets idle long enough to be full again are dropped once a minute, so memory follows the
 * number of recent clients.
 */
export function rateLimit(opts: { perMinute: number; key?: RateLimitKey; now?: () => number }): RequestHandler {
  const { perMinute, key = callerKey, now = Date.now } = opts;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  let swept = now();
  const sweep = (t: number) => {
    for (const [k, b] of buckets) if (b.tokens + (t - b.at) * perMs >= perMinute) buckets.delete(k);
    swept = t;
  };
  return (req, _res, next) => {
    const t = now();
    if (t - swept >= 60_000) sweep(t);
    const k = key(req);
    const b = buckets.get(k) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
    b.at = t;
    buckets.set(k, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return next();
    }
    const retryAfterS = Math.ceil((1 - b.tokens) / perMs / 1000);
    next(new AppError(429, 'rate_limited', `too many requests: this client may send ${perMinute} per minute (RATE_LIMIT_PER_MINUTE); retry after ${retryAfterS} s`,
      { perMinute, retryAfterS }, { 'Retry-After': String(retryAfterS) }));
  };
}

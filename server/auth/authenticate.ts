import type { Knex } from 'knex';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../http/errors';
import { setActor } from '../http/request-context';
import { actorName, type Principal } from './principal';
import { tokenPrincipal } from './tokens.repo';
import { SESSION_COOKIE, sessionPrincipal } from './users.repo';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const bearerOf = (req: Request) => /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];

/**
 * Finds who sends each request: an API token (`Authorization: Bearer gat_…`) or a session
 * cookie; neither leaves `req.principal` null (the router answers 401 where a permission is
 * needed). Lookups are cached for `cacheMs`: a logout, revocation or account change made through
 * this process clears the cache at once (`forget`); one made by another process (the CLI) takes
 * effect within `cacheMs`.
 */
export function authenticator(knex: Knex, cacheMs = 10_000) {
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  const lookup = async (key: string, find: () => Promise<Principal | null>) => {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.principal;
    const principal = await find();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { principal, until: Date.now() + cacheMs });
    return principal;
  };

  const middleware: RequestHandler = async (req, _res, next) => {
    try {
      const bearer = bearerOf(req);
      if (bearer) {
        req.principal = await lookup(`t:${bearer}`, () => tokenPrincipal(knex, bearer));
        if (!req.principal) throw new AppError(401, 'invalid_token', 'the API token sent (Authorization: Bearer …) is unknown, revoked or expired');
      } else {
        const session = cookieValue(req, SESSION_COOKIE);
        req.principal = session ? await lookup(`s:${session}`, () => sessionPrincipal(knex, session)) : null;
        // a cookie rides along on requests other sites make; writes must come from our own pages
        if (req.principal && !SAFE_METHODS.has(req.method) && ['cross-site', 'same-site'].includes(req.get('sec-fetch-site') ?? '')) {
          throw new AppError(403, 'cross_site_request', 'a request from another site cannot change anything with this session');
        }
      }
      if (req.principal) setActor(actorName(req.principal));
      next();
    } catch (e) {
      next(e);
    }
  };
  return { middleware, forget: () => cache.clear() };
}

export type Authenticator = ReturnType<typeof authenticator>;

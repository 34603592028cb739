import { Router, type RequestHandler } from 'express';
import type { z } from 'zod';
import { PERMISSIONS, type Permission } from '../auth/roles';
import { AppError, route } from './errors';

/** What the OpenAPI document says of one route; every API route is declared with one. */
export interface RouteDoc {
  method: 'get' | 'post' | 'patch';
  /** path relative to the router's mount point, Express syntax (`/areas/:code`) */
  path: string;
  summary: string;
  tag: string;
  /**
   * The permission the caller needs, checked before the handler runs; 'public' routes answer
   * anyone. Which areas the caller may touch is the repositories' business (the caller's scope).
   */
  access: Permission | 'public';
  query?: z.ZodObject;
  /** request body media types, for uploads */
  body?: string[];
  /** response media type of the 200/201 answer */
  produces?: string;
  status?: number;
  /** what the optional If-Match request header takes, on writes with optimistic locking */
  ifMatch?: string;
  /** what the ETag header of the 200/201 answer identifies */
  etag?: string;
}

export interface RegisteredRoute extends RouteDoc {
  /** full public path, Express syntax */
  fullPath: string;
}

const registry = new Map<string, RegisteredRoute>();

/** All routes declared so far, in declaration order. */
export const registeredRoutes = (): RegisteredRoute[] => [...registry.values()];

/**
 * A Router whose routes are declared with their documentation, so the OpenAPI document is
 * built from the same table that serves requests and cannot miss a route.
 */
export function apiRouter(mount: string) {
  const router = Router();
  const add = (doc: RouteDoc, handler: Parameters<typeof route>[0]) => {
    const fullPath = mount + doc.path;
    registry.set(`${doc.method} ${fullPath}`, { ...doc, fullPath });
    router[doc.method](doc.path, permitted(doc.access), route(handler) as RequestHandler);
  };
  return { router, add };
}

const unauthenticated = () =>
  new AppError(401, 'unauthenticated', 'sign in first (POST /api/auth/login) or send an API token (Authorization: Bearer …)');

/** 401 without credentials, 403 when the caller's role (or token) lacks the permission. */
function permitted(access: Permission | 'public'): RequestHandler {
  return (req, _res, next) => {
    if (access === 'public') return next();
    const p = req.principal;
    if (!p) return next(unauthenticated());
    if (!p.permissions.has(access)) {
      return next(new AppError(403, 'forbidden', `${p.kind} '${p.name}' (role ${p.role}) may not ${req.method} ${req.baseUrl}${req.path}: it needs the permission '${access}' (${PERMISSIONS[access]})`,
        { permission: access, role: p.role }));
    }
    next();
  };
}

/**
 * Stops callers without credentials before any body is read or parsed, except on public
 * routes (sign-in, health, the client's configuration, the API description).
 */
export const signedInOrPublic: RequestHandler = (req, _res, next) => {
  if (req.principal) return next();
  const method = req.method === 'HEAD' ? 'get' : req.method.toLowerCase();
  const doc = registry.get(`${method} ${req.baseUrl}${req.path}`);
  next(doc?.access === 'public' ? undefined : unauthenticated());
};

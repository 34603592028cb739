import { Router, type RequestHandler } from 'express';
import type { z } from 'zod';
import { route } from './errors';

/** What the OpenAPI document says of one route; every API route is declared with one. */
export interface RouteDoc {
  method: 'get' | 'post' | 'patch';
  /** path relative to the router's mount point, Express syntax (`/areas/:code`) */
  path: string;
  summary: string;
  tag: string;
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
    router[doc.method](doc.path, route(handler) as RequestHandler);
  };
  return { router, add };
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Who is acting and under which request id: what the audit trail records with each change. */
export interface RequestContext {
  requestId: string | null;
  /** 'user:alice', 'token:7:hotline', 'cli:import', 'system:seed' */
  actor: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the work in progress; outside any request or CLI run, the service itself. */
export const currentContext = (): RequestContext => storage.getStore() ?? { requestId: null, actor: 'system' };

/** Runs `fn` (a CLI command, a seeding) as `actor`. */
export const runAs = <T>(actor: string, fn: () => Promise<T>): Promise<T> => storage.run({ requestId: null, actor }, fn);

// a caller's X-Request-Id is kept when it is a plain token, so a gateway's id follows the change into the audit trail
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives each request an id (the caller's X-Request-Id or a new UUID), echoed in the answer, and a context to carry it. */
export const requestContext: RequestHandler = (req, res, next) => {
  const given = req.get('X-Request-Id');
  const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.set('X-Request-Id', requestId);
  storage.run({ requestId, actor: 'anonymous' }, next);
};

/** Names the actor of the current request once it is authenticated. */
export const setActor = (actor: string) => {
  const ctx = storage.getStore();
  if (ctx) ctx.actor = actor;
};

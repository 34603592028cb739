import type { Request } from 'express';
import { principalOf } from '../auth/principal';
import type { JobOwner, JobViewer } from './job-registry';

/**
 * The caller's own jobs; an admin's also those of the users and tokens in its scope (every job
 * for an admin of every area). Someone else's job is a 404, as a missing one.
 */
export function jobViewer(req: Request): JobViewer {
  const p = principalOf(req);
  return { owner: jobOwner(req).id, ...(p.role === 'admin' && { ownersIn: p.scope }) };
}

/** Who a job started by this request belongs to: `user:<id>` or `token:<id>`, and its area. */
export function jobOwner(req: Request): JobOwner {
  const p = principalOf(req);
  return { id: `${p.kind}:${p.id}`, areaCode: p.scope.areaCode };
}

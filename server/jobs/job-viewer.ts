import type { Request } from 'express';
import { principalOf } from '../auth/principal';
import type { JobViewer } from './job-registry';

/** The caller's own jobs; an admin's: every job. Someone else's job is a 404, as a missing one. */
export function jobViewer(req: Request): JobViewer {
  const p = principalOf(req);
  return { owner: jobOwner(req), all: p.role === 'admin' };
}

/** Who a job started by this request belongs to: `user:<id>` or `token:<id>`. */
export function jobOwner(req: Request): string {
  const p = principalOf(req);
  return `${p.kind}:${p.id}`;
}

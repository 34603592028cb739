import type { Request } from 'express';
import { AppError } from '../http/errors';
import { ROLE_PERMISSIONS, type Permission, type Role } from './roles';
import { scopeOf, type Scope } from './scope';

/** Who sends a request: a signed-in user or an API token, with its role, area scope and permissions. */
export interface Principal {
  kind: 'user' | 'token';
  id: number;
  name: string;
  role: Role;
  scope: Scope;
  permissions: ReadonlySet<Permission>;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** set by `authenticate`; null: no credentials were sent */
    principal?: Principal | null;
  }
}

export function makePrincipal(p: { kind: Principal['kind']; id: number; name: string; role: Role; areaCode: string | null; permissions?: readonly string[] | null }): Principal {
  const granted = ROLE_PERMISSIONS[p.role];
  const permissions = new Set(p.permissions ? granted.filter((g) => p.permissions!.includes(g)) : granted);
  return { kind: p.kind, id: p.id, name: p.name, role: p.role, scope: scopeOf(p.areaCode), permissions };
}

export const actorName = (p: Principal) => (p.kind === 'user' ? `user:${p.name}` : `token:${p.id}:${p.name}`);

export const can = (p: Principal | null | undefined, permission: Permission) => !!p?.permissions.has(permission);

/** The caller of a route that required a permission (the router has checked there is one). */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new AppError(401, 'unauthenticated', 'sign in first (POST /api/auth/login) or send an API token (Authorization: Bearer …)');
  return req.principal;
}

/** The caller's area scope. */
export const scopeOfRequest = (req: Request): Scope => principalOf(req).scope;

/** Whether the caller may see single events and small counts (events:read). */
export const seesDetails = (req: Request) => can(req.principal, 'events:read');

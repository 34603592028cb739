import { ApiError, getJson, postJson } from './http';
import type { AreaLevel } from './types';

/** The roles of server/auth/roles.ts. */
export type Role = 'admin' | 'planner' | 'police' | 'emergency' | 'commander' | 'viewer';

/** The permissions of server/auth/roles.ts; each API route needs one. */
export type Permission =
  | 'areas:read'
  | 'plans:edit'
  | 'data:import'
  | 'overlay:read'
  | 'overlay:edit'
  | 'hazards:read'
  | 'events:read'
  | 'events:write'
  | 'events:status'
  | 'risk:read'
  | 'jobs:read'
  | 'audit:read'
  | 'users:manage';

/** GET /api/auth/me: who is signed in, the area they are scoped to (null: every area) and what they may do. */
export interface SignedInUser {
  kind: 'user' | 'token';
  id: number;
  name: string;
  role: Role;
  area: { code: string; name: string | null; level: AreaLevel | null } | null;
  permissions: Permission[];
}

/** The signed-in user, or null when the server answers 401 (not signed in, or the session ended). */
export async function fetchMe(): Promise<SignedInUser | null> {
  try {
    return await getJson<SignedInUser>('/api/auth/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Opens a session (the server sets an HttpOnly cookie); a wrong name or password is a 401 invalid_credentials. */
export const signIn = (username: string, password: string): Promise<unknown> =>
  postJson('/api/auth/login', { username, password });

/** Ends the session of this browser's cookie. */
export const signOut = (): Promise<void> => postJson('/api/auth/logout');

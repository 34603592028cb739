import type { Permission, SignedInUser } from '../api/auth-api';
import type { ViewId } from './map-view';

let signedIn: SignedInUser | null = null;

/** Records who is signed in; the app is built for this user (another user reloads the page). */
export function setSignedIn(user: SignedInUser | null): void {
  signedIn = user;
}

export const signedInUser = (): SignedInUser | null => signedIn;

/**
 * Whether the signed-in user holds a permission. Controls it does not allow are not shown at all;
 * the server refuses their requests anyway (403), so this only spares the user a dead end.
 */
export const can = (permission: Permission): boolean => signedIn?.permissions.includes(permission) ?? false;

/**
 * The permissions each view needs: the planner's whole purpose is editing plans (partition and
 * follow its job, edit, publish), the police view reads overlay alignments, the emergency view
 * hazards, the risk view heatmaps. Finer controls inside a view check their own (accepting a
 * police proposal: overlay:edit).
 */
const VIEW_PERMISSIONS: Record<ViewId, Permission[]> = {
  browse: ['areas:read'],
  planner: ['plans:edit', 'jobs:read'],
  police: ['overlay:read'],
  emergency: ['hazards:read'],
  risk: ['risk:read'],
};

export const canOpenView = (view: ViewId): boolean => VIEW_PERMISSIONS[view].every(can);

/** Whether two answers of /api/auth/me describe the same user with the same role, area and permissions. */
export const sameAccess = (a: SignedInUser, b: SignedInUser): boolean =>
  a.kind === b.kind &&
  a.id === b.id &&
  a.role === b.role &&
  (a.area?.code ?? null) === (b.area?.code ?? null) &&
  [...a.permissions].sort().join() === [...b.permissions].sort().join();

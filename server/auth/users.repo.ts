import type { Knex } from 'knex';
import { AppError, conflict, notFound } from '../http/errors';
import { recordAudit } from '../audit/audit.repo';
import { hashPassword, verifyPassword, UNUSABLE_HASH } from './passwords';
import { makePrincipal, type Principal } from './principal';
import type { Role } from './roles';
import { whereInScope, type Scope } from './scope';
import { newSecret, secretDigest } from './secrets';

export interface UserView {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  areaCode: string | null;
  disabled: boolean;
  createdAt: string;
}

interface UserRow { id: number; username: string; display_name: string | null; role: Role; area_code: string | null; password_hash: string; disabled: boolean; created_at: Date }

const view = (r: UserRow): UserView => ({
  id: r.id, username: r.username, displayName: r.display_name, role: r.role, areaCode: r.area_code,
  disabled: r.disabled, createdAt: new Date(r.created_at).toISOString(),
});

export interface NewUser { username: string; password: string; role: Role; areaCode: string | null; displayName?: string | null }

export async function createUser(knex: Knex, u: NewUser): Promise<UserView> {
  const password_hash = await hashPassword(u.password);
  return knex.transaction(async (trx) => {
    if (await trx('users').where({ username: u.username }).first()) throw conflict('username_taken', `a user named '${u.username}' exists already`);
    const [row] = await trx('users')
      .insert({ username: u.username, display_name: u.displayName ?? null, role: u.role, area_code: u.areaCode, password_hash })
      .returning('*');
    const created = view(row);
    await recordAudit(trx, { action: 'user.create', entity: 'user', entityId: String(created.id), areaCode: created.areaCode, after: created });
    return created;
  });
}

export async function listUsers(knex: Knex, scope: Scope): Promise<UserView[]> {
  const rows = await whereInScope(knex('users').select('*').orderBy('id'), 'area_code', scope);
  return rows.map(view);
}

export async function findUser(knex: Knex, id: number, scope: Scope): Promise<UserView> {
  const row = await whereInScope(knex('users').where({ id }), 'area_code', scope).first();
  if (!row) throw notFound(`user ${id}`);
  return view(row);
}

export interface UserChange { role?: Role; areaCode?: string | null; disabled?: boolean; password?: string; displayName?: string | null }

/** Changes a user; a changed role, area, password or a disabling ends the user's sessions. */
export async function updateUser(knex: Knex, id: number, scope: Scope, change: UserChange): Promise<UserView> {
  const password_hash = change.password === undefined ? undefined : await hashPassword(change.password);
  return knex.transaction(async (trx) => {
    const before = await whereInScope(trx('users').where({ id }).forUpdate(), 'area_code', scope).first();
    if (!before) throw notFound(`user ${id}`);
    const [row] = await trx('users').where({ id }).update({
      ...(change.role !== undefined && { role: change.role }),
      ...(change.areaCode !== undefined && { area_code: change.areaCode }),
      ...(change.disabled !== undefined && { disabled: change.disabled }),
      ...(change.displayName !== undefined && { display_name: change.displayName }),
      ...(password_hash && { password_hash }),
    }).returning('*');
    if (change.role !== undefined || change.areaCode !== undefined || change.disabled || password_hash) await trx('sessions').where({ user_id: id }).delete();
    const after = view(row);
    await recordAudit(trx, { action: 'user.update', entity: 'user', entityId: String(id), areaCode: after.areaCode, before: view(before), after: { ...after, ...(password_hash && { passwordChanged: true }) } });
    return after;
  });
}

/** The user whose name and password these are, or null (same time spent either way). */
export async function checkPassword(knex: Knex, username: string, password: string): Promise<UserView | null> {
  const row: UserRow | undefined = await knex('users').where({ username }).first();
  const ok = await verifyPassword(password, row?.password_hash ?? UNUSABLE_HASH);
  return row && ok && !row.disabled ? view(row) : null;
}

export const SESSION_COOKIE = 'gridatlas_session';

/** Opens a session for the user; the secret goes to the cookie, its digest to the table. */
export async function openSession(knex: Knex, userId: number, hours: number): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newSecret('gas_');
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await knex('sessions').insert({ token_hash: secretDigest(secret), user_id: userId, expires_at: expiresAt });
  // expired sessions are dropped as new ones open, so the table holds the live ones
  await knex('sessions').where('expires_at', '<', new Date()).delete();
  return { secret, expiresAt };
}

export async function closeSession(knex: Knex, secret: string): Promise<void> {
  await knex('sessions').where({ token_hash: secretDigest(secret) }).delete();
}

/** The principal of a live session of an enabled user, or null. */
export async function sessionPrincipal(knex: Knex, secret: string): Promise<Principal | null> {
  const row = await knex('sessions as s').join('users as u', 'u.id', 's.user_id')
    .where('s.token_hash', secretDigest(secret)).andWhere('s.expires_at', '>', new Date()).andWhere('u.disabled', false)
    .first('u.id', 'u.username', 'u.role', 'u.area_code');
  return row ? makePrincipal({ kind: 'user', id: row.id, name: row.username, role: row.role, areaCode: row.area_code }) : null;
}

export const assertNotSelfLockout = (actor: Principal, id: number, change: UserChange) => {
  if (actor.kind === 'user' && actor.id === id && (change.disabled || (change.role && change.role !== actor.role))) {
    throw new AppError(409, 'self_lockout', 'an admin cannot disable their own account or change their own role; ask another admin');
  }
};

import type { Knex } from 'knex';
import { notFound } from '../http/errors';
import { recordAudit } from '../audit/audit.repo';
import { makePrincipal, type Principal } from './principal';
import type { Permission, Role } from './roles';
import { whereInScope, type Scope } from './scope';
import { newSecret, secretDigest } from './secrets';

export interface TokenView {
  id: number;
  name: string;
  role: Role;
  areaCode: string | null;
  /** null: all of the role's permissions */
  permissions: Permission[] | null;
  createdBy: number | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

interface TokenRow { id: number; name: string; role: Role; area_code: string | null; permissions: Permission[] | null; created_by: number | null; created_at: Date; expires_at: Date | null; revoked_at: Date | null }

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const view = (r: TokenRow): TokenView => ({
  id: r.id, name: r.name, role: r.role, areaCode: r.area_code, permissions: r.permissions, createdBy: r.created_by,
  createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at), revokedAt: iso(r.revoked_at),
});

export interface NewToken { name: string; role: Role; areaCode: string | null; permissions?: Permission[] | null; createdBy?: number | null; expiresAt?: Date | null }

/** Creates an API token; the secret is answered once and only its digest is kept. */
export async function createApiToken(knex: Knex, t: NewToken): Promise<{ token: TokenView; secret: string; id: number }> {
  const secret = newSecret('gat_');
  return knex.transaction(async (trx) => {
    const [row] = await trx('api_tokens').insert({
      name: t.name, token_hash: secretDigest(secret), role: t.role, area_code: t.areaCode,
      permissions: t.permissions ?? null, created_by: t.createdBy ?? null, expires_at: t.expiresAt ?? null,
    }).returning(['id', 'name', 'role', 'area_code', 'permissions', 'created_by', 'created_at', 'expires_at', 'revoked_at']);
    const token = view(row);
    await recordAudit(trx, { action: 'token.create', entity: 'token', entityId: String(token.id), areaCode: token.areaCode, after: token });
    return { token, secret, id: token.id };
  });
}

export async function listApiTokens(knex: Knex, scope: Scope): Promise<TokenView[]> {
  const rows = await whereInScope(knex('api_tokens').select('*').orderBy('id'), 'area_code', scope);
  return rows.map(view);
}

/** Revokes a token at once; revoking a revoked token changes nothing. */
export async function revokeApiToken(knex: Knex, id: number, scope: Scope): Promise<TokenView> {
  return knex.transaction(async (trx) => {
    const before: TokenRow | undefined = await whereInScope(trx('api_tokens').where({ id }).forUpdate(), 'area_code', scope).first();
    if (!before) throw notFound(`API token ${id}`);
    if (before.revoked_at) return view(before);
    const [row] = await trx('api_tokens').where({ id }).update({ revoked_at: new Date() }).returning('*');
    await recordAudit(trx, { action: 'token.revoke', entity: 'token', entityId: String(id), areaCode: row.area_code, before: view(before), after: view(row) });
    return view(row);
  });
}

/** The principal of a live (not revoked, not expired) token, or null. */
export async function tokenPrincipal(knex: Knex, secret: string): Promise<Principal | null> {
  const row: TokenRow | undefined = await knex('api_tokens').where({ token_hash: secretDigest(secret) }).whereNull('revoked_at')
    .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', new Date())).first();
  return row ? makePrincipal({ kind: 'token', id: row.id, name: row.name, role: row.role, areaCode: row.area_code, permissions: row.permissions }) : null;
}

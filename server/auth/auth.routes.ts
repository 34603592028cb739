import type { Request, Response } from 'express';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { jsonBody } from '../http/body-limits';
import { AppError } from '../http/errors';
import { parseOr400, positiveId } from '../http/validate';
import type { Authenticator } from './authenticate';
import { cookieValue } from './authenticate';
import { loginBody, newTokenBody, newUserBody, userChangeBody } from './auth.schema';
import { generatePassword } from './passwords';
import { principalOf, type Principal } from './principal';
import { PERMISSIONS, ROLE_PERMISSIONS, type Role } from './roles';
import { scopeOf, scopeWithin } from './scope';
import { createApiToken, listApiTokens, revokeApiToken } from './tokens.repo';
import { assertNotSelfLockout, checkPassword, closeSession, createUser, findUser, listUsers, openSession, SESSION_COOKIE, updateUser } from './users.repo';

/** What the client shows of the signed-in caller: name, role, area and what it may do. */
async function whoAmI({ db }: AppDeps, p: Principal) {
  const area = p.scope.areaCode ? await db.knex('admin_areas').where({ code: p.scope.areaCode }).first('code', 'name', 'level') : null;
  return { kind: p.kind, id: p.id, name: p.name, role: p.role, area: area ?? (p.scope.areaCode ? { code: p.scope.areaCode, name: null, level: null } : null), permissions: [...p.permissions] };
}

/** An admin gives out no more than it has: a role's area within its own, a token's permissions within the role's. */
function assertGrantable(actor: Principal, role: Role | undefined, areaCode: string | null | undefined) {
  if (areaCode !== undefined && !scopeWithin(scopeOf(areaCode), actor.scope)) {
    throw new AppError(403, 'out_of_scope', `area ${areaCode ?? '(every area)'} is outside your own area ${actor.scope.areaCode}`);
  }
  if (role === 'admin' && actor.scope.areaCode && areaCode === undefined) throw new AppError(400, 'area_required', 'name the area of the new admin');
}

export function authRoutes(deps: AppDeps, auth: Authenticator) {
  const { db, config } = deps;
  const { router, add } = apiRouter('/api');
  router.use(['/auth', '/users', '/tokens'], jsonBody(config.JSON_LIMIT_MB));
  const setSessionCookie = (req: Request, res: Response, value: string, expires: Date) =>
    res.cookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', expires });

  add({ method: 'post', path: '/auth/login', access: 'public', summary: 'Sign in with user name and password: opens a session (HttpOnly cookie) for SESSION_HOURS', tag: 'auth' }, async (req, res) => {
    const { username, password } = parseOr400(loginBody, req.body, 'body');
    const user = await checkPassword(db.knex, username, password);
    if (!user) throw new AppError(401, 'invalid_credentials', 'unknown user name or wrong password (or the account is disabled)');
    const { secret, expiresAt } = await openSession(db.knex, user.id, config.SESSION_HOURS);
    setSessionCookie(req, res, secret, expiresAt);
    res.json({ user: { ...user, permissions: ROLE_PERMISSIONS[user.role] }, expiresAt: expiresAt.toISOString() });
  });

  add({ method: 'post', path: '/auth/logout', access: 'public', summary: 'Sign out: ends the session of the cookie sent and clears the cookie', tag: 'auth' }, async (req, res) => {
    const session = cookieValue(req, SESSION_COOKIE);
    if (session) await closeSession(db.knex, session);
    auth.forget();
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  add({ method: 'get', path: '/auth/me', access: 'public', summary: 'The signed-in user (or token): role, area scope, permissions; 401 when signed out', tag: 'auth' }, async (req, res) => {
    res.json(await whoAmI(deps, principalOf(req)));
  });

  add({ method: 'get', path: '/auth/permissions', access: 'public', summary: 'Every permission and which roles hold it', tag: 'auth' }, async (_req, res) => {
    res.json(Object.entries(PERMISSIONS).map(([permission, description]) => ({
      permission, description, roles: Object.entries(ROLE_PERMISSIONS).filter(([, ps]) => (ps as readonly string[]).includes(permission)).map(([r]) => r),
    })));
  });

  add({ method: 'get', path: '/users', access: 'users:manage', summary: 'Users within the caller\'s area', tag: 'auth' }, async (req, res) => {
    res.json(await listUsers(db.knex, principalOf(req).scope));
  });

  add({ method: 'post', path: '/users', access: 'users:manage', status: 201, summary: 'Create a user in the caller\'s area; without a password one is generated and answered once', tag: 'auth' }, async (req, res) => {
    const actor = principalOf(req);
    const body = parseOr400(newUserBody, req.body, 'body');
    assertGrantable(actor, body.role, body.areaCode);
    const password = body.password ?? generatePassword();
    const user = await createUser(db.knex, { ...body, password });
    res.status(201).json({ user, ...(!body.password && { password }) });
  });

  add({ method: 'patch', path: '/users/:id', access: 'users:manage', summary: 'Change a user\'s role, area, password or disable it; ends its sessions', tag: 'auth' }, async (req, res) => {
    const actor = principalOf(req);
    const id = parseOr400(positiveId('user'), req.params.id, 'path');
    const change = parseOr400(userChangeBody, req.body, 'body');
    await findUser(db.knex, id, actor.scope);
    assertGrantable(actor, change.role, change.areaCode);
    assertNotSelfLockout(actor, id, change);
    const user = await updateUser(db.knex, id, actor.scope, change);
    auth.forget();
    res.json({ user });
  });

  add({ method: 'get', path: '/tokens', access: 'users:manage', summary: 'API tokens within the caller\'s area (never their secrets)', tag: 'auth' }, async (req, res) => {
    res.json(await listApiTokens(db.knex, principalOf(req).scope));
  });

  add({ method: 'post', path: '/tokens', access: 'users:manage', status: 201, summary: 'Create an API token for a system that pushes events (role, area, optionally fewer permissions); the secret is answered once', tag: 'auth' }, async (req, res) => {
    const actor = principalOf(req);
    const body = parseOr400(newTokenBody, req.body, 'body');
    assertGrantable(actor, body.role, body.areaCode);
    const outside = body.permissions?.filter((p) => !ROLE_PERMISSIONS[body.role].includes(p));
    if (outside?.length) throw new AppError(400, 'permission_not_in_role', `role ${body.role} does not hold ${outside.join(', ')}`);
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
    const { token, secret } = await createApiToken(db.knex, { ...body, createdBy: actor.kind === 'user' ? actor.id : null, expiresAt });
    res.status(201).json({ token, secret });
  });

  add({ method: 'post', path: '/tokens/:id/revoke', access: 'users:manage', summary: 'Revoke an API token at once', tag: 'auth' }, async (req, res) => {
    const id = parseOr400(positiveId('token'), req.params.id, 'path');
    const token = await revokeApiToken(db.knex, id, principalOf(req).scope);
    auth.forget();
    res.json({ token });
  });

  return router;
}

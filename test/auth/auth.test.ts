/**
 * Signing in and out, API tokens, and what callers without the right credentials get: the
 * authentication half of access control, through the real API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/passwords';
import { commonArea, inScope, scopeOf } from '../../server/auth/scope';
import { createUser } from '../../server/auth/users.repo';
import type { Db } from '../../server/db/knex';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

let db: Db;
let api: Awaited<ReturnType<typeof serveApp>>;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  db = await createTestDb();
  await insertSquareDistrict(db.knex);
  await createUser(db.knex, { username: 'east-planner', role: 'planner', areaCode: '320113001000', password: PASSWORD });
  await createUser(db.knex, { username: 'district-admin', role: 'admin', areaCode: '320113000000', password: PASSWORD });
  api = await serveApp(db, {}, { as: null });
});
afterAll(async () => {
  await api?.close();
  await db?.close();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

async function signIn(username: string, password = PASSWORD) {
  const res = await fetch(api.url('/api/auth/login'), json({ username, password }));
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!;
  return { cookie: cookie.split(';')[0], setCookie: cookie };
}

describe('pieces', () => {
  it('when a password is hashed, then the hash is salted scrypt that verifies only that password', async () => {
    const [a, b] = [await hashPassword('s3cret-enough'), await hashPassword('s3cret-enough')];
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret-enough', a)).toBe(true);
    expect(await verifyPassword('s3cret-enougH', a)).toBe(false);
  });

  it('when an area code roots a scope, then its subtree is the code prefix of its level', () => {
    expect(scopeOf('320113000000').prefix).toBe('320113');
    expect(scopeOf('320113003000').prefix).toBe('320113003');
    expect(scopeOf('320113003012').prefix).toBe('320113003012');
    expect(scopeOf(null).prefix).toBe('');
    expect(inScope(scopeOf('320113003000'), '320113003012')).toBe(true);
    expect(inScope(scopeOf('320113003000'), '320113030012')).toBe(false);
    expect(inScope(scopeOf('320113003000'), null)).toBe(false);
    expect(inScope(scopeOf(null), null)).toBe(true);
  });

  it('when imported grids lie in several areas, then their layer belongs to the smallest area holding them all', () => {
    expect(commonArea(['320113003012', '320113003001'])).toBe('320113003000');
    expect(commonArea(['320113003012', '320113004001'])).toBe('320113000000');
    expect(commonArea(['320113003012'])).toBe('320113003012');
    expect(commonArea(['320113003012', '320114003012'])).toBe('320100000000');
    expect(commonArea(['320113003012', null])).toBeNull();
    expect(commonArea([])).toBeNull();
  });
});

describe('sessions', () => {
  it('when a wrong password or an unknown user signs in, then both get the same 401 and no cookie', async () => {
    for (const [username, password] of [['east-planner', 'wrong password'], ['nobody', PASSWORD]]) {
      const res = await fetch(api.url('/api/auth/login'), json({ username, password }));
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await errorOf(res)).toEqual({ code: 'invalid_credentials', message: 'unknown user name or wrong password (or the account is disabled)' });
    }
  });

  it('when a user signs in, then an HttpOnly SameSite=Strict session names the user, role and area, and signing out ends it', async () => {
    const { cookie, setCookie } = await signIn('east-planner');
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const me = await (await fetch(api.url('/api/auth/me'), { headers: { cookie } })).json();
    expect(me).toMatchObject({ kind: 'user', name: 'east-planner', role: 'planner', area: { code: '320113001000', name: '东街道', level: 'street' } });
    expect(me.permissions).toContain('plans:edit');
    expect(me.permissions).not.toContain('events:read');
    expect((await fetch(api.url('/api/areas'), { headers: { cookie } })).status).toBe(200);
    // only a digest of the cookie is stored
    const secret = cookie.split('=')[1];
    const { rows } = await db.knex.raw('select encode(token_hash, \'hex\') as h from sessions');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r: { h: string }) => r.h).join()).not.toContain(Buffer.from(secret).toString('hex'));

    expect((await fetch(api.url('/api/auth/logout'), { method: 'POST', headers: { cookie } })).status).toBe(204);
    const after = await fetch(api.url('/api/areas'), { headers: { cookie } });
    expect(after.status).toBe(401);
    expect((await errorOf(after)).code).toBe('unauthenticated');
  });

  it('when another site posts with the session cookie, then the write is refused before it is read', async () => {
    const { cookie } = await signIn('east-planner');
    const res = await fetch(api.url('/api/plans/1/publish'), { method: 'POST', headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('cross_site_request');
  });

  it('when an admin disables a user, then its open session ends at once', async () => {
    await createUser(db.knex, { username: 'east-viewer', role: 'viewer', areaCode: '320113001000', password: PASSWORD });
    const viewer = await signIn('east-viewer');
    const admin = await signIn('district-admin');
    expect((await fetch(api.url('/api/areas'), { headers: { cookie: viewer.cookie } })).status).toBe(200);
    const id = (await db.knex('users').where({ username: 'east-viewer' }).first('id')).id;
    const res = await fetch(api.url(`/api/users/${id}`), { ...json({ disabled: true }, { cookie: admin.cookie }), method: 'PATCH' });
    expect(res.status).toBe(200);
    expect((await fetch(api.url('/api/areas'), { headers: { cookie: viewer.cookie } })).status).toBe(401);
    expect((await fetch(api.url('/api/auth/login'), json({ username: 'east-viewer', password: PASSWORD }))).status).toBe(401);
  });
});

describe('callers without credentials or permission', () => {
  it('when nothing is sent, then the API, tiles and OGC answer 401 and only health, client config and sign-in answer', async () => {
    for (const path of ['/api/areas', '/api/events', '/api/heatmap?bbox=118,32,119,33', '/tiles/areas/0/0/0.mvt', '/ogc/collections', '/api/users']) {
      const res = await fetch(api.url(path));
      expect(res.status, path).toBe(401);
      expect(await errorOf(res), path).toEqual({ code: 'unauthenticated', message: 'sign in first (POST /api/auth/login) or send an API token (Authorization: Bearer …)' });
    }
    for (const path of ['/api/health', '/api/client-config', '/api/openapi.json']) expect((await fetch(api.url(path))).status, path).toBe(200);
    expect((await fetch(api.url('/api/auth/me'))).status).toBe(401);
  });

  it('when an unauthenticated caller posts a large batch, then the 401 comes before the body is read and nothing is written', async () => {
    const body = '{"type":"fire","lng":118.91,"lat":32.105,"occurred_at":"2026-01-01T00:00:00Z"}\n'.repeat(50_000);
    const res = await fetch(api.url('/api/events/bulk?format=ndjson'), { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    expect(res.status).toBe(401);
    expect(Number((await db.knex('events').count('* as n'))[0].n)).toBe(0);
  });

  it('when a role lacks the permission of a route, then 403 names the permission it needs', async () => {
    const { cookie } = await signIn('east-planner');
    const res = await fetch(api.url('/api/events'), { headers: { cookie } });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({
      code: 'forbidden',
      message: "user 'east-planner' (role planner) may not GET /api/events: it needs the permission 'events:read' (single events, their sensitive fields, batches and rejects; heatmaps without small-count suppression)",
      details: { permission: 'events:read', role: 'planner' },
    });
  });
});

describe('API tokens', () => {
  it('when an admin makes a token, then its secret works once shown, a narrowed token lacks the rest, and a revoked one is refused at once', async () => {
    const admin = await signIn('district-admin');
    const made = await fetch(api.url('/api/tokens'), json({ name: 'hotline', role: 'police', areaCode: '320113001000', permissions: ['events:write'] }, { cookie: admin.cookie }));
    expect(made.status).toBe(201);
    const { token, secret } = await made.json();
    expect(secret).toMatch(/^gat_[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${secret}` };
    const me = await (await fetch(api.url('/api/auth/me'), { headers: bearer })).json();
    expect(me).toMatchObject({ kind: 'token', name: 'hotline', role: 'police', permissions: ['events:write'] });
    expect((await fetch(api.url('/api/events'), { headers: bearer })).status).toBe(403); // police may read events, this token may not
    const list = await (await fetch(api.url('/api/tokens'), { headers: { cookie: admin.cookie } })).json();
    expect(JSON.stringify(list)).not.toContain(secret);

    expect((await fetch(api.url(`/api/tokens/${token.id}/revoke`), { method: 'POST', headers: { cookie: admin.cookie } })).status).toBe(200);
    const refused = await fetch(api.url('/api/auth/me'), { headers: bearer });
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe('invalid_token');
  });

  it('when a district admin grants a wider area or a permission outside the role, then it is refused and nothing is made', async () => {
    const admin = await signIn('district-admin');
    const before = Number((await db.knex('api_tokens').count('* as n'))[0].n);
    const wider = await fetch(api.url('/api/users'), json({ username: 'city-wide', role: 'viewer', areaCode: null }, { cookie: admin.cookie }));
    expect(wider.status).toBe(403);
    expect((await errorOf(wider)).code).toBe('out_of_scope');
    const outside = await fetch(api.url('/api/tokens'), json({ name: 'x', role: 'viewer', areaCode: '320113001000', permissions: ['events:read'] }, { cookie: admin.cookie }));
    expect(outside.status).toBe(400);
    expect((await errorOf(outside)).message).toBe('role viewer does not hold events:read');
    expect(Number((await db.knex('api_tokens').count('* as n'))[0].n)).toBe(before);
    expect(await db.knex('users').where({ username: 'city-wide' }).first()).toBeUndefined();
  });

  it('when a user is made without a password, then one is generated, answered once, and signs in', async () => {
    const admin = await signIn('district-admin');
    const res = await fetch(api.url('/api/users'), json({ username: 'west-commander', role: 'commander', areaCode: '320113002000' }, { cookie: admin.cookie }));
    expect(res.status).toBe(201);
    const { user, password } = await res.json();
    expect(user).toMatchObject({ username: 'west-commander', role: 'commander', areaCode: '320113002000' });
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    await signIn('west-commander', password);
  });
});

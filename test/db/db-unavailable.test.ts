import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { CONNECT_TIMEOUT_MS, postgresKnex, type Db } from '../../server/db/knex';
import { isDatabaseUnavailable } from '../../server/http/errors';
import { JobRegistry } from '../../server/jobs/job-registry';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

const url = process.env.DATABASE_URL;

describe('isDatabaseUnavailable', () => {
  it('when the error is PostgreSQL going away, refusing or a broken connection, then it is; a query error or a timeout of a statement is not', () => {
    for (const e of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is shutting down'), { code: '57P03' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' })]), {}),
      new Error('Connection terminated unexpectedly'),
      new Error('select count(*)::int as n from "admin_areas" - Connection terminated unexpectedly'), // knex names the query
      new Error('Client was closed and is not queryable'),
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
    ]) expect(isDatabaseUnavailable(e), String(e)).toBe(true);
    for (const e of [
      Object.assign(new Error('syntax error'), { code: '42601' }),
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      new Error('boom'), null, 'text',
    ]) expect(isDatabaseUnavailable(e), String(e)).toBe(false);
  });
});

describe('a database that cannot be reached', () => {
  let server: Server | undefined;
  let db: Db | undefined;
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(null)));
    await db?.close();
  });

  it('when nothing listens at the database address, then requests answer 503 database_unavailable with Retry-After at once, not a 500 or a hang', async () => {
    const knex = postgresKnex('postgres://postgres:postgres@127.0.0.1:1/nowhere');
    db = { knex, backend: 'postgres', close: () => knex.destroy() };
    const app = buildApp({ db, config: loadConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '0' }), jobs: new JobRegistry(knex) });
    server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const path of ['/api/health', '/api/jobs']) {
      const t0 = Date.now();
      // a bearer token sends the request to the database whether or not the route needs one
      const res = await fetch(base + path, { headers: { authorization: 'Bearer gat_nosuchtoken' } });
      expect(Date.now() - t0).toBeLessThan(CONNECT_TIMEOUT_MS);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const body = await res.json();
      expect(body.error.code).toBe('database_unavailable');
      expect(body.error.message).toMatch(/^GET \/api\/\w+ could not reach the database/);
    }
  });
});

describe.skipIf(!url)('PostgreSQL terminating the sessions (as a restart does)', () => {
  let db: Db;
  let app: Awaited<ReturnType<typeof serveApp>>;
  afterAll(async () => { await app?.close(); await db?.close(); });

  it('when every session of the service is terminated, then the process lives on, requests answer 200 or 503 (never 500), and within 2 s all are 200 again', async () => {
    db = await createTestDb();
    app = await serveApp(db, { RATE_LIMIT_PER_MINUTE: '0' });
    const get = () => fetch(app.url('/api/health')).then((r) => r.status);
    // several idle connections in the pool
    expect(await Promise.all(Array.from({ length: 6 }, get))).toEqual(Array(6).fill(200));
    const { rows: [{ name }] } = await db.knex.raw('select current_database() as name');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rows } = await admin.query('select pg_terminate_backend(pid) as done from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);
    const statuses: number[] = [];
    const t0 = Date.now();
    let lastBad = 0;
    while (Date.now() - t0 < 2500) {
      const status = await get();
      statuses.push(status);
      if (status !== 200) lastBad = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(statuses.filter((s) => s !== 200 && s !== 503), statuses.join(',')).toEqual([]);
    expect(lastBad).toBeLessThan(2000);
    expect(statuses.at(-1)).toBe(200);
  });
});

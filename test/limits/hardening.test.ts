/**
 * Hardening against the real API: the rate limit per client, security headers on every
 * response, the statement timeout (PostgreSQL cancels, PGlite cannot), and 500s that tell the
 * client nothing of the stack or the SQL.
 */
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { AppError } from '../../server/http/errors';
import { rateLimit } from '../../server/http/rate-limit';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

const STATEMENT_TIMEOUT_MS = 300;

let db: Db;
beforeAll(async () => {
  db = await createTestDb({ statementTimeoutMs: STATEMENT_TIMEOUT_MS });
});
afterAll(async () => { await db?.close(); });

/** Runs `app` for one test and closes it. */
async function withApp(env: Record<string, string>, run: (app: Awaited<ReturnType<typeof serveApp>>) => Promise<void>) {
  const app = await serveApp(db, env);
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

describe('rate limit (RATE_LIMIT_PER_MINUTE)', () => {
  it('when a client sends more than its minute of requests at once, then 429 with Retry-After names the limit; tiles are not counted', async () => {
    await withApp({ RATE_LIMIT_PER_MINUTE: '5' }, async (app) => {
      for (let i = 0; i < 5; i++) expect((await fetch(app.url(i % 2 ? '/ogc' : '/api/health'))).status).toBe(200);
      for (const path of ['/api/health', '/ogc']) {
        const res = await fetch(app.url(path));
        expect(res.status, path).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBe(12); // one request refills in 60 s / 5
        expect((await res.json()).error).toEqual({
          code: 'rate_limited',
          message: 'too many requests: this client may send 5 per minute (RATE_LIMIT_PER_MINUTE); retry after 12 s',
          details: { perMinute: 5, retryAfterS: 12 },
        });
      }
      expect((await fetch(app.url('/tiles/areas/0/0/0.mvt'))).status).toBe(200);
    });
  });

  it('when RATE_LIMIT_PER_MINUTE is 0, then nothing is limited', async () => {
    await withApp({ RATE_LIMIT_PER_MINUTE: '0' }, async (app) => {
      const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(app.url('/api/health')).then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([200]));
    });
  });

  it('when time passes, then the bucket refills at the rate per minute, and each key has its own bucket', () => {
    let now = 0;
    const limit = rateLimit({ perMinute: 60, key: (req) => String(req.headers['x-user']), now: () => now });
    const send = (user: string) => {
      let outcome: unknown = 'none';
      limit({ headers: { 'x-user': user } } as unknown as Request, {} as Response, (e?: unknown) => (outcome = e ?? 'passed'));
      return outcome instanceof AppError ? outcome.status : outcome;
    };
    for (let i = 0; i < 60; i++) expect(send('a')).toBe('passed');
    expect(send('a')).toBe(429);
    expect(send('b')).toBe('passed'); // another user, another bucket
    now += 999;
    expect(send('a')).toBe(429);
    now += 1; // one second refills one request at 60 a minute
    expect(send('a')).toBe('passed');
    expect(send('a')).toBe(429);
    now += 120_000; // refilled, but never past one minute's worth
    for (let i = 0; i < 60; i++) expect(send('a')).toBe('passed');
    expect(send('a')).toBe(429);
  });
});

describe('security headers', () => {
  // the client's files get them too (the same middleware comes first); npm run test:browser runs the client under this policy
  it('when anything is answered (an API route, an API error, OGC, a tile), then the security headers are set', async () => {
    await withApp({ BASEMAP_URL: 'http://tiles.example.lan:8081/style.json' }, async (app) => {
      for (const path of ['/api/health', '/api/nothing-here', '/ogc', '/tiles/areas/0/0/0.mvt']) {
        const res = await fetch(app.url(path));
        const h = Object.fromEntries(res.headers);
        expect(h, path).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
          'strict-transport-security': 'max-age=31536000',
        });
        expect(h['x-powered-by'], path).toBeUndefined();
        const csp = Object.fromEntries(h['content-security-policy'].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
        expect(csp, path).toEqual({
          'default-src': "'self'",
          'base-uri': "'self'",
          'script-src': "'self'",
          'script-src-attr': "'none'",
          'style-src': "'self'",
          'font-src': "'self'",
          'img-src': "'self' data: blob: http://tiles.example.lan:8081",
          'connect-src': "'self' http://tiles.example.lan:8081",
          'worker-src': "'self' blob:",
          'child-src': "'self' blob:",
          'object-src': "'none'",
          'form-action': "'self'",
          'frame-ancestors': "'none'",
        });
      }
    });
  });
});

describe('statement timeout (STATEMENT_TIMEOUT_MS)', () => {
  it('when a query runs past the timeout, then PostgreSQL cancels it and the route answers 503 query_timeout; on PGlite the timeout does not apply', async () => {
    if (db.backend === 'postgres') {
      // another transaction holds the events table, so the listing waits past the timeout
      const holder = await db.knex.transaction();
      try {
        await holder.raw('lock table events in access exclusive mode');
        await withApp({}, async (app) => {
          const t0 = Date.now();
          const res = await fetch(app.url('/api/events'));
          expect(res.status).toBe(503);
          expect(Date.now() - t0).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS);
          expect(await res.json()).toEqual({ error: {
            code: 'query_timeout',
            message: 'GET /api/events ran a database query past the statement timeout (STATEMENT_TIMEOUT_MS): the query was cancelled and a write in progress rolled back. Narrow the request (bbox, time range, page size) or try again later',
          } });
        });
      } finally {
        await holder.rollback();
      }
    } else {
      // documented: PGlite cannot interrupt a running statement, so the setting is not made there
      expect((await db.knex.raw('show statement_timeout')).rows[0].statement_timeout).toBe('0');
      const t0 = Date.now();
      await db.knex.raw(`select pg_sleep(${(2 * STATEMENT_TIMEOUT_MS) / 1000})`);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * STATEMENT_TIMEOUT_MS);
    }
  });
});

describe('NUL characters in URLs', () => {
  it('when a query parameter or path holds %00, then 400 nul_in_url and nothing is written', async () => {
    await withApp({}, async (app) => {
      const before = await db.knex.raw('select count(*)::int as n from events');
      const event = JSON.stringify({ type: 'fire', severity: 1, occurred_at: '2026-01-01T08:00:00+08:00', lng: 118.9, lat: 32.1 });
      const answers = await Promise.all([
        fetch(app.url('/api/events?source=%00'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: event }),
        fetch(app.url('/api/events/bulk?format=ndjson&source=a%00b'), { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${event}\n` }),
        fetch(app.url('/api/events?type=%00')),
        fetch(app.url('/api/plans/1/grids/%00')),
        fetch(app.url('/ogc/collections/%00/items')),
      ]);
      for (const res of answers) {
        expect(res.status, res.url).toBe(400);
        expect((await res.json()).error.code).toBe('nul_in_url');
      }
      expect((await db.knex.raw('select count(*)::int as n from events')).rows[0].n).toBe(before.rows[0].n);
    });
  });
});

describe('no internals in errors', () => {
  it('when a route fails on an unexpected database error, then the 500 carries no stack and no SQL', async () => {
    await db.knex.raw('drop table event_batches cascade'); // last test of the file: the database is dropped after it
    await withApp({}, async (app) => {
      const res = await fetch(app.url('/api/events/batches/1'));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
      expect(text).not.toMatch(/event_batches|select|at .*\.ts/);
    });
  });
});

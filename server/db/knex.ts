import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexLib, { type Knex } from 'knex';
import type pg from 'pg';
import ClientPGLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { migrationSource } from './migrations/index';

export type Backend = 'embedded' | 'postgres';
export interface Db {
  knex: Knex;
  backend: Backend;
  close(): Promise<void>;
}

/**
 * Opens the database: PostgreSQL+PostGIS when `url` is given, else an embedded PGlite+PostGIS
 * kept in `dataDir` (`memory://` for a throw-away one). Runs the migrations either way.
 * `statementTimeoutMs` (STATEMENT_TIMEOUT_MS; 0 or unset: none) is PostgreSQL's statement_timeout
 * on every connection, set once the migrations (which may take long, creating PostGIS) are done.
 * PGlite accepts the setting but never fires it (one WASM thread, no timer can interrupt a running
 * statement), so on the embedded database it is not set at all.
 */
export async function openDb(opts: { url?: string; dataDir?: string; statementTimeoutMs?: number }): Promise<Db> {
  if (opts.url) {
    const migrating = postgresKnex(opts.url);
    await migrate(migrating);
    if (!opts.statementTimeoutMs) return { knex: migrating, backend: 'postgres', close: () => migrating.destroy() };
    await migrating.destroy();
    const knex = postgresKnex(opts.url, opts.statementTimeoutMs);
    return { knex, backend: 'postgres', close: () => knex.destroy() };
  }
  // PGlite makes its own folder but not missing parents (a fresh clone has no .data/)
  if (opts.dataDir && !opts.dataDir.includes('://')) mkdirSync(path.dirname(path.resolve(opts.dataDir)), { recursive: true });
  const pglite = await PGlite.create(opts.dataDir ?? 'memory://', { extensions: { postgis } });
  const knex = knexLib({ client: ClientPGLite as unknown as typeof knexLib.Client, connection: { pglite } as never });
  await migrate(knex);
  return { knex, backend: 'embedded', close: () => knex.destroy() };
}

/** Longest wait for a new connection to PostgreSQL (TCP and start-up), in ms: past it the request is a 503, not a hang. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The pg pool, built to live through a PostgreSQL restart without a restart of its own: knex
 * listens for 'error' and 'end' on every client (so a session the server terminates while idle is
 * no unhandled 'error' event) and marks it disposed, and the pool's validation drops disposed
 * clients instead of lending them out; new ones connect once PostgreSQL is back. While it is away,
 * connecting fails at once (refused) or after CONNECT_TIMEOUT_MS, and the error middleware answers
 * 503 database_unavailable. TCP keep-alive notices a peer that vanished without closing.
 */
export function postgresKnex(url: string, statementTimeoutMs?: number): Knex {
  return knexLib({
    client: 'pg',
    connection: {
      connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true,
      ...(statementTimeoutMs && { statement_timeout: statementTimeoutMs }),
    },
    // a failed connect is answered (503) and logged once by the error middleware: knex's own warning repeats it with a stack per request
    log: { warn: (message: string) => { if (!message.startsWith('Acquire connection error')) console.warn(message); } },
    pool: {
      min: 0,
      max: 10,
      // PostgreSQL's JIT costs ~0.8 s per large PostGIS query (their row estimates trip it) and
      // speeds up none of ours, which spend their time inside GEOS.
      afterCreate: (conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) => {
        conn.query('set jit = off').then(() => done(null, conn), (e: Error) => done(e, conn));
      },
    },
  });
}

async function migrate(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists postgis');
  await knex.migrate.latest({ migrationSource });
}

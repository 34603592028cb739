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
 */
export async function openDb(opts: { url?: string; dataDir?: string }): Promise<Db> {
  let knex: Knex;
  let backend: Backend;
  if (opts.url) {
    backend = 'postgres';
    knex = knexLib({
      client: 'pg',
      connection: opts.url,
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
  } else {
    backend = 'embedded';
    // PGlite makes its own folder but not missing parents (a fresh clone has no .data/)
    if (opts.dataDir && !opts.dataDir.includes('://')) mkdirSync(path.dirname(path.resolve(opts.dataDir)), { recursive: true });
    const pglite = await PGlite.create(opts.dataDir ?? 'memory://', { extensions: { postgis } });
    knex = knexLib({ client: ClientPGLite as unknown as typeof knexLib.Client, connection: { pglite } as never });
  }
  await knex.raw('create extension if not exists postgis');
  await knex.migrate.latest({ migrationSource });
  return { knex, backend, close: () => knex.destroy() };
}

import pg from 'pg';
import { openDb, type Db } from '../../server/db/knex';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by default, or, when
 * DATABASE_URL is set, a new database created on that server and dropped again by close().
 * `statementTimeoutMs` is passed to openDb (PostgreSQL only).
 */
export async function createTestDb(opts: { statementTimeoutMs?: number } = {}): Promise<Db> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDb(opts);
  const name = `gridatlas_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openDb({ url: u.toString(), ...opts });
  return {
    ...db,
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

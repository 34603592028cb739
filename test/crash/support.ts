/**
 * What the crash tests share: the database made for the run, the server under test (a child
 * process, killed and started again), an API client with the run's token, waiting and timing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { createApiToken } from '../../server/auth/tokens.repo';
import { openDb, postgresKnex } from '../../server/db/knex';
import { seedDemo } from '../../server/demo/seed';
import { progressBar } from '../../server/cli/progress';
import type { Checks } from '../e2e/support/checks';
import { startServer, type ServerProcess } from '../e2e/support/server-process';

/** How long a start of the server (tsx compiling, migrations, listening) may take. */
const SERVER_START_TIMEOUT_MS = 120_000;

export interface CrashRun {
  /** the URL of the server's PostgreSQL the run was given (DATABASE_URL) */
  adminUrl: string;
  /** the database made for this run on it */
  dbName: string;
  dbUrl: string;
  /** the run's own connections to that database, for checks */
  knex: Knex;
  /** an admin API token for the server */
  token: string;
  checks: Checks;
  /** the server under test; replaced when it is killed and started again */
  server: ServerProcess;
}

export interface Answer<T = any> { status: number; body: T; ms: number; headers: Headers }

/** A request to the server with the run's token; `timeoutMs` aborts it (then status 0). */
export async function api<T = any>(run: CrashRun, path: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer<T>> {
  const t0 = performance.now();
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${run.token}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  try {
    const res = await fetch(run.server.baseUrl + path, { ...init, headers, signal: AbortSignal.timeout(init.timeoutMs ?? 60_000) });
    const text = await res.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: body as T, ms: performance.now() - t0, headers: res.headers };
  } catch (e) {
    return { status: 0, body: { error: { code: 'no_answer', message: (e as Error).message } } as T, ms: performance.now() - t0, headers: new Headers() };
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `what` every `everyMs` until it answers a value other than undefined; throws after `timeoutMs`, naming `doing`. */
export async function waitFor<T>(doing: string, what: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${doing}`);
    await sleep(everyMs);
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Every server the run started, for their logs. */
const started: ServerProcess[] = [];

/** The server on the run's database: no demo seeding (done once up front), no rate limit (the tests send steady traffic from one address). */
export async function startCrashServer(dbUrl: string): Promise<ServerProcess> {
  const server = await startServer(SERVER_START_TIMEOUT_MS, { env: { DATABASE_URL: dbUrl, SEED_DEMO: 'false', RATE_LIMIT_PER_MINUTE: '0' } });
  started.push(server);
  return server;
}

/** Writes what each server printed to `dir`/server-<n>.log; answers the directory. */
export function saveServerLogs(dir = 'test-results/crash'): string {
  mkdirSync(dir, { recursive: true });
  started.forEach((s, i) => writeFileSync(path.join(dir, `server-${i + 1}.log`), s.output()));
  return dir;
}

/**
 * Makes a fresh database on the server of `adminUrl`, migrates it, seeds the Qixia demo into it
 * and creates the run's admin API token; `drop` removes it again.
 */
export async function createRunDatabase(adminUrl: string): Promise<{ dbName: string; dbUrl: string; token: string; drop(): Promise<void> }> {
  const dbName = `gridatlas_crash_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(adminUrl, `create database ${dbName}`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();
  const drop = () => adminQuery(adminUrl, `drop database if exists ${dbName} with (force)`).then(() => undefined);
  try {
    const db = await openDb({ url: dbUrl });
    try {
      const bar = progressBar('seeding the Qixia demo');
      const t0 = performance.now();
      await seedDemo(db, (pct, stage) => bar.update(pct, stage));
      bar.done(`in ${seconds(performance.now() - t0)}`);
      const { secret } = await createApiToken(db.knex, { name: 'crash-tests', role: 'admin', areaCode: null });
      return { dbName, dbUrl, token: secret, drop };
    } finally {
      await db.close();
    }
  } catch (e) {
    await drop();
    throw e;
  }
}

/** One statement on its own connection to the PostgreSQL of `url` (create and drop database cannot run in a pool's transaction). */
export async function adminQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // a restart of PostgreSQL while connected is not this process's crash
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The run's own pool on its database (no statement timeout: the checks read every event). */
export const checkerKnex = (dbUrl: string) => postgresKnex(dbUrl);

/** Sessions of the server under test on the run's database that are inside a transaction, with their last statement. */
export async function openTransactions(run: CrashRun): Promise<{ pid: number; state: string; query: string; xactS: number }[]> {
  const { rows } = await run.knex.raw(
    `select pid, state, left(query, 200) as query, extract(epoch from now() - xact_start)::float8 as "xactS"
     from pg_stat_activity
     where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()
       and xact_start is not null`);
  return rows;
}

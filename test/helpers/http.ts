import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { buildApp } from '../../server/app';
import { createApiToken } from '../../server/auth/tokens.repo';
import type { Role } from '../../server/auth/roles';
import { loadConfig } from '../../server/config';
import type { Db } from '../../server/db/knex';
import { JobRegistry } from '../../server/jobs/job-registry';

export interface ServeOptions {
  /**
   * Whose API token requests without an Authorization header carry: a role (over every area
   * unless `areaCode`), or null to send requests as they are (tests of access control itself).
   */
  as?: Role | null;
  areaCode?: string | null;
}

/**
 * Serves the real app on a free loopback port; `url(path)` builds request URLs. By default every
 * request that names no credentials is sent with a real admin API token (created in `db`), so
 * tests of other features go through the same authentication as any caller.
 */
export async function serveApp(db: Db, env: Record<string, string> = {}, opts: ServeOptions = {}) {
  const app = buildApp({ db, config: loadConfig({ ...process.env, ...env }), jobs: await JobRegistry.open(db.knex) });
  const role = opts.as === undefined ? 'admin' : opts.as;
  const secret = role ? (await createApiToken(db.knex, { name: `tests-${role}`, role, areaCode: opts.areaCode ?? null })).secret : null;
  const server: Server = await new Promise((resolve) => {
    const s = createServer((req, res) => {
      if (secret && !req.headers.authorization && !req.headers.cookie) req.headers.authorization = `Bearer ${secret}`;
      app(req, res);
    }).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

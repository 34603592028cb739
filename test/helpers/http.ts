import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { Db } from '../../server/db/knex';
import { JobRegistry } from '../../server/jobs/job-registry';

/** Serves the real app on a free loopback port; `url(path)` builds request URLs. */
export async function serveApp(db: Db, env: Record<string, string> = {}) {
  const app = buildApp({ db, config: loadConfig({ ...process.env, ...env }), jobs: await JobRegistry.open(db.knex) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

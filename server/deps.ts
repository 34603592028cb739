import type { Config } from './config';
import type { Db } from './db/knex';
import type { JobRegistry } from './jobs/job-registry';

/** What every route module gets: the database, the validated configuration, the job registry. */
export interface AppDeps {
  db: Db;
  config: Config;
  jobs: JobRegistry;
}

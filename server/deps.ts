import type { Config } from './config';
import type { Db } from './db/knex';

/** What every route module gets: the database and the validated configuration. */
export interface AppDeps {
  db: Db;
  config: Config;
}

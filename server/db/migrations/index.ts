import type { Knex } from 'knex';
import * as m001 from './001_core_schema';

/** Migrations are listed here, not globbed, so they run the same under tsx, Vitest and a bundle. */
const migrations: Record<string, Knex.Migration> = {
  '001_core_schema': m001,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

/**
 * Who started a job (`user:<id>` or `token:<id>`, as the principal was then): callers list and
 * read only their own jobs, admins every job. Jobs started before this column have no owner and
 * are seen by admins only.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    alter table jobs add column owner text;
    create index jobs_owner_started_at on jobs (owner, started_at desc)
  `);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, `
    drop index if exists jobs_owner_started_at;
    alter table jobs drop column owner
  `);
}

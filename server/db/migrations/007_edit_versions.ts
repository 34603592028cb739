import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

/**
 * Versions for optimistic locking (ETag / If-Match): every plan and every grid has one.
 *
 * A plan's version goes up by one with every change to the plan or its grids (edit, undo,
 * redo, publish, archive). A grid's version is the plan version of the change that last wrote
 * it, so versions never go back: a grid an undo restores gets a new version, not its old one.
 * Plans and grids written once when they are created keep version 1.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    alter table grid_plans add column version int not null default 1 check (version > 0);
    alter table grids add column version int not null default 1 check (version > 0);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, `
    alter table grids drop column version;
    alter table grid_plans drop column version;
  `);
}

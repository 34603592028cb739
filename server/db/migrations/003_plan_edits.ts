import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

/**
 * Edit history of draft plans: one row per edit (move units, split, merge), numbered per plan,
 * with exact snapshots of the rows it replaced and the rows it wrote, so undo and redo restore
 * them byte for byte.
 *
 * `before` and `after` are `{ "grids": [row…], "units": [row…] }`: whole rows of `grids`
 * (the comprehensive/dedicated grids the edit touched and their micro-grids) and of
 * `grid_units` (the units of those grids), each as `to_jsonb(row)` with `geom` replaced by its
 * hex EWKB, which `jsonb_populate_recordset` reads back without loss.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create table grid_plan_edits (
      id bigserial primary key,
      plan_id int not null references grid_plans(id) on delete cascade,
      seq int not null check (seq > 0),
      op jsonb not null,
      before jsonb not null,
      after jsonb not null,
      undone boolean not null default false,
      created_at timestamptz not null default now(),
      unique (plan_id, seq)
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists grid_plan_edits');
}

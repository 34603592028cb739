import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

export const JOB_STATUSES = ['running', 'done', 'failed', 'cancelled'] as const;

/**
 * Long-running jobs (partitions) outlive the process that ran them: status, progress, stage,
 * result and error are kept here, so GET /api/jobs/:id still answers after a restart, and a job
 * a killed process left `running` is marked failed (`interrupted`) when the next one starts.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create table jobs (
      id uuid primary key,
      kind text not null,
      status text not null check (status in (${JOB_STATUSES.map((s) => `'${s}'`).join(',')})),
      progress double precision not null default 0 check (progress between 0 and 100),
      stage text not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      updated_at timestamptz not null default now(),
      result jsonb,
      error_code text,
      error_message text
    );
    create index jobs_started_at on jobs (started_at desc);
    create index jobs_running on jobs (status) where status = 'running'
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists jobs');
}

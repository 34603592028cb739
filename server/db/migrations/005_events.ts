import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

export const EVENT_STATUSES = ['received', 'verified', 'dispatched', 'handled', 'handed_back', 'evaluated'] as const;

/**
 * Events as the command centre keeps them: one row per event, idempotent per (source,
 * external_id), with the grids, areas and H3 cell it was assigned on ingest (`outside` when no
 * grid holds it), fields that identify people apart in `sensitive`, and its workflow history.
 * `event_cells` is the rollup the heatmaps read, kept current by the ingest: per H3 resolution,
 * day ('d') or month ('m'), cell and type (and '*' for all types), the events of each severity
 * (n1…n5) and their decay growth g = Σ 2^(days since 2020-01-01 / half-life) (g1…g5), from
 * which a decayed risk score at any time T is 2^(−T/half-life) × Σ weights × g.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create table event_batches (
      id serial primary key,
      source text not null,
      format text not null,
      crs text not null,
      mode text not null check (mode in ('all', 'keep_good')),
      rows int not null,
      accepted int not null,
      duplicates int not null,
      rejected int not null,
      rejects_csv text,
      created_at timestamptz not null default now()
    );
    update events set source = '' where source is null;
    alter table events alter column source set default '';
    alter table events alter column source set not null;
    alter table events drop constraint events_external_id_key;
    create unique index events_source_external on events (source, external_id);
    alter table events
      add column batch_id int references event_batches(id) on delete set null,
      add column sensitive jsonb not null default '{}',
      add column grid_code text,
      add column grid_kind text,
      add column micro_code text,
      add column police_code text,
      add column emergency_code text,
      add column safety_code text,
      add column community_code char(12),
      add column street_code char(12),
      add column district_code char(12),
      add column h3 bigint,
      add column outside boolean not null default false,
      add check (status in (${EVENT_STATUSES.map((s) => `'${s}'`).join(',')})),
      add check (severity between 1 and 5);
    create index events_grid on events (grid_code);
    create index events_police on events (police_code);
    create index events_h3 on events (h3);
    create table event_status_history (
      id bigserial primary key,
      event_id bigint not null references events(id) on delete cascade,
      status text not null,
      at timestamptz not null default now(),
      note text
    );
    create index event_status_history_event on event_status_history (event_id);
    create table event_cells (
      res smallint not null,
      period char(1) not null check (period in ('d', 'm')),
      start date not null,
      cell bigint not null,
      type text not null,
      n1 int not null default 0, n2 int not null default 0, n3 int not null default 0, n4 int not null default 0, n5 int not null default 0,
      g1 float8 not null default 0, g2 float8 not null default 0, g3 float8 not null default 0, g4 float8 not null default 0, g5 float8 not null default 0,
      primary key (res, period, start, type, cell)
    );
    -- a few cells over a long window (a street at res 10): by cell first
    create index event_cells_by_cell on event_cells (res, type, cell, period, start)
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists event_cells, event_status_history, event_batches cascade');
}

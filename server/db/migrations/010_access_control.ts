import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';
import { ROLES } from '../../auth/roles';

const roleCheck = `check (role in (${ROLES.map((r) => `'${r}'`).join(',')}))`;

/**
 * Accounts, sessions, API tokens and the audit trail. A user or token is scoped to an area
 * subtree by `area_code` (null: every area); area codes are not foreign keys, so re-importing
 * the areas does not touch accounts. Session and token secrets are stored as SHA-256 digests
 * only. An event batch remembers who sent it (its rejects are theirs to read). `audit_log` refuses UPDATE and DELETE (a trigger), so it can only grow.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create table users (
      id serial primary key,
      username text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
      display_name text,
      role text not null ${roleCheck},
      area_code char(12) check (area_code ~ '^[0-9]{12}$'),
      password_hash text not null,
      disabled boolean not null default false,
      created_at timestamptz not null default now()
    );
    create table sessions (
      token_hash bytea primary key,
      user_id int not null references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_user on sessions (user_id);
    create table api_tokens (
      id serial primary key,
      name text not null,
      token_hash bytea not null unique,
      role text not null ${roleCheck},
      area_code char(12) check (area_code ~ '^[0-9]{12}$'),
      permissions text[],
      created_by int references users(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz
    );
    create table audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor text not null,
      request_id text,
      action text not null,
      entity text not null,
      entity_id text not null,
      area_code char(12),
      before jsonb,
      after jsonb
    );
    alter table event_batches add column created_by text;
    create index audit_log_area_at on audit_log (area_code, at);
    create index audit_log_entity on audit_log (entity, entity_id, at);
    create function audit_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only: % refused', tg_op; end $$;
    create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_append_only()
  `);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, `
    drop table if exists audit_log, api_tokens, sessions, users cascade;
    drop function if exists audit_log_append_only()
  `);
}

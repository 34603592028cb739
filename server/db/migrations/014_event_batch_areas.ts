import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

/**
 * The area of an event batch's sender (its scope's root area; null: an unbounded sender), so an
 * admin reads only the batches of senders within its own scope (server/events/events.routes.ts).
 * Filled at ingest; batches sent before are given their sender's area as it is now, found by
 * `created_by` ('token:<id>:<name>' or 'user:<name>'); a sender no longer found leaves it null,
 * which only an unbounded admin (and the sender) may read.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    alter table event_batches add column area_code char(12) check (area_code ~ '^[0-9]{12}$');
    update event_batches b set area_code = t.area_code from api_tokens t
      where split_part(b.created_by, ':', 1) = 'token' and split_part(b.created_by, ':', 2) = t.id::text;
    update event_batches b set area_code = u.area_code from users u
      where b.created_by = 'user:' || u.username
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table event_batches drop column if exists area_code');
}

import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

/**
 * Events by area and time, for callers scoped to an area (server/auth/scope.ts): their listings
 * (newest first), heatmaps, hot spots and grid rankings read the events of their area in a
 * window, summed from the events (the rollups are per cell, not per area). A scope is decided on
 * the area code of its own level (server/events/event-scope.ts), so one index per level.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create index events_district_time on events (district_code, occurred_at);
    create index events_street_time on events (street_code, occurred_at);
    create index events_community_time on events (community_code, occurred_at)
  `);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, `
    drop index if exists events_district_time;
    drop index if exists events_street_time;
    drop index if exists events_community_time
  `);
}

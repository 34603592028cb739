import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

/** Tables whose rows the vector tiles are drawn from (server/tiles/sources.ts). */
export const TILE_TABLES = ['admin_areas', 'grids', 'barriers', 'address_points'] as const;

/**
 * A version number per kind of data that answers are cached from (server/db/data-versions.ts):
 * `events` (the heatmaps; bumped by the ingest's roll-up, server/events/rollups.ts) and `tiles`
 * (bumped by any transaction that writes a table the tiles are drawn from, through a deferred
 * trigger). A version is bumped by the last thing its transaction does, and the row stays locked
 * until the commit, so versions follow commit order: a snapshot that sees version v sees every
 * change numbered v or lower and none above. The tiles' trigger fires at commit, once per
 * transaction (a transaction-local setting remembers it fired), so a long import holds the row
 * for the commit only, not for its whole length.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create table data_versions (name text primary key, version bigint not null default 0);
    insert into data_versions (name) values ('events'), ('tiles');
    create function bump_tiles_version() returns trigger language plpgsql as $$ begin if coalesce(current_setting('gridatlas.tiles_bumped', true), '') = '' then perform set_config('gridatlas.tiles_bumped', 'yes', true); update data_versions set version = version + 1 where name = 'tiles'; end if; return null; end $$;
    ${TILE_TABLES.map((t) => `create constraint trigger ${t}_tiles_version after insert or update or delete on ${t} deferrable initially deferred for each row execute function bump_tiles_version()`).join(';\n')}
  `);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, `
    ${TILE_TABLES.map((t) => `drop trigger if exists ${t}_tiles_version on ${t}`).join(';\n')};
    drop function if exists bump_tiles_version();
    drop table if exists data_versions
  `);
}

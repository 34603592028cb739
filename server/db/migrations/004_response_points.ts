import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

export const RESPONSE_POINT_KINDS = ['police_station', 'quick_response', 'patrol', 'fire_station'] as const;

/**
 * Quick-response points (快速反应点): police stations, quick-response posts, patrol points and
 * fire stations, from which the "1-3-5 minute" reach areas are measured.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create table response_points (
      id bigserial primary key,
      ext_id text unique,
      kind text not null check (kind in (${RESPONSE_POINT_KINDS.map((k) => `'${k}'`).join(',')})),
      name text,
      properties jsonb not null default '{}',
      geom geometry(Point, 4326) not null
    );
    create index response_points_geom on response_points using gist (geom)
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists response_points');
}

import type { Knex } from 'knex';
import { DAY_ROLLUP_MAX_RES, EVENT_CELL_INDEX_RES, h3ParentSql } from '../../events/rollups';
import { runStatements } from './001_core_schema';

/**
 * Cheaper rollups on ingest (see server/events/rollups.ts):
 * - `event_cells` keeps day rows up to res 8 only (res 9–10 edge days are read from the events),
 *   and half of each page free, so adding to an existing key is a heap-only update;
 * - the events' res-12 cell index becomes one on (res-10 parent, occurred_at), through which a
 *   fine window's edge days are read per cell; its expression is the one heatmap.repo queries with.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    delete from event_cells where period = 'd' and res > ${DAY_ROLLUP_MAX_RES};
    alter table event_cells set (fillfactor = 50);
    drop index events_h3;
    create index events_h3_r10 on events ((${h3ParentSql('h3', String(EVENT_CELL_INDEX_RES))}), occurred_at)
  `);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, `
    drop index events_h3_r10;
    create index events_h3 on events (h3);
    alter table event_cells reset (fillfactor)
  `);
}

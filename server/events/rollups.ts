import type { Knex } from 'knex';
import { DEFAULT_RISK_MODEL } from '../risk/risk-model';

/** Resolutions the heatmap rollups keep (res 6 ≈ 36 km² cells … res 10 ≈ 0.015 km²). */
export const ROLLUP_RESOLUTIONS = [6, 7, 8, 9, 10] as const;

/**
 * Half-life of the risk score's time decay, in days: the risk model's. The rollups store each
 * event's decay growth under it, so changing it means re-ingesting the events.
 */
export const DECAY_HALF_LIFE_DAYS = DEFAULT_RISK_MODEL.halfLifeDays;

/** Decay growth is counted in days from here (China Standard Time midnight). */
export const DECAY_EPOCH_MS = Date.UTC(2019, 11, 31, 16); // 2020-01-01T00:00+08:00

/** SQL: the parent at resolution `res` (an expression) of an H3 index held as bigint — resolution in bits 52–55, the digits below it set to 7. */
export const h3ParentSql = (h3: string, res: string) => `((${h3} & ~(15::bigint << 52)) | (${res}::bigint << 52) | ((1::bigint << (3 * (15 - ${res}))) - 1))`;
const SEVERITIES = [1, 2, 3, 4, 5];

/**
 * Adds events to `event_cells`, set-based in the database: per resolution, day and month
 * (China Standard Time), parent cell, and type (and '*' for all types), counts and decay growth
 * by severity; the whole batch is aggregated first, so each key is written once.
 */
export async function rollUp(trx: Knex.Transaction, which: { batchId: number } | { ids: number[] }): Promise<void> {
  await trx.raw(
    `insert into event_cells (res, period, start, cell, type, n1, n2, n3, n4, n5, g1, g2, g3, g4, g5)
     select r.res, p.period, case when p.period = 'd' then e.day else e.month end, ${h3ParentSql('e.h3', 'r.res')}, t.type,
            ${SEVERITIES.map((s) => `count(*) filter (where e.severity = ${s})`).join(', ')},
            ${SEVERITIES.map((s) => `coalesce(sum(e.growth) filter (where e.severity = ${s}), 0)`).join(', ')}
     from (
       select h3, severity, type, (local_time)::date as day, date_trunc('month', local_time)::date as month,
              power(2::float8, (extract(epoch from occurred_at) * 1000 - ?) / 86400000.0 / ?) as growth
       from (select *, (occurred_at at time zone 'UTC') + interval '8 hours' as local_time from events
             where ${'batchId' in which ? 'batch_id = ?' : 'id = any(?::bigint[])'}) ev
     ) e
     cross join (values ${ROLLUP_RESOLUTIONS.map((r) => `(${r})`).join(', ')}) r(res)
     cross join (values ('d'), ('m')) p(period)
     cross join lateral (values (e.type), ('*')) t(type)
     group by 1, 2, 3, 4, 5
     on conflict (res, period, start, type, cell) do update set
       ${SEVERITIES.map((s) => `n${s} = event_cells.n${s} + excluded.n${s}, g${s} = event_cells.g${s} + excluded.g${s}`).join(', ')}`,
    [DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS, 'batchId' in which ? which.batchId : which.ids],
  );
}

import type { Knex } from 'knex';
import { bumpDataVersion } from '../db/data-versions';
import { DEFAULT_RISK_MODEL } from '../risk/risk-model';

/** Resolutions the heatmap rollups keep (res 6 ≈ 36 km² cells … res 10 ≈ 0.015 km²). */
export const ROLLUP_RESOLUTIONS = [6, 7, 8, 9, 10] as const;

/**
 * Day rows are kept up to this resolution; finer ones keep month rows only. At res 9 and 10 a
 * day row holds one or two events, so day rows there cost as much to write as the events
 * themselves: the days at a window's edges are read from the events instead (heatmap.repo).
 */
export const DAY_ROLLUP_MAX_RES = 8;

/** Resolution of the events' cell index (`events_h3_r10`) that the edge days of finer windows are read through. */
export const EVENT_CELL_INDEX_RES = 10;

/**
 * Half-life of the risk score's time decay, in days: the risk model's. The rollups store each
 * event's decay growth under it, so changing it means re-ingesting the events.
 */
export const DECAY_HALF_LIFE_DAYS = DEFAULT_RISK_MODEL.halfLifeDays;

/** Decay growth is counted in days from here (China Standard Time midnight). */
export const DECAY_EPOCH_MS = Date.UTC(2019, 11, 31, 16); // 2020-01-01T00:00+08:00

/** SQL: the parent at resolution `res` (an expression) of an H3 index held as bigint — resolution in bits 52–55, the digits below it set to 7. */
export const h3ParentSql = (h3: string, res: string) => `((${h3} & ~(15::bigint << 52)) | (${res}::bigint << 52) | ((1::bigint << (3 * (15 - ${res}))) - 1))`;

/** SQL: an event's time as China Standard Time wall-clock time, from its `occurred_at`. */
export const localTimeSql = (occurredAt: string) => `((${occurredAt} at time zone 'UTC') + interval '8 hours')`;

/**
 * SQL: an event's decay growth 2^(days since DECAY_EPOCH_MS / half-life); binds DECAY_EPOCH_MS and the
 * half-life in days (the rollups' DECAY_HALF_LIFE_DAYS, or a risk model's), in that order. In float8 throughout (date_part): as numeric (extract) the
 * exponent costs half the time of a whole scoped heatmap query.
 */
export const growthSql = (occurredAt: string) =>
  `power(2::float8, (date_part('epoch', ${occurredAt}) * 1000 - cast(? as float8)) / 86400000 / cast(? as float8))`;

/**
 * An event's decay growth at `ms` (epoch milliseconds), as growthSql computes it: what the rollups
 * store per event; its inverse at a window's end is the decay that turns growth into risk points then.
 */
export const decayGrowth = (ms: number, halfLifeDays: number = DECAY_HALF_LIFE_DAYS) => 2 ** ((ms - DECAY_EPOCH_MS) / 86_400_000 / halfLifeDays);

export const SEVERITIES = [1, 2, 3, 4, 5];

/** SQL select list: n1…n5 (events per severity) and g1…g5 (their decay growth), over rows with `severity` and `growth` columns. */
export const severitySumsSql = (e: string) => [
  ...SEVERITIES.map((s) => `count(*) filter (where ${e}.severity = ${s}) as n${s}`),
  ...SEVERITIES.map((s) => `coalesce(sum(${e}.growth) filter (where ${e}.severity = ${s}), 0) as g${s}`),
].join(', ');

/**
 * Adds events to `event_cells`, set-based in the database: per resolution, month and — up to
 * DAY_ROLLUP_MAX_RES — day (China Standard Time), parent cell, and type (and '*' for all
 * types), counts and decay growth by severity; the whole batch is aggregated first, so each key
 * is written once. The table's fill factor leaves room on each page, so adding to a key that
 * exists is a heap-only update that touches no index. Rows are written in key order, so
 * concurrent ingests lock the keys they share in the same order and wait for each other
 * instead of deadlocking (two single events of the same day share their day, month and '*' rows).
 * Last, bumps the events' data version (cached heatmap windows are kept under it) and returns it.
 */
export async function rollUp(trx: Knex.Transaction, which: { batchId: number } | { ids: number[] }): Promise<number> {
  await trx.raw(
    `insert into event_cells (res, period, start, cell, type, n1, n2, n3, n4, n5, g1, g2, g3, g4, g5)
     select r.res, p.period, case when p.period = 'd' then e.day else e.month end, ${h3ParentSql('e.h3', 'r.res')}, t.type, ${severitySumsSql('e')}
     from (
       select h3, severity, type, local_time::date as day, date_trunc('month', local_time)::date as month, ${growthSql('occurred_at')} as growth
       from (select *, ${localTimeSql('occurred_at')} as local_time from events
             where ${'batchId' in which ? 'batch_id = ?' : 'id = any(?::bigint[])'}) ev
     ) e
     cross join (values ${ROLLUP_RESOLUTIONS.map((r) => `(${r})`).join(', ')}) r(res)
     cross join (values ('d'), ('m')) p(period)
     cross join lateral (values (e.type), ('*')) t(type)
     where p.period = 'm' or r.res <= ${DAY_ROLLUP_MAX_RES}
     group by 1, 2, 3, 5, 4
     order by 1, 2, 3, 5, 4
     on conflict (res, period, start, type, cell) do update set
       ${SEVERITIES.map((s) => `n${s} = event_cells.n${s} + excluded.n${s}, g${s} = event_cells.g${s} + excluded.g${s}`).join(', ')}`,
    [DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS, 'batchId' in which ? which.batchId : which.ids],
  );
  return bumpDataVersion(trx, 'events');
}

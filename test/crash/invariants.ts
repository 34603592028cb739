/**
 * The database invariants a crash must not break, each read as a count of what is wrong (0: holds)
 * and the figures to print with it.
 */
import type { Knex } from 'knex';
import {
  DAY_ROLLUP_MAX_RES, DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS, ROLLUP_RESOLUTIONS, SEVERITIES,
  growthSql, h3ParentSql, localTimeSql, severitySumsSql,
} from '../../server/events/rollups';

const int = (v: unknown) => Number(v);

/**
 * The `event_cells` rollups against the same sums recomputed from the events table: per
 * resolution, period (day up to DAY_ROLLUP_MAX_RES, month), start, cell and type (and '*'), the
 * counts n1…n5 must be equal and the decay growth g1…g5 equal to 1e-9 relative. A key on one side
 * only is a mismatch too (unless its counts are all zero).
 */
export async function rollupMismatches(knex: Knex): Promise<{ keys: number; events: number; mismatched: number; sample: unknown[] }> {
  const fresh = `
    select r.res, p.period, case when p.period = 'd' then e.day else e.month end as start, ${h3ParentSql('e.h3', 'r.res')} as cell, t.type, ${severitySumsSql('e')}
    from (
      select h3, severity, type, local_time::date as day, date_trunc('month', local_time)::date as month, ${growthSql('occurred_at')} as growth
      from (select *, ${localTimeSql('occurred_at')} as local_time from events) ev
    ) e
    cross join (values ${ROLLUP_RESOLUTIONS.map((r) => `(${r})`).join(', ')}) r(res)
    cross join (values ('d'), ('m')) p(period)
    cross join lateral (values (e.type), ('*')) t(type)
    where p.period = 'm' or r.res <= ${DAY_ROLLUP_MAX_RES}
    group by 1, 2, 3, 5, 4`;
  const differs = SEVERITIES.map((s) => `f.n${s} <> c.n${s} or abs(f.g${s} - c.g${s}) > 1e-9 * greatest(abs(f.g${s}), abs(c.g${s}), 1)`).join(' or ');
  const { rows: [r] } = await knex.raw(
    `with f as (${fresh}),
     j as (
       select coalesce(f.res, c.res) as res, coalesce(f.period, c.period) as period, coalesce(f.start, c.start) as start,
         coalesce(f.cell, c.cell) as cell, coalesce(f.type, c.type) as type,
         array[${SEVERITIES.map((s) => `f.n${s}`).join(', ')}] as fresh, array[${SEVERITIES.map((s) => `c.n${s}`).join(', ')}] as rollup,
         case when f.res is null then ${SEVERITIES.map((s) => `c.n${s}`).join(' + ')} <> 0
              when c.res is null then true
              else (${differs}) end as bad
       from f full join event_cells c on c.res = f.res and c.period = f.period and c.start = f.start and c.cell = f.cell and c.type = f.type
     )
     select count(*) as keys, count(*) filter (where bad) as mismatched, (select count(*) from events) as events,
       coalesce((select json_agg(x) from (select res, period, start, cell::text as cell, type, fresh, rollup from j where bad limit 3) x), '[]'::json) as sample
     from j`,
    [DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS],
  );
  const sample = (typeof r.sample === 'string' ? JSON.parse(r.sample) : r.sample) as unknown[];
  return { keys: int(r.keys), events: int(r.events), mismatched: int(r.mismatched), sample: sample.slice(0, 3) };
}

/** Batches whose counts disagree with their events: rows ≠ accepted + duplicates + rejected, or accepted ≠ the events that name the batch. */
export async function batchMismatches(knex: Knex): Promise<{ batches: number; mismatched: number; sample: unknown[] }> {
  const { rows } = await knex.raw(
    `select b.id, b.source, b.rows, b.accepted, b.duplicates, b.rejected, (select count(*) from events e where e.batch_id = b.id)::int as events
     from event_batches b order by b.id`);
  const bad = (rows as { rows: number; accepted: number; duplicates: number; rejected: number; events: number }[])
    .filter((b) => b.rows !== b.accepted + b.duplicates + b.rejected || b.accepted !== b.events);
  return { batches: rows.length, mismatched: bad.length, sample: bad.slice(0, 3) };
}

/**
 * Events without exactly one first row in their status history: the row ingest writes with the
 * event (its status as it came in, at its reported time), in the same statement.
 */
export async function historyMismatches(knex: Knex): Promise<{ events: number; mismatched: number; orphans: number }> {
  const { rows: [r] } = await knex.raw(
    `select count(*)::int as events,
       count(*) filter (where (select count(*) from event_status_history h where h.event_id = e.id and h.at = e.reported_at) <> 1)::int as mismatched,
       (select count(*)::int from event_status_history h where not exists (select 1 from events x where x.id = h.event_id)) as orphans
     from events e`);
  return { events: r.events, mismatched: r.mismatched, orphans: r.orphans };
}

/** Rows of every table a partition writes. */
export async function planTableCounts(knex: Knex): Promise<Record<string, number>> {
  const { rows: [r] } = await knex.raw(
    `select (select count(*) from grid_layers)::int as grid_layers, (select count(*) from grid_plans)::int as grid_plans,
       (select count(*) from grid_plans where status = 'draft')::int as draft_plans, (select count(*) from grids)::int as grids,
       (select count(*) from grid_units)::int as grid_units, (select count(*) from grid_plan_edits)::int as grid_plan_edits`);
  return r;
}

export const sameCounts = (a: Record<string, number>, b: Record<string, number>) => JSON.stringify(a) === JSON.stringify(b);
export const showCounts = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ');

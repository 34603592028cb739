import { cellToChildren } from 'h3-js';
import type { Knex } from 'knex';
import { EVERYWHERE, type Scope } from '../auth/scope';
import { eventScopeSql } from '../events/event-scope';
import { DAY_ROLLUP_MAX_RES, DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS, EVENT_CELL_INDEX_RES, growthSql, h3ParentSql, localTimeSql, SEVERITIES, severitySumsSql } from '../events/rollups';
import { cstMidnight, splitWindow, type DayWindow } from './time-window';

/** Events and decay growth of one cell and type over a window, by severity 1…5. */
export interface CellTypeSums { cell: string; type: string; n: number[]; g: number[] }

/** Which type rows to read: the all-types rows, or one row per type (all types, or those listed). */
export type TypeRows = { all: true } | { each: string[] | null };

const asBigint = (hex: string) => BigInt(`0x${hex}`).toString();

/** Weights of the risk score that the database applies while summing (the risk model's). */
export interface RiskWeights { byType: Record<string, number>; defaultType: number; bySeverity: number[] }

/** Events of one cell over a window, and their decay growth weighted by type and severity. */
export interface CellRiskSums { cell: string; count: number; weightedGrowth: number }

/**
 * Sums a window per cell and type at one resolution: month rows of the rollups for the whole
 * months, and for the days at the edges day rows (up to DAY_ROLLUP_MAX_RES) or the events
 * themselves (finer resolutions, read per cell through the events' res-10 cell index).
 * `cells` (hex), when given, limits the answer to them. A bounded `scope` counts only the events
 * in it, summed from the events themselves (the rollups are per cell, not per area); with
 * `countsOnly` their decay growth is not computed there (g is then 0).
 */
export async function windowSums(knex: Knex, res: number, window: DayWindow, types: TypeRows, cells: string[] | null, scope: Scope = EVERYWHERE, opts: { countsOnly?: boolean } = {}): Promise<CellTypeSums[]> {
  const rows = scope.prefix ? scopedRows(res, window, types, cells, scope, !opts.countsOnly) : windowRows(res, window, types, cells);
  const { rows: sums } = await knex.raw(
    `select cell::text as cell, type, sum(n1)::int as n1, sum(n2)::int as n2, sum(n3)::int as n3, sum(n4)::int as n4, sum(n5)::int as n5,
            sum(g1) as g1, sum(g2) as g2, sum(g3) as g3, sum(g4) as g4, sum(g5) as g5
     from (${rows.sql}) parts group by cell, type`,
    rows.bindings,
  );
  return sums.map((r: Record<string, string | number>) => ({
    cell: BigInt(r.cell as string).toString(16),
    type: r.type as string,
    n: [r.n1, r.n2, r.n3, r.n4, r.n5].map(Number),
    g: [r.g1, r.g2, r.g3, r.g4, r.g5].map(Number),
  }));
}

/**
 * Like windowSums, but one row per cell with the types (all, or those listed) weighed in the
 * database: Σ type weight × Σ severity weight × decay growth, so a city-wide risk map moves one
 * row per cell rather than one per cell and type. `cells` (hex), when given, limits the answer to them.
 */
export async function windowRiskSums(knex: Knex, res: number, window: DayWindow, types: string[] | null, weights: RiskWeights, scope: Scope = EVERYWHERE, cells: string[] | null = null): Promise<CellRiskSums[]> {
  const rows = scope.prefix ? scopedRows(res, window, { each: types }, cells, scope, true) : windowRows(res, window, { each: types }, cells);
  const typeWeights = Object.entries(weights.byType);
  const { rows: sums } = await knex.raw(
    `select cell::text as cell, sum(n1 + n2 + n3 + n4 + n5)::int as count,
            sum(case type ${typeWeights.map(() => 'when ? then cast(? as float8)').join(' ')} else cast(? as float8) end
                * (${SEVERITIES.map((s) => `cast(? as float8) * g${s}`).join(' + ')})) as weighted
     from (${rows.sql}) parts group by cell`,
    [...typeWeights.flat(), weights.defaultType, ...SEVERITIES.map((s) => weights.bySeverity[s]), ...rows.bindings],
  );
  return sums.map((r: { cell: string; count: number; weighted: number }) => ({ cell: BigInt(r.cell).toString(16), count: r.count, weightedGrowth: Number(r.weighted) }));
}

/** SQL (and bindings) of a window's rows per cell and type: (cell, type, n1…n5, g1…g5), to be summed. */
function windowRows(res: number, window: DayWindow, types: TypeRows, cells: string[] | null): { sql: string; bindings: Knex.RawBinding[] } {
  const parts = splitWindow(window);
  const edgesFromEvents = res > DAY_ROLLUP_MAX_RES && parts.dayRanges.length > 0;
  const rollupDays = edgesFromEvents ? [] : parts.dayRanges;
  const typeList = 'each' in types && types.each ? [types.each] : [];
  const rollups = {
    sql: `select cell, type, n1, n2, n3, n4, n5, g1, g2, g3, g4, g5 from event_cells
          where res = ? and ${'all' in types ? "type = '*'" : types.each ? 'type = any(?::text[])' : "type <> '*'"}
            and ((period = 'm' and start >= ? and start < ?)${rollupDays.map(() => ` or (period = 'd' and start >= ? and start < ?)`).join('')})
            ${cells ? 'and cell = any(?::bigint[])' : ''}`,
    bindings: [res, ...typeList, parts.monthsFrom, parts.monthsTo, ...rollupDays.flat(), ...(cells ? [cells.map(asBigint)] : [])],
  };
  if (!edgesFromEvents) return rollups;
  const indexed = h3ParentSql('h3', String(EVENT_CELL_INDEX_RES));
  const fine = cells?.flatMap((c) => cellToChildren(c, EVENT_CELL_INDEX_RES)) ?? null;
  return {
    sql: `${rollups.sql}
          union all
          select ${h3ParentSql('e.h3', String(res))}, ${'all' in types ? "'*'" : 'e.type'}, ${severitySumsSql('e')}
          from (select h3, type, severity, ${growthSql('occurred_at')} as growth from events
                where h3 is not null and (${parts.dayRanges.map(() => '(occurred_at >= ? and occurred_at < ?)').join(' or ')})
                  ${typeList.length ? 'and type = any(?::text[])' : ''} ${fine ? `and ${indexed} = any(?::bigint[])` : ''}) e
          group by 1, 2`,
    bindings: [...rollups.bindings, DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS, ...parts.dayRanges.flat().map(cstMidnight), ...typeList, ...(fine ? [fine.map(asBigint)] : [])],
  };
}

/**
 * Most fine cells a scoped query names through the events' res-10 cell index; past it, the cells
 * are matched by their parent expression while the scope's (area code, time) index drives.
 */
const SCOPED_FINE_CELLS_MAX = 10_000;

/**
 * SQL of a window's rows per cell and type, like windowRows, but summed from the events of a
 * bounded scope: the events of the scope's area (by the area code of its level) in the window,
 * read through an (area code, occurred_at) index (migration 013).
 */
function scopedRows(res: number, window: DayWindow, types: TypeRows, cells: string[] | null, scope: Scope, growth: boolean): { sql: string; bindings: Knex.RawBinding[] } {
  const within = eventScopeSql(scope, 'ev');
  const typeList = 'each' in types && types.each ? [types.each] : [];
  const fine = cells && res <= EVENT_CELL_INDEX_RES && cells.length * 7 ** (EVENT_CELL_INDEX_RES - res) <= SCOPED_FINE_CELLS_MAX
    ? cells.flatMap((c) => cellToChildren(c, EVENT_CELL_INDEX_RES)) : null;
  const cellFilter = !cells ? '' : fine ? `and ${h3ParentSql('ev.h3', String(EVENT_CELL_INDEX_RES))} = any(?::bigint[])` : `and ${h3ParentSql('ev.h3', String(res))} = any(?::bigint[])`;
  // grouped by severity first, then spread over n1…n5, g1…g5: a quarter of the time of ten filtered aggregates per event
  return {
    sql: `select cell, type, ${SEVERITIES.map((v) => `case when severity = ${v} then n else 0 end as n${v}`).join(', ')},
                 ${SEVERITIES.map((v) => `case when severity = ${v} then g else 0 end as g${v}`).join(', ')}
          from (select ${h3ParentSql('ev.h3', String(res))} as cell, ${'all' in types ? "'*'" : 'ev.type'} as type, ev.severity, count(*) as n, ${growth ? `sum(${growthSql('ev.occurred_at')})` : '0'} as g
                from events ev
                where ${within.sql} and ev.occurred_at >= ? and ev.occurred_at < ? and ev.h3 is not null
                  ${typeList.length ? 'and ev.type = any(?::text[])' : ''} ${cellFilter}
                group by 1, 2, 3) s`,
    bindings: [...(growth ? [DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS] : []), ...within.bindings, cstMidnight(window.from), cstMidnight(window.to), ...typeList,
      ...(cells ? [(fine ?? cells).map(asBigint)] : [])],
  };
}

/** First and last day (China Standard Time) with events in the scope; the rollups' for the unbounded scope. */
export async function eventDays(knex: Knex, scope: Scope = EVERYWHERE): Promise<{ first: string | null; last: string | null }> {
  if (!scope.prefix) {
    const { rows: [range] } = await knex.raw(`select min(start)::text as first, max(start)::text as last from event_cells where res = 6 and period = 'd' and type = '*'`);
    return range;
  }
  const within = eventScopeSql(scope);
  const { rows: [range] } = await knex.raw(
    `select to_char(${localTimeSql('min(e.occurred_at)')}, 'YYYY-MM-DD') as first, to_char(${localTimeSql('max(e.occurred_at)')}, 'YYYY-MM-DD') as last
     from events e where ${within.sql}`, within.bindings);
  return range;
}

/**
 * First and last day with events, and the event types with their counts: from the rollups, or
 * for a bounded scope from the events in it.
 */
export async function eventRange(knex: Knex, scope: Scope = EVERYWHERE): Promise<{ first: string | null; last: string | null; types: { type: string; events: number }[] }> {
  const range = await eventDays(knex, scope);
  if (!scope.prefix) {
    const { rows: types } = await knex.raw(
      `select type, sum(n1 + n2 + n3 + n4 + n5)::int as events from event_cells where res = 6 and period = 'm' and type <> '*' group by type order by 2 desc`);
    return { ...range, types };
  }
  const within = eventScopeSql(scope);
  const { rows: types } = await knex.raw(`select e.type, count(*)::int as events from events e where ${within.sql} group by e.type order by 2 desc, 1`, within.bindings);
  return { ...range, types };
}

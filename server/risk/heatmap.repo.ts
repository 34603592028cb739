import { cellToChildren } from 'h3-js';
import type { Knex } from 'knex';
import { EVERYWHERE, type Scope } from '../auth/scope';
import { eventScopeSql } from '../events/event-scope';
import { DAY_ROLLUP_MAX_RES, DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS, EVENT_CELL_INDEX_RES, growthSql, h3ParentSql, localTimeSql, ROLLUP_RESOLUTIONS, SEVERITIES, severitySumsSql } from '../events/rollups';
import { cellList, scopePlan, type CellList, type CellRanges } from './scope-cells';
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
 * in it: from the rollups in the cells wholly inside its area, from the events themselves
 * (by area code) in the cells on its edge (boundedRows); with `countsOnly` their decay growth is
 * not computed (g is then 0).
 */
export async function windowSums(knex: Knex, res: number, window: DayWindow, types: TypeRows, cells: string[] | null, scope: Scope = EVERYWHERE, opts: { countsOnly?: boolean } = {}): Promise<CellTypeSums[]> {
  const rows = scope.prefix ? await boundedRows(knex, res, window, types, cells, scope, !opts.countsOnly) : windowRows(res, window, types, cells);
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
 * row per cell rather than one per cell and type.
 */
export async function windowRiskSums(knex: Knex, res: number, window: DayWindow, types: string[] | null, cells: string[] | null, weights: RiskWeights, scope: Scope = EVERYWHERE): Promise<CellRiskSums[]> {
  const rows = scope.prefix ? await boundedRows(knex, res, window, { each: types }, cells, scope, true) : windowRows(res, window, { each: types }, cells);
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

type SqlPart = { sql: string; bindings: Knex.RawBinding[] };

/**
 * SQL of a bounded scope's window rows per cell and type (cell, type, n1…n5, g1…g5), to be summed,
 * each event counted once as its plan says (scopePlan, scope-cells.ts):
 *
 * - the rollups at `res` of the cells under an interior cell of a level up to `res`: month rows,
 *   and (up to DAY_ROLLUP_MAX_RES) the edge days' day rows;
 * - the rollups of the finer levels' interior cells (a band along the boundary), summed to their
 *   parents: month rows, and day rows at levels up to DAY_ROLLUP_MAX_RES;
 * - the events in the scope of the edge cells (res 10) over the whole months, through the events'
 *   (res-10 cell, time) index, one range scan each;
 * - the edge days' events that no day row holds, through the scope's (area code, time) index: at
 *   `res` up to DAY_ROLLUP_MAX_RES those of the edge cells and of the interior cells of levels 9
 *   and 10, at finer resolutions all.
 *
 * The same sums as the scope's events alone (scopedRows), which remain the answer without a plan.
 */
async function boundedRows(knex: Knex, res: number, window: DayWindow, types: TypeRows, cells: string[] | null, scope: Scope, growth: boolean): Promise<SqlPart> {
  const plan = await scopePlan(knex, scope, res);
  if (!plan) return scopedRows(res, [[window.from, window.to]], types, cells ? { cells } : null, scope, growth ? 'fast' : null);
  const parts = splitWindow(window);
  const months: [string, string][] = parts.monthsFrom < parts.monthsTo ? [[parts.monthsFrom, parts.monthsTo]] : [];
  const typeList = 'each' in types && types.each ? [types.each] : [];
  // all types named (those of the res-6 month rows, which every event adds to) rather than type <> '*', which no index seeks on
  const anyType = 'each' in types && !types.each;
  const typeCondition = 'all' in types ? "ec.type = '*'" : types.each ? 'ec.type = any(cast(? as text[]))' : 'ec.type = any(array(select type from rollup_types))';
  const sums = SEVERITIES.map((v) => (growth ? `sum(ec.g${v}) as g${v}` : `0 as g${v}`)).join(', ');
  // limited to the cells asked for (by their parent at res)
  const keep = cells ? new Set(cells) : null;
  const pick = (list: CellList): CellList => {
    if (!keep) return list;
    const kept = list.cells.filter((_, i) => keep.has(list.parents[i]));
    return kept.length === list.cells.length ? list : cellList(kept, list.res, res);
  };
  const branches: SqlPart[] = [];
  /**
   * Rollup rows of cells at `level` (bigint ids) over month or day ranges, summed per cell at res and type, one
   * branch per range: `byCell`, each cell's rows one range of the (res, cell, …) index, cell by cell (offset 0: a
   * nested loop, which the planner would otherwise turn into a scan of the table for a few thousand cells); else
   * (the scope covers much of the city) the level's rows of the range through the primary key (res, period, start,
   * …), cells kept by a hashed list (`+ 0`: not an index condition, which would probe the other index per cell).
   */
  const rollups = (level: number, ids: string[], ranges: [string, string][], period: 'm' | 'd', byCell: boolean) => {
    for (const [from, to] of ranges) {
      const where = `ec.res = ? and ${byCell ? 'ec.cell = u.cell' : 'ec.cell + 0 = any(cast(? as bigint[]))'} and ${typeCondition} and ec.period = '${period}' and ec.start >= ? and ec.start < ?`;
      branches.push({
        sql: `select ${level === res ? 'ec.cell' : h3ParentSql('ec.cell', String(res))} as cell, ec.type, ${SEVERITIES.map((v) => `sum(ec.n${v}) as n${v}`).join(', ')}, ${sums}
              from ${byCell ? `unnest(cast(? as bigint[])) as u(cell) cross join lateral (select * from event_cells ec where ${where} offset 0) ec` : `event_cells ec where ${where}`}
              group by 1, 2`,
        bindings: byCell ? [ids, level, ...typeList, from, to] : [level, ids, ...typeList, from, to],
      });
    }
  };
  const own = keep ? cells!.filter(plan.own.has).map(asBigint) : plan.own.ids;
  if (own.length) {
    rollups(res, own, months, 'm', plan.own.byCell);
    if (res <= DAY_ROLLUP_MAX_RES) rollups(res, own, parts.dayRanges, 'd', plan.own.byCell);
  }
  // res-10 cells whose edge days no day row holds (read from the events below)
  const noDayRows: string[] = [];
  for (const level of plan.finer) {
    const list = pick(level);
    if (!list.cells.length) continue;
    rollups(level.res, list.ids, months, 'm', true);
    if (level.res <= DAY_ROLLUP_MAX_RES) rollups(level.res, list.ids, parts.dayRanges, 'd', true);
    else noDayRows.push(...list.ids10);
  }
  // the events, with the decay growth the rollups hold (growthSql), so both sources give an event the same points:
  // the edge cells' over the whole months, through the cell index; every edge day's, through the scope's index
  const asRollups = growth ? 'rollups' : null;
  const edge = pick(plan.edge);
  if (edge.cells.length && months.length) branches.push(scopedRows(res, months, types, { ranges: edge.ranges10 }, scope, asRollups));
  if (parts.dayRanges.length) {
    if (res > DAY_ROLLUP_MAX_RES) branches.push(scopedRows(res, parts.dayRanges, types, cells ? { cells } : null, scope, asRollups));
    else if (noDayRows.length || edge.cells.length) branches.push(scopedRows(res, parts.dayRanges, types, { ids10: [...noDayRows, ...edge.ids10] }, scope, asRollups));
  }
  if (!branches.length) return { sql: 'select cast(null as bigint) as cell, cast(null as text) as type, 0 as n1, 0 as n2, 0 as n3, 0 as n4, 0 as n5, 0 as g1, 0 as g2, 0 as g3, 0 as g4, 0 as g5 where false', bindings: [] };
  const named = anyType && branches.some((b) => b.sql.includes('rollup_types')) ? `with rollup_types as (select distinct type from event_cells where res = ${ROLLUP_RESOLUTIONS[0]} and period = 'm' and type <> '*')\n          ` : '';
  return { sql: named + branches.map((b) => b.sql).join('\n          union all\n          '), bindings: branches.flatMap((b) => b.bindings) };
}

/**
 * SQL of rows per cell and type, like windowRows, but summed from the events of a bounded scope:
 * the events of the scope's area (by the area code of its level) in the day ranges (CST, [from,
 * to)), read through an (area code, occurred_at) index (migration 013) — all, those of `cells`
 * (at `res`) or of `ids10` (res-10 cells) —, or, for `ranges` of res-10 cells, through the events'
 * (res-10 cell, occurred_at) index, one range scan each.
 */
function scopedRows(res: number, days: [string, string][], types: TypeRows, where: { cells: string[] } | { ranges: CellRanges } | { ids10: string[] } | null, scope: Scope, growth: 'fast' | 'rollups' | null): SqlPart {
  const within = eventScopeSql(scope, 'ev');
  const typeList = 'each' in types && types.each ? [types.each] : [];
  const cells = where && 'cells' in where ? where.cells : null;
  const ranges = where && 'ranges' in where ? where.ranges : null;
  const ids10 = where && 'ids10' in where ? where.ids10 : null;
  const fine = cells && res <= EVENT_CELL_INDEX_RES && cells.length * 7 ** (EVENT_CELL_INDEX_RES - res) <= SCOPED_FINE_CELLS_MAX
    ? cells.flatMap((c) => cellToChildren(c, EVENT_CELL_INDEX_RES)) : null;
  const indexed = h3ParentSql('ev.h3', String(EVENT_CELL_INDEX_RES));
  // ids10: res-10 cells kept by a hashed list while the scope's (area code, time) index drives (+ 0: not a probe of the cell index per cell)
  const cellFilter = ids10 ? `and ${indexed} + 0 = any(cast(? as bigint[]))`
    : !cells ? '' : fine ? `and ${indexed} = any(cast(? as bigint[]))` : `and ${h3ParentSql('ev.h3', String(res))} = any(cast(? as bigint[]))`;
  const conditions = `${within.sql} and (${days.map(() => '(ev.occurred_at >= ? and ev.occurred_at < ?)').join(' or ')}) and ev.h3 is not null
                  ${typeList.length ? 'and ev.type = any(cast(? as text[]))' : ''} ${cellFilter}`;
  // one index range scan per range (offset 0: not flattened into a join the planner may filter instead)
  const source = ranges
    ? `unnest(cast(? as bigint[]), cast(? as bigint[])) as r(lo, hi)
       cross join lateral (select ev.h3, ev.type, ev.severity, ev.occurred_at from events ev where ${indexed} between r.lo and r.hi and ${conditions} offset 0) ev`
    : `events ev where ${conditions}`;
  // grouped by severity first, then spread over n1…n5, g1…g5: a quarter of the time of ten filtered aggregates per event;
  // the growth in float8 (date_part, 'fast'): as numeric (extract) it takes half the time of the whole statement — but
  // summed with rollups, as they hold it ('rollups': growthSql), so an event's points do not depend on where they are read
  const growthOf = growth === 'rollups' ? growthSql('ev.occurred_at') : `power(2::float8, (date_part('epoch', ev.occurred_at) * 1000 - cast(? as float8)) / 86400000 / cast(? as float8))`;
  return {
    sql: `select cell, type, ${SEVERITIES.map((v) => `case when severity = ${v} then n else 0 end as n${v}`).join(', ')},
                 ${SEVERITIES.map((v) => `case when severity = ${v} then g else 0 end as g${v}`).join(', ')}
          from (select ${h3ParentSql('ev.h3', String(res))} as cell, ${'all' in types ? "'*'" : 'ev.type'} as type, ev.severity, count(*) as n, ${growth ? `sum(${growthOf})` : '0'} as g
                from ${source}
                group by 1, 2, 3) s`,
    bindings: [...(growth ? [DECAY_EPOCH_MS, DECAY_HALF_LIFE_DAYS] : []), ...(ranges ? [ranges.lo, ranges.hi] : []), ...within.bindings, ...days.flat().map(cstMidnight), ...typeList,
      ...(ids10 ? [ids10] : cells ? [(fine ?? cells).map(asBigint)] : [])],
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

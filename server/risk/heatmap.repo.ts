import type { Knex } from 'knex';
import { splitWindow, type DayWindow } from './time-window';

/** Events and decay growth of one cell and type over a window, by severity 1…5. */
export interface CellTypeSums { cell: string; type: string; n: number[]; g: number[] }

/** Which type rows to read: the all-types rows, or one row per type (all types, or those listed). */
export type TypeRows = { all: true } | { each: string[] | null };

/**
 * Sums the rollups of a window per cell and type at one resolution: month rows for the whole
 * months, day rows for the edges. `cells` (hex), when given, limits the answer to them.
 */
export async function windowSums(knex: Knex, res: number, window: DayWindow, types: TypeRows, cells: string[] | null): Promise<CellTypeSums[]> {
  const parts = splitWindow(window);
  const dayClauses = parts.dayRanges.map(() => `(period = 'd' and start >= ? and start < ?)`);
  const { rows } = await knex.raw(
    `select cell::text as cell, type, sum(n1)::int as n1, sum(n2)::int as n2, sum(n3)::int as n3, sum(n4)::int as n4, sum(n5)::int as n5,
            sum(g1) as g1, sum(g2) as g2, sum(g3) as g3, sum(g4) as g4, sum(g5) as g5
     from event_cells
     where res = ? and ${'all' in types ? "type = '*'" : types.each ? 'type = any(?::text[])' : "type <> '*'"}
       and ((period = 'm' and start >= ? and start < ?)${dayClauses.map((c) => ` or ${c}`).join('')})
       ${cells ? 'and cell = any(?::bigint[])' : ''}
     group by cell, type`,
    [res, ...('each' in types && types.each ? [types.each] : []), parts.monthsFrom, parts.monthsTo, ...parts.dayRanges.flat(), ...(cells ? [cells.map((c) => BigInt(`0x${c}`).toString())] : [])],
  );
  return rows.map((r: Record<string, string | number>) => ({
    cell: BigInt(r.cell as string).toString(16),
    type: r.type as string,
    n: [r.n1, r.n2, r.n3, r.n4, r.n5].map(Number),
    g: [r.g1, r.g2, r.g3, r.g4, r.g5].map(Number),
  }));
}

/** First and last day with events, and the event types with their counts. */
export async function eventRange(knex: Knex): Promise<{ first: string | null; last: string | null; types: { type: string; events: number }[] }> {
  const { rows: [range] } = await knex.raw(`select min(start)::text as first, max(start)::text as last from event_cells where res = 6 and period = 'd' and type = '*'`);
  const { rows: types } = await knex.raw(
    `select type, sum(n1 + n2 + n3 + n4 + n5)::int as events from event_cells where res = 6 and period = 'm' and type <> '*' group by type order by 2 desc`);
  return { first: range.first, last: range.last, types };
}

/** A heatmap time window in whole days (China Standard Time): from inclusive, to exclusive, `YYYY-MM-DD`. */
export interface DayWindow { from: string; to: string }

/** China Standard Time midnight starting a `YYYY-MM-DD` day, as an ISO 8601 time with its offset. */
export const cstMidnight = (day: string) => `${day}T00:00:00+08:00`;

/** The window's rollup rows: the whole months inside it, and the days at its edges. */
export interface WindowParts {
  /** first and end (exclusive) month start of the whole months; equal when there are none */
  monthsFrom: string;
  monthsTo: string;
  /** day ranges [from, to) outside those months */
  dayRanges: [string, string][];
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

/**
 * Splits [from, to) into whole calendar months and the days before and after them, so a window
 * of a year reads 12 month rows per cell plus at most 60 day rows.
 *
 * @example splitWindow({ from: '2026-01-15', to: '2026-04-03' })
 * // months 2026-02-01 … 2026-04-01, days [2026-01-15, 2026-02-01) and [2026-04-01, 2026-04-03)
 */
export function splitWindow({ from, to }: DayWindow): WindowParts {
  const firstWhole = from === monthStart(from) ? from : nextMonth(from);
  const lastEnd = monthStart(to);
  if (firstWhole >= lastEnd) return { monthsFrom: firstWhole, monthsTo: firstWhole, dayRanges: [[from, to]] };
  const dayRanges: [string, string][] = [];
  if (from < firstWhole) dayRanges.push([from, firstWhole]);
  if (lastEnd < to) dayRanges.push([lastEnd, to]);
  return { monthsFrom: firstWhole, monthsTo: lastEnd, dayRanges };
}

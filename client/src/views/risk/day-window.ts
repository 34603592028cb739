import type { DayWindow, TimelineBucket } from '../../api/risk-types';

const DAY_MS = 86_400_000;

const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * A calendar day `days` later (earlier when negative).
 * @example addDays('2026-02-27', 2) // '2026-03-01'
 */
export const addDays = (day: string, days: number): string => dayOf(dayMs(day) + days * DAY_MS);

/** Whole days from `from` to `to`, e.g. daysBetween('2026-01-01', '2026-01-31') → 30. */
export const daysBetween = (from: string, to: string): number => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);

/**
 * The `days`-day window whose last day is `lastDay`, as the API takes it (to exclusive).
 * @example windowEndingOn('2026-10-31', 30) // { from: '2026-10-02', to: '2026-11-01' }
 */
export const windowEndingOn = (lastDay: string, days: number): DayWindow => ({ from: addDays(lastDay, 1 - days), to: addDays(lastDay, 1) });

/** The first day of the bucket holding `day`: itself, the Monday of its week (as PostgreSQL's date_trunc), or the 1st of its month. */
function bucketStart(day: string, bucket: TimelineBucket): string {
  if (bucket === 'day') return day;
  if (bucket === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(dayMs(day)).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

function nextBucket(start: string, bucket: TimelineBucket): string {
  if (bucket === 'day') return addDays(start, 1);
  if (bucket === 'week') return addDays(start, 7);
  const [year, month] = start.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/**
 * The starts of every bucket a window touches, as the timeline API names them (it lists only
 * those with events).
 * @example bucketStarts({ from: '2026-03-04', to: '2026-03-20' }, 'week') // ['2026-03-02', '2026-03-09', '2026-03-16']
 */
export function bucketStarts(window: DayWindow, bucket: TimelineBucket): string[] {
  const starts: string[] = [];
  for (let start = bucketStart(window.from, bucket); start < window.to; start = nextBucket(start, bucket)) starts.push(start);
  return starts;
}

/**
 * The `datetime` parameter of OGC API – Features: an instant or a closed or half-bounded
 * interval, as the times of events are compared with it.
 *
 * - an instant: `2026-03-01T08:30:00Z` (RFC 3339 date-time, offset required) or a whole day
 *   `2026-03-01`;
 * - an interval: `start/end`, either end may be `..` (or empty) for unbounded;
 *   `2026-03-01/2026-03-31` holds both days whole.
 *
 * A date without a time is a day in China Standard Time (UTC+8), as the heatmaps and rankings
 * count days. Both ends are inclusive, as "intersects" in the standard means.
 *
 * @example parseDatetime('2026-03-01/..') // { start: 2026-02-28T16:00:00.000Z, end: null, endExclusive: false }
 */
export interface TimeInterval {
  /** first instant included; null: unbounded */
  start: Date | null;
  /** last instant (or, with endExclusive, the first instant after the interval); null: unbounded */
  end: Date | null;
  /** true when `end` is the start of the day after a date-only end */
  endExclusive: boolean;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** A day as the UTC instant of its midnight in China Standard Time, or null when it is no calendar day. */
function cstMidnight(day: string): Date | null {
  const m = DATE.exec(day)!;
  const d = new Date(`${day}T00:00:00+08:00`);
  const back = new Date(d.getTime() + 8 * 3_600_000);
  const sameDay = back.getUTCFullYear() === Number(m[1]) && back.getUTCMonth() + 1 === Number(m[2]) && back.getUTCDate() === Number(m[3]);
  return Number.isNaN(d.getTime()) || !sameDay ? null : d;
}

type Bound = { at: Date; day: boolean } | null;

/** One end of an interval or an instant; throws with the offending text. */
function parseInstant(text: string): Bound {
  if (text === '..' || text === '') return null;
  if (DATE.test(text)) {
    const at = cstMidnight(text);
    if (!at) throw new Error(`'${text}' is not a calendar date`);
    return { at, day: true };
  }
  if (DATE_TIME.test(text)) {
    const at = new Date(text.replace(' ', 'T'));
    if (!Number.isNaN(at.getTime())) return { at, day: false };
  }
  throw new Error(`'${text}' is neither an RFC 3339 date-time with an offset (2026-03-01T08:30:00Z) nor a date (2026-03-01)`);
}

/** Parses `datetime`; throws an Error whose message says what is wrong with which part. */
export function parseDatetime(value: string): TimeInterval {
  const parts = value.split('/');
  if (parts.length > 2) throw new Error(`'${value}' has more than one '/': an instant or start/end`);
  if (parts.length === 1) {
    if (value === '..' || value === '') throw new Error("an instant cannot be '..' or empty: use start/.. or ../end for open intervals");
    const instant = parseInstant(value)!;
    return instant.day
      ? { start: instant.at, end: new Date(instant.at.getTime() + DAY_MS), endExclusive: true }
      : { start: instant.at, end: instant.at, endExclusive: false };
  }
  const start = parseInstant(parts[0]);
  const end = parseInstant(parts[1]);
  if (start && end && start.at > end.at) throw new Error(`the interval '${value}' ends before it starts`);
  return {
    start: start?.at ?? null,
    end: end ? (end.day ? new Date(end.at.getTime() + DAY_MS) : end.at) : null,
    endExclusive: end?.day ?? false,
  };
}

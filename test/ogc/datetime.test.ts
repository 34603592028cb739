import { describe, expect, it } from 'vitest';
import { parseDatetime } from '../../server/ogc/datetime';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const read = (text: string) => {
  const t = parseDatetime(text);
  return { start: iso(t.start), end: iso(t.end), endExclusive: t.endExclusive };
};

describe('datetime parameter', () => {
  it('when an instant with an offset is given, then the interval is that one instant', () => {
    expect(read('2026-03-01T08:30:00+08:00')).toEqual({ start: '2026-03-01T00:30:00.000Z', end: '2026-03-01T00:30:00.000Z', endExclusive: false });
    expect(read('2026-03-01T00:30:00.250Z').start).toBe('2026-03-01T00:30:00.250Z');
  });

  it('when a date alone is given, then it is that whole day in China Standard Time', () => {
    expect(read('2026-03-01')).toEqual({ start: '2026-02-28T16:00:00.000Z', end: '2026-03-01T16:00:00.000Z', endExclusive: true });
  });

  it('when an interval of dates is given, then both days are inside it whole', () => {
    expect(read('2026-03-01/2026-03-31')).toEqual({ start: '2026-02-28T16:00:00.000Z', end: '2026-03-31T16:00:00.000Z', endExclusive: true });
  });

  it('when an end is .. or empty, then that side is unbounded', () => {
    expect(read('2026-03-01T00:00:00Z/..')).toEqual({ start: '2026-03-01T00:00:00.000Z', end: null, endExclusive: false });
    expect(read('/2026-03-01T00:00:00Z')).toEqual({ start: null, end: '2026-03-01T00:00:00.000Z', endExclusive: false });
    expect(read('../..')).toEqual({ start: null, end: null, endExclusive: false });
  });

  it('when the text is not a date, a date-time with an offset or an ordered interval, then the error says which part is wrong', () => {
    expect(() => parseDatetime('2026-02-30')).toThrow("'2026-02-30' is not a calendar date");
    expect(() => parseDatetime('2026-03-01T08:30:00')).toThrow(/neither an RFC 3339 date-time with an offset/);
    expect(() => parseDatetime('yesterday/..')).toThrow("'yesterday'");
    expect(() => parseDatetime('2026-03-02/2026-03-01')).toThrow('ends before it starts');
    expect(() => parseDatetime('2026-03-01/2026-03-02/2026-03-03')).toThrow("more than one '/'");
    expect(() => parseDatetime('..')).toThrow('an instant cannot be');
  });
});

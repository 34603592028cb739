import { EVENT_STATUSES } from '../db/migrations/005_events';
import type { Rng } from '../geo/prng';
import { RAIN, type EventTypeMix } from './event-mix';

const DAY_MS = 86_400_000;
const CST_MS = 8 * 3600_000;
/** Day-to-day noise of every type's volume (uniform factor). */
const DAILY_NOISE = [0.85, 1.15] as const;
/** Share of events that get stuck in the workflow, and how much longer they take. */
const STUCK = { share: 0.03, factor: 10 };

/** Whole days in China Standard Time: `end` exclusive, `YYYY-MM-DD`. */
export interface EventPeriod { end: string; days: number }

/**
 * The demo's year of events, 2025-11-01 … 2026-10-31: it ends at a fixed date, not today, so the
 * same seed gives the same events whenever it runs.
 */
export const DEMO_EVENT_PERIOD: EventPeriod = { end: '2026-11-01', days: 365 };

/** Start of the period's day `d` (0 = first), epoch ms. */
export const dayStartMs = (period: EventPeriod, d: number) => Date.parse(`${period.end}T00:00:00+08:00`) - (period.days - d) * DAY_MS;
export const periodEndMs = (period: EventPeriod) => dayStartMs(period, period.days);

/** `YYYY-MM-DD HH:MM:SS` in China Standard Time, as Chinese systems write it (no offset). */
export const localTime = (ms: number) => new Date(ms + CST_MS).toISOString().slice(0, 19).replace('T', ' ');

/** Month (0–11) and whether it is a Saturday or Sunday, of a day start in China Standard Time. */
function calendarOf(ms: number): { month: number; weekend: boolean } {
  const d = new Date(ms + CST_MS);
  return { month: d.getUTCMonth(), weekend: d.getUTCDay() === 0 || d.getUTCDay() === 6 };
}

/** Each day's weight for a type: its month, weekday or weekend, noise, and rain where it is rain-driven. */
export function dayWeights(mix: EventTypeMix, period: EventPeriod, rainy: boolean[], rng: Rng): number[] {
  return Array.from({ length: period.days }, (_, d) => {
    const { month, weekend } = calendarOf(dayStartMs(period, d));
    const rain = mix.rainDriven ? (rainy[d] ? rng.range(...RAIN.heavy) : RAIN.dry) : 1;
    return mix.months[month] * (weekend ? mix.weekend : 1) * rain * rng.range(...DAILY_NOISE);
  });
}

export const rainyDays = (period: EventPeriod, rng: Rng) => Array.from({ length: period.days }, () => rng.next() < RAIN.dayShare);

/** `total` spread over days by weight, whole numbers adding up to `total` exactly (cumulative rounding). */
export function countsPerDay(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let given = 0;
  return weights.map((w) => {
    cumulative += sum > 0 ? (total * w) / sum : 0;
    const upTo = Math.round(cumulative);
    const n = upTo - given;
    given = upTo;
    return n;
  });
}

/**
 * Where an event stands in 接单 → 核单 → 派单 → 办单 → 交单 → 评单 `ageDays` after it was reported:
 * evaluated once its (exponentially drawn) time to close has passed, else the step that share of
 * the time reaches. A few get stuck and take ten times as long.
 */
export function statusAt(ageDays: number, meanDaysToClose: number, rng: Rng): (typeof EVENT_STATUSES)[number] {
  const stuck = rng.next() < STUCK.share ? STUCK.factor : 1;
  const toClose = -Math.log(1 - rng.next()) * meanDaysToClose * stuck;
  if (ageDays >= toClose) return 'evaluated';
  return EVENT_STATUSES[Math.min(EVENT_STATUSES.length - 2, Math.floor(((EVENT_STATUSES.length - 1) * Math.max(0, ageDays)) / toClose))];
}

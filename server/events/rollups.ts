import type { Knex } from 'knex';
import { cellToParent } from 'h3-js';
import { DEFAULT_RISK_MODEL } from '../risk/risk-model';
import type { AssignedEvent } from './events.repo';

/** Resolutions the heatmap rollups keep (res 6 ≈ 36 km² cells … res 10 ≈ 0.015 km²). */
export const ROLLUP_RESOLUTIONS = [6, 7, 8, 9, 10] as const;

/**
 * Half-life of the risk score's time decay, in days: the risk model's. The rollups store each
 * event's decay growth under it, so changing it means re-ingesting the events.
 */
export const DECAY_HALF_LIFE_DAYS = DEFAULT_RISK_MODEL.halfLifeDays;

/** Decay growth is counted in days from here (China Standard Time midnight). */
export const DECAY_EPOCH_MS = Date.UTC(2019, 11, 31, 16); // 2020-01-01T00:00+08:00

const CST_MS = 8 * 3600_000;
/** The day (China Standard Time, UTC+8, no daylight saving) an event counts in, `YYYY-MM-DD`. */
export const dayOf = (t: Date) => new Date(t.getTime() + CST_MS).toISOString().slice(0, 10);
export const monthOf = (t: Date) => `${dayOf(t).slice(0, 7)}-01`;

/** 2^(days since the epoch / half-life): an event's weight at time T is this × 2^(−T/half-life). */
export const decayGrowth = (t: Date) => 2 ** ((t.getTime() - DECAY_EPOCH_MS) / 86_400_000 / DECAY_HALF_LIFE_DAYS);

interface Cell { n: number[]; g: number[] }

/**
 * Adds events to `event_cells`: per resolution, day and month, cell, and type (and '*' for all
 * types), counts and decay growth by severity. Aggregated first, so each key is written once.
 */
export async function addToRollups(trx: Knex.Transaction, events: AssignedEvent[]): Promise<void> {
  const cells = new Map<string, Cell>();
  const add = (key: string, severity: number, growth: number) => {
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { n: [0, 0, 0, 0, 0], g: [0, 0, 0, 0, 0] }));
    c.n[severity - 1]++;
    c.g[severity - 1] += growth;
  };
  for (const e of events) {
    const [day, month, growth] = [dayOf(e.occurredAt), monthOf(e.occurredAt), decayGrowth(e.occurredAt)];
    for (const res of ROLLUP_RESOLUTIONS) {
      const cell = cellToParent(e.h3, res);
      for (const type of [e.type, '*']) {
        add(`${res}|d|${day}|${cell}|${type}`, e.severity, growth);
        add(`${res}|m|${month}|${cell}|${type}`, e.severity, growth);
      }
    }
  }
  if (!cells.size) return;
  const rows = [...cells].map(([key, { n, g }]) => {
    const [res, period, start, cell, type] = key.split('|');
    return { res: Number(res), period, start, cell: BigInt(`0x${cell}`).toString(), type, n1: n[0], n2: n[1], n3: n[2], n4: n[3], n5: n[4], g1: g[0], g2: g[1], g3: g[2], g4: g[3], g5: g[4] };
  });
  await trx.raw(
    `insert into event_cells (res, period, start, cell, type, n1, n2, n3, n4, n5, g1, g2, g3, g4, g5)
     select * from json_to_recordset(?::json) as r(res smallint, period char(1), start date, cell bigint, type text,
       n1 int, n2 int, n3 int, n4 int, n5 int, g1 float8, g2 float8, g3 float8, g4 float8, g5 float8)
     on conflict (res, period, start, type, cell) do update set
       n1 = event_cells.n1 + excluded.n1, n2 = event_cells.n2 + excluded.n2, n3 = event_cells.n3 + excluded.n3,
       n4 = event_cells.n4 + excluded.n4, n5 = event_cells.n5 + excluded.n5,
       g1 = event_cells.g1 + excluded.g1, g2 = event_cells.g2 + excluded.g2, g3 = event_cells.g3 + excluded.g3,
       g4 = event_cells.g4 + excluded.g4, g5 = event_cells.g5 + excluded.g5`,
    [JSON.stringify(rows)],
  );
}

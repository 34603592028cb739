import type { Knex } from 'knex';
import { EVERYWHERE, scopeSql, type Scope } from '../auth/scope';
import { eventScopeSql } from '../events/event-scope';
import { DECAY_EPOCH_MS, decayGrowth, growthSql } from '../events/rollups';
import { notFound } from '../http/errors';
import { exposurePlan } from '../hazards/exposure.repo';
import { hazardPointsAt, loadHazards } from './hazard-scores';
import { DEFAULT_RISK_MODEL, rankGrids, type GridRank, type RiskModel } from './risk-model';
import { cstMidnight, type DayWindow } from './time-window';


export interface GridRisk extends GridRank { name: string | null; events: number; hazardPoints: number }

/**
 * Risk points of every grid of a plan over a window — its events' points (type × severity ×
 * decay to the window's end) plus hazard proximity at a point inside it — ranked within its
 * street and district (平安指数 = 100 − risk index, relative to the district's riskiest grid).
 * Riskiest first; `street` keeps that street's grids, ranked as in the whole plan. A bounded
 * scope ranks only its grids (by `grids.area_code`), from its events and the hazard sources in its area.
 */
export async function gridRisk(knex: Knex, window: DayWindow, opts: { plan?: number; street?: string; types?: string[] }, model: RiskModel = DEFAULT_RISK_MODEL, scope: Scope = EVERYWHERE): Promise<{ planId: number | null; grids: GridRisk[] }> {
  const planId = await exposurePlan(knex, opts.plan);
  if (planId === null) return { planId, grids: [] };
  const gridsWithin = scopeSql('g.area_code', scope);
  const { rows: grids } = await knex.raw(
    `select g.code, g.name, s.code::text as street, s.parent_code::text as district, ST_X(ST_PointOnSurface(g.geom)) as lng, ST_Y(ST_PointOnSurface(g.geom)) as lat
     from grids g join admin_areas c on c.code = g.area_code join admin_areas s on s.code = c.parent_code
     where g.plan_id = ? and g.kind in ('comprehensive', 'dedicated') and ${gridsWithin.sql}`,
    [planId, ...gridsWithin.bindings]);
  const eventsWithin = eventScopeSql(scope);
  const { rows: sums } = await knex.raw(
    `select e.grid_code, e.type, e.severity, count(*)::int as n,
            sum(${growthSql('e.occurred_at')}) as growth
     from events e where e.occurred_at >= ? and e.occurred_at < ? and e.grid_code is not null and ${eventsWithin.sql} ${opts.types ? 'and e.type = any(?::text[])' : ''}
     group by 1, 2, 3`,
    [DECAY_EPOCH_MS, model.halfLifeDays, cstMidnight(window.from), cstMidnight(window.to), ...eventsWithin.bindings, ...(opts.types ? [opts.types] : [])]);
  const decayAtEnd = 1 / decayGrowth(Date.parse(cstMidnight(window.to)), model.halfLifeDays);
  const byGrid = new Map<string, { points: number; events: number }>();
  for (const s of sums as { grid_code: string; type: string; severity: number; n: number; growth: number }[]) {
    const typeWeight = Object.hasOwn(model.weightsByType, s.type) ? model.weightsByType[s.type] : model.defaultTypeWeight;
    const g = byGrid.get(s.grid_code) ?? { points: 0, events: 0 };
    g.points += typeWeight * model.severityWeights[s.severity] * Number(s.growth) * decayAtEnd;
    g.events += s.n;
    byGrid.set(s.grid_code, g);
  }
  const hazards = await loadHazards(knex, scope);
  const scored = grids.map((g: { code: string; name: string | null; street: string; district: string; lng: number; lat: number }) => {
    const hazardPoints = hazardPointsAt(hazards, g.lng, g.lat, model);
    const e = byGrid.get(g.code);
    return { grid: g.code, name: g.name, streetCode: g.street, districtCode: g.district, score: (e?.points ?? 0) + hazardPoints, events: e?.events ?? 0, hazardPoints };
  });
  const ranked = rankGrids(scored).map((r, i) => ({ ...r, name: scored[i].name, events: scored[i].events, hazardPoints: scored[i].hazardPoints }));
  const shown = opts.street ? ranked.filter((g) => g.streetCode === opts.street) : ranked;
  return { planId, grids: shown.sort((a, b) => b.score - a.score || a.grid.localeCompare(b.grid)) };
}

/**
 * Events of one grid per day, week or month (China Standard Time) and type; every bucket of the
 * window, empty ones too. A grid outside the scope (by its area code) is a 404; a bounded scope
 * counts only its events.
 */
export async function gridTimeline(knex: Knex, code: string, window: DayWindow, bucket: 'day' | 'week' | 'month', types?: string[], scope: Scope = EVERYWHERE) {
  const gridsWithin = scopeSql('g.area_code', scope);
  const { rows: known } = await knex.raw(`select 1 from grids g where g.code = ? and ${gridsWithin.sql} limit 1`, [code, ...gridsWithin.bindings]);
  if (!known.length) throw notFound(`grid ${code}`);
  const eventsWithin = eventScopeSql(scope);
  const { rows } = await knex.raw(
    `select to_char(date_trunc(?, (e.occurred_at at time zone 'UTC') + interval '8 hours'), 'YYYY-MM-DD') as start, e.type, count(*)::int as n
     from events e where e.grid_code = ? and e.occurred_at >= ? and e.occurred_at < ? and ${eventsWithin.sql} ${types ? 'and e.type = any(?::text[])' : ''}
     group by 1, 2 order by 1, 2`,
    [bucket, code, cstMidnight(window.from), cstMidnight(window.to), ...eventsWithin.bindings, ...(types ? [types] : [])]);
  const buckets = new Map<string, Record<string, number>>(bucketStarts(window, bucket).map((start) => [start, {}]));
  for (const r of rows as { start: string; type: string; n: number }[]) buckets.set(r.start, { ...(buckets.get(r.start) ?? {}), [r.type]: r.n });
  return { grid: code, bucket, window, buckets: [...buckets].map(([start, counts]) => ({ start, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) })) };
}

/** Every bucket start (days are CST calendar days; weeks start on Monday) from the one holding `from` to before `to`. */
export function bucketStarts({ from, to }: DayWindow, bucket: 'day' | 'week' | 'month'): string[] {
  const d = new Date(`${from}T00:00:00Z`);
  if (bucket === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (bucket === 'month') d.setUTCDate(1);
  const starts: string[] = [];
  for (; d.toISOString().slice(0, 10) < to; bucket === 'month' ? d.setUTCMonth(d.getUTCMonth() + 1) : d.setUTCDate(d.getUTCDate() + (bucket === 'week' ? 7 : 1))) {
    starts.push(d.toISOString().slice(0, 10));
  }
  return starts;
}

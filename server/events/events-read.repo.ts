import type { Knex } from 'knex';
import { recordAudit } from '../audit/audit.repo';
import { conflict, notFound } from '../http/errors';
import { EVENT_STATUSES } from '../db/migrations/005_events';
import type { EventStatus } from './event-row';
import type { z } from 'zod';
import type { listEventsQuery } from './events.schema';
import { EVERYWHERE, type Scope } from '../auth/scope';
import { eventScopeSql } from './event-scope';

const EVENT_COLUMNS = `e.id::int as id, e.external_id, e.source, e.type, e.severity, e.occurred_at, e.reported_at, e.status, e.attributes,
  ST_X(e.geom) as lng, ST_Y(e.geom) as lat, e.grid_code, e.grid_kind, e.micro_code, e.police_code, e.emergency_code, e.safety_code,
  e.community_code::text as community_code, e.street_code::text as street_code, e.district_code::text as district_code,
  to_hex(e.h3) as h3, e.outside, e.batch_id`;

/**
 * One event with its status history; `sensitive` fields only when `withSensitive`. An event
 * outside `scope` is a 404, as if it did not exist.
 */
export async function eventDetail(knex: Knex, id: number, withSensitive: boolean, scope: Scope = EVERYWHERE) {
  const within = eventScopeSql(scope);
  const { rows } = await knex.raw(`select ${EVENT_COLUMNS}, e.sensitive from events e where e.id = ? and ${within.sql}`, [id, ...within.bindings]);
  if (!rows.length) throw notFound(`event ${id}`);
  const { sensitive, ...event } = rows[0];
  const { rows: history } = await knex.raw('select status, at, note from event_status_history where event_id = ? order by at, id', [id]);
  return { ...event, ...(withSensitive && { sensitive }), history };
}

export async function storedId(knex: Knex, source: string, externalId: string): Promise<number> {
  const { rows } = await knex.raw('select id::int as id from events where source = ? and external_id = ?', [source, externalId]);
  return rows[0].id;
}

/**
 * Moves an event in `scope` one step along its workflow and records the step in its history and
 * in the audit trail (before and after status, the note; area: the event's community, else
 * street, else district). The status is read under a row lock, so of two concurrent requests for
 * the same step one moves it and the other is told the step was taken. Outside the scope: 404.
 */
export async function setStatus(knex: Knex, id: number, status: EventStatus, note: string | null, scope: Scope = EVERYWHERE): Promise<void> {
  await knex.transaction(async (trx) => {
    const within = eventScopeSql(scope);
    const { rows: [was] } = await trx.raw(
      `select e.status, coalesce(e.community_code, e.street_code, e.district_code)::text as area_code from events e where e.id = ? and ${within.sql} for update`,
      [id, ...within.bindings]);
    if (!was) throw notFound(`event ${id}`);
    const from = EVENT_STATUSES.indexOf(was.status), to = EVENT_STATUSES.indexOf(status);
    if (to !== from + 1) throw conflict('invalid_transition', `event ${id} is '${was.status}'; the next step is '${EVENT_STATUSES[from + 1] ?? 'none (evaluated is the last)'}', not '${status}'`);
    await trx.raw('update events set status = ? where id = ?', [status, id]);
    await trx.raw('insert into event_status_history (event_id, status, note) values (?, ?, ?)', [id, status, note]);
    await recordAudit(trx, { action: 'event.status', entity: 'event', entityId: String(id), areaCode: was.area_code, before: { status: was.status }, after: { status, note } });
  });
}

/** Events in `scope` matching the query, newest first, one page. */
export async function listEvents(knex: Knex, q: z.infer<typeof listEventsQuery>, scope: Scope = EVERYWHERE) {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => { where.push(sql); args.push(v); };
  if (scope.prefix !== '') {
    const within = eventScopeSql(scope);
    where.push(within.sql);
    args.push(...within.bindings);
  }
  if (q.grid) add('e.grid_code = ?', q.grid);
  if (q.police) add('e.police_code = ?', q.police);
  if (q.type) add('e.type = ?', q.type);
  if (q.from) add('e.occurred_at >= ?', q.from.toISOString());
  if (q.to) add('e.occurred_at < ?', q.to.toISOString());
  if (q.outside) add('e.outside = ?', q.outside === 'true');
  const filter = where.length ? `where ${where.join(' and ')}` : '';
  const { rows: [{ n }] } = await knex.raw(`select count(*)::int as n from events e ${filter}`, args as Knex.RawBinding[]);
  const { rows } = await knex.raw(`select ${EVENT_COLUMNS} from events e ${filter} order by e.occurred_at desc, e.id desc limit ? offset ?`, [...args, q.limit, q.offset] as Knex.RawBinding[]);
  return { total: n, limit: q.limit, offset: q.offset, events: rows };
}

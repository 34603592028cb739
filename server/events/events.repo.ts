import type { Knex } from 'knex';
import type { EventRow } from './event-row';
import type { Assignment } from './grid-index';

export type AssignedEvent = EventRow & Assignment;

/**
 * Inserts events (a duplicate (source, external_id) is skipped: re-sending is harmless), each
 * with the first step of its history; returns the inserted ones' ids and indices. The caller
 * adds them to the rollups (rollUp) in the same transaction.
 */
export async function insertEvents(trx: Knex.Transaction, batchId: number | null, events: AssignedEvent[]): Promise<{ inserted: { id: number; index: number }[] }> {
  if (!events.length) return { inserted: [] };
  // ids drawn first, so the rows that come back (duplicates do not) map to their events
  const { rows: ids } = await trx.raw(`select nextval(pg_get_serial_sequence('events', 'id'))::text as id from generate_series(1, ?)`, [events.length]);
  const indexOf = new Map<string, number>(ids.map((r: { id: string }, i: number) => [r.id, i]));
  const payload = events.map((e, index) => ({
    id: ids[index].id, external_id: e.externalId, source: e.source, type: e.type, severity: e.severity,
    occurred_at: e.occurredAt.toISOString(), reported_at: (e.reportedAt ?? new Date()).toISOString(), status: e.status,
    attributes: e.attributes, sensitive: e.sensitive, lng: e.lng, lat: e.lat,
    grid_code: e.gridCode, grid_kind: e.gridKind, micro_code: e.microCode, police_code: e.policeCode,
    emergency_code: e.emergencyCode, safety_code: e.safetyCode, community_code: e.communityCode,
    street_code: e.streetCode, district_code: e.districtCode, h3: BigInt(`0x${e.h3}`).toString(), outside: e.outside,
  }));
  // the workflow history starts with the status each event came in with, written by the same statement
  const { rows } = await trx.raw(
    `with ins as (
     insert into events (id, external_id, source, type, severity, occurred_at, reported_at, status, attributes, sensitive, geom, batch_id,
       grid_code, grid_kind, micro_code, police_code, emergency_code, safety_code, community_code, street_code, district_code, h3, outside)
     select id, external_id, source, type, severity, occurred_at, reported_at, status, attributes, sensitive, ST_SetSRID(ST_MakePoint(lng, lat), 4326), ?,
       grid_code, grid_kind, micro_code, police_code, emergency_code, safety_code, community_code, street_code, district_code, h3, outside
     from json_to_recordset(?::json) as r(id bigint, external_id text, source text, type text, severity smallint, occurred_at timestamptz,
         reported_at timestamptz, status text, attributes jsonb, sensitive jsonb, lng float8, lat float8, grid_code text, grid_kind text, micro_code text,
         police_code text, emergency_code text, safety_code text, community_code text, street_code text, district_code text, h3 bigint, outside boolean)
     on conflict (source, external_id) do nothing
     returning id, status, reported_at
     )
     insert into event_status_history (event_id, status, at) select id, status, reported_at from ins returning event_id::text as id`,
    [batchId, JSON.stringify(payload)],
  );
  return { inserted: (rows as { id: string }[]).map((r) => ({ id: Number(r.id), index: indexOf.get(r.id)! })) };
}

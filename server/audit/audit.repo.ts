import type { Knex } from 'knex';
import { whereInScope, scopeOf, type Scope } from '../auth/scope';
import { currentContext } from '../http/request-context';
import type { AuditEntryView, AuditQuery } from './audit.schema';

/** One change as the audit trail keeps it; who and under which request come from the request context. */
export interface AuditEntry {
  /** 'plan.publish', 'grid.split', 'event.status', 'user.create', … (the list: audit/README.md) */
  action: string;
  /** 'plan', 'grid', 'event', 'area', 'layer', 'import', 'user', 'token' */
  entity: string;
  /** a grid is `${planId}:${code}`; the others their id or code */
  entityId: string;
  /** the area the change lies in, for queries by area; null: none or several */
  areaCode?: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** Rows per insert: 9 bindings each stays far below PostgreSQL's 65,535 per statement. */
const INSERT_BATCH = 1000;

/**
 * Appends entries to the audit trail inside the caller's transaction, so a change and its record
 * are written together or not at all.
 */
export async function recordAudit(trx: Knex | Knex.Transaction, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  const { actor, requestId } = currentContext();
  const rows = list.map((e) => ({
    actor, request_id: requestId, action: e.action, entity: e.entity, entity_id: e.entityId,
    area_code: e.areaCode ?? null, before: json(e.before), after: json(e.after),
  }));
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await trx('audit_log').insert(rows.slice(start, start + INSERT_BATCH));
  }
}

/** The id of a grid in the audit trail: grid codes repeat from plan to plan. */
export const gridEntityId = (planId: number, code: string) => `${planId}:${code}`;

interface AuditRow {
  id: string | number; at: Date | string; actor: string; request_id: string | null; action: string;
  entity: string; entity_id: string; area_code: string | null; before: unknown; after: unknown;
}

const view = (r: AuditRow): AuditEntryView => ({
  id: Number(r.id), at: new Date(r.at).toISOString(), actor: r.actor, requestId: r.request_id, action: r.action,
  entity: r.entity, entityId: r.entity_id, areaCode: r.area_code, before: r.before ?? null, after: r.after ?? null,
});

/**
 * Entries in `scope` (an entry with no area only in the unbounded scope) matching the filters,
 * newest first; `area` narrows to that area's subtree, `action` ending in `.*` to a prefix.
 */
export async function listAudit(knex: Knex, scope: Scope, q: AuditQuery): Promise<{ total: number; limit: number; offset: number; entries: AuditEntryView[] }> {
  const filtered = () => {
    let qb = whereInScope(knex('audit_log'), 'area_code', scope);
    if (q.area) qb = whereInScope(qb, 'area_code', scopeOf(q.area));
    if (q.from) qb = qb.where('at', '>=', q.from.toISOString());
    if (q.to) qb = qb.where('at', '<', q.to.toISOString());
    if (q.entity) qb = qb.where('entity', q.entity);
    if (q.entityId) qb = qb.where('entity_id', q.entityId);
    if (q.action?.endsWith('.*')) qb = qb.where('action', 'like', `${q.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
    else if (q.action) qb = qb.where('action', q.action);
    if (q.actor) qb = qb.where('actor', q.actor);
    if (q.requestId) qb = qb.where('request_id', q.requestId);
    return qb;
  };
  const [{ n }] = await filtered().count<{ n: string | number }[]>({ n: '*' });
  const rows: AuditRow[] = await filtered().select('*').orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit).offset(q.offset);
  return { total: Number(n), limit: q.limit, offset: q.offset, entries: rows.map(view) };
}

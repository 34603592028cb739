import type { Knex } from 'knex';
import { currentContext } from '../http/request-context';

/** One change as the audit trail keeps it; who and under which request come from the request context. */
export interface AuditEntry {
  /** 'plan.publish', 'grid.edit', 'event.status', 'user.create', … */
  action: string;
  /** 'plan', 'grid', 'event', 'area', 'layer', 'user', 'token' */
  entity: string;
  entityId: string;
  /** the area the change lies in, for queries by area; null: none or several */
  areaCode?: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Appends entries to the audit trail inside the caller's transaction, so a change and its record
 * are written together or not at all.
 */
export async function recordAudit(trx: Knex | Knex.Transaction, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  const { actor, requestId } = currentContext();
  await trx('audit_log').insert(list.map((e) => ({
    actor, request_id: requestId, action: e.action, entity: e.entity, entity_id: e.entityId,
    area_code: e.areaCode ?? null, before: json(e.before), after: json(e.after),
  })));
}

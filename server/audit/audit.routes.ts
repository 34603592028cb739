import type { AppDeps } from '../deps';
import { scopeOfRequest } from '../auth/principal';
import { apiRouter } from '../http/api-router';
import { parseOr400, parsePagedOr400 } from '../http/validate';
import { gridEntityId, listAudit } from './audit.repo';
import { auditQuery, gridHistoryParams, gridHistoryQuery } from './audit.schema';

/**
 * The audit trail (audit/README.md): entries in the caller's area scope, newest first, paged;
 * and the history of one grid of a plan.
 */
export function auditRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');

  add({ method: 'get', path: '/audit', access: 'audit:read', summary: "Changes to areas, layers, plans, grids, event status, users and tokens in the caller's area: who, when, what, before and after, request id; newest first", tag: 'audit', query: auditQuery }, async (req, res) => {
    const q = parsePagedOr400(auditQuery, req.query, config.MAX_PAGE_SIZE);
    res.json(await listAudit(db.knex, scopeOfRequest(req), q));
  });

  add({ method: 'get', path: '/plans/:id/grids/:code/history', access: 'audit:read', summary: "A grid's changes (edits, undo, redo, import), newest first: GET /api/audit?entity=grid&entityId=:id::code", tag: 'audit', query: gridHistoryQuery }, async (req, res) => {
    const { id, code } = parseOr400(gridHistoryParams, req.params, 'path');
    const q = parsePagedOr400(gridHistoryQuery, req.query, config.MAX_PAGE_SIZE);
    res.json(await listAudit(db.knex, scopeOfRequest(req), { ...q, entity: 'grid', entityId: gridEntityId(id, code) }));
  });
  return router;
}

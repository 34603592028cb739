import type { AuditEntryView } from '../../../server/audit/audit.schema';
import type { GridState } from '../../../server/audit/grid-changes';
import { getJson } from './http';

export type { AuditEntryView, GridState };

/** A page of the audit trail, newest first. */
export interface AuditPage {
  total: number;
  limit: number;
  offset: number;
  entries: AuditEntryView[];
}

/** The latest changes of one grid of a plan (GET /api/plans/:id/grids/:code/history; needs audit:read). */
export const fetchGridHistory = (planId: number, code: string, limit: number, signal?: AbortSignal): Promise<AuditPage> =>
  getJson(`/api/plans/${planId}/grids/${encodeURIComponent(code)}/history?limit=${limit}`, signal);

import { z } from 'zod';
import { areaCode } from '../areas/areas.schema';
import { pagingParams, positiveId } from '../http/validate';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
const isoTime = (what: string) => z.string()
  .refine((s) => ISO_TIME.test(s) && !Number.isNaN(Date.parse(s)), `${what} is an ISO 8601 date or time, e.g. 2026-11-25 or 2026-11-25T19:40:00+08:00`)
  .transform((s) => new Date(s));

export const auditQuery = z.object({
  area: areaCode.optional().describe("only entries in this area's subtree (a district, street or community code)"),
  from: isoTime('from').optional().describe('entries at or after this time (ISO 8601)'),
  to: isoTime('to').optional().describe('entries before this time (ISO 8601)'),
  entity: z.string().trim().min(1).max(40).optional().describe("plan | grid | layer | area | event | import | user | token"),
  entityId: z.string().trim().min(1).max(200).optional().describe("the entity's id; a grid's is `planId:code`, e.g. 3:320113002001001"),
  action: z.string().trim().min(1).max(80).regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, "an action is like 'grid.split', or a prefix like 'grid.*'").optional()
    .describe("one action ('plan.publish') or, ending in .*, a family ('grid.*')"),
  actor: z.string().trim().min(1).max(200).optional().describe("who: 'user:alice', 'token:7:hotline', 'cli:import', 'system:seed'"),
  requestId: z.string().trim().min(1).max(128).optional().describe('entries written by the request with this X-Request-Id'),
  ...pagingParams,
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const gridHistoryParams = z.object({
  id: positiveId('plan'),
  code: z.string().regex(/^[0-9]{15}([0-9]{2})?$/, 'a grid code is 15 digits (17 for a micro-grid)'),
});
export const gridHistoryQuery = z.object({ ...pagingParams });

/** One entry of GET /api/audit. */
export interface AuditEntryView {
  id: number;
  at: string;
  actor: string;
  requestId: string | null;
  action: string;
  entity: string;
  entityId: string;
  areaCode: string | null;
  before: unknown;
  after: unknown;
}

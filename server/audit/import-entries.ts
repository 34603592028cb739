import type { AuditEntry } from './audit.repo';
import { gridEntityId } from './audit.repo';

/** What an import wrote, as the audit trail needs it. */
export interface ImportedBatch {
  target: string;
  importId: number;
  filename: string | null;
  format: string;
  crs: string;
  /** the column values of each feature written (code, name, level, parent_code, area_code, …) */
  rows: Record<string, unknown>[];
  /** grids: the plan they went into */
  planId?: number;
  kind?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * The audit entries of an import: areas and grids one per feature (an area is entity 'area' with
 * its code; a grid entity 'grid' with `planId:code`), with `after` and no `before` (an import
 * only adds); the bulk targets (address points, barriers, hazard sources, response points) one
 * summary entry per area code of the rows (entity 'import', id = the import's id, after = the
 * count) — address points carry an area code, the others none, so theirs is one entry with no area.
 */
export function importAuditEntries(b: ImportedBatch): AuditEntry[] {
  const source = { importId: b.importId, filename: b.filename, format: b.format };
  if (b.target === 'areas') {
    return b.rows.map((r) => ({
      action: 'area.import', entity: 'area', entityId: String(r.code), areaCode: str(r.code),
      after: { code: r.code, name: r.name, level: r.level, parentCode: r.parent_code ?? null, ...source },
    }));
  }
  if (b.target === 'grids') {
    return b.rows.map((r) => ({
      action: 'grid.import', entity: 'grid', entityId: gridEntityId(b.planId!, String(r.code)), areaCode: str(r.area_code),
      after: { code: r.code, kind: b.kind, name: r.name ?? null, areaCode: r.area_code ?? null, planId: b.planId, ...source },
    }));
  }
  const byArea = new Map<string | null, number>();
  for (const r of b.rows) byArea.set(str(r.area_code), (byArea.get(str(r.area_code)) ?? 0) + 1);
  return [...byArea].map(([areaCode, count]) => ({
    action: `${b.target}.import`, entity: 'import', entityId: String(b.importId), areaCode,
    after: { target: b.target, count, of: b.rows.length, crs: b.crs, ...source },
  }));
}

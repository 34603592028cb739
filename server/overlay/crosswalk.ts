import type { Knex } from 'knex';
import type { Scope } from '../auth/scope';
import { alignment } from './alignment.repo';

export interface CrosswalkRow {
  code: string;
  households: number;
  /** per overlay plan id: the code of the overlay grid holding the grid whole, or 'split' */
  layers: Record<string, string>;
}

/**
 * "多网融合": one row per comprehensive grid with, for each overlay plan, the overlay grid
 * that covers it, or 'split' where several do; the comprehensive grids in the scope.
 */
export async function crosswalk(knex: Knex, comprehensivePlan: number, overlayPlans: number[], scope: Scope): Promise<CrosswalkRow[]> {
  const rows = new Map<string, CrosswalkRow>();
  for (const overlay of overlayPlans) {
    const { grids } = await alignment(knex, comprehensivePlan, overlay, scope);
    for (const g of grids) {
      const row = rows.get(g.code) ?? { code: g.code, households: g.households, layers: {} };
      row.layers[String(overlay)] = g.wholeIn ?? (g.overlays.length ? 'split' : '');
      rows.set(g.code, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** RFC 4180 CSV with a header naming each overlay layer; UTF-8 with a BOM so spreadsheet programs read the Chinese. */
export function crosswalkCsv(rows: CrosswalkRow[], layers: { planId: number; name: string }[]): string {
  const quote = (v: string | number) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const header = ['code', 'households', ...layers.map((l) => l.name)];
  const lines = rows.map((r) => [r.code, r.households, ...layers.map((l) => r.layers[String(l.planId)] ?? '')].map(quote).join(','));
  return '\ufeff' + [header.map(quote).join(','), ...lines].join('\r\n') + '\r\n';
}

import type { Knex } from 'knex';
import { badRequest, notFound } from '../http/errors';
import { gridsByCode, type GridRow } from './editing.repo';
import { SERIAL_RANGES, type EditableKind } from './grid-codes';

/** An edit checked against the plan and ready to write. */
export interface PreparedEdit {
  /** the community whose tiling is checked afterwards */
  community: string;
  /** grids the edit replaces (snapshot, "before" figures) */
  beforeCodes: string[];
  /** grids the edit leaves (recomputed, "after" figures) */
  afterCodes: string[];
  /** the request as applied, with what the server resolved */
  args: Record<string, unknown>;
  /** writes the units and grids rows; geometry and figures are recomputed after */
  apply(): Promise<void>;
}

export const isEditableKind = (kind: string): kind is EditableKind => kind in SERIAL_RANGES;

/** The grid, or a 404; a 400 unless it is a comprehensive or dedicated grid with a community. */
export async function editableGrid(k: Knex, planId: number, code: string): Promise<GridRow & { kind: EditableKind; area_code: string }> {
  const [grid] = await gridsByCode(k, planId, [code]);
  if (!grid) throw notFound(`grid ${code} in plan ${planId}`);
  if (!isEditableKind(grid.kind)) {
    throw badRequest('grid_not_editable', `grid ${code} is a ${grid.kind} grid; only comprehensive and dedicated grids are edited (micro-grids are regenerated)`,
      { grid: code, kind: grid.kind });
  }
  if (!grid.area_code) throw badRequest('grid_not_editable', `grid ${code} belongs to no community`, { grid: code });
  return grid as GridRow & { kind: EditableKind; area_code: string };
}

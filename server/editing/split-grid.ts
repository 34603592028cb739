import type { LineString } from 'geojson';
import type { Knex } from 'knex';
import { badRequest, conflict } from '../http/errors';
import {
  deleteUnits, insertGridLike, insertUnitPiece, moveUnits, planCodes, recountSides, splitGridGeometry, splitUnitsBySide,
} from './editing.repo';
import { nextFreeCode } from './grid-codes';
import { editableGrid, type PreparedEdit } from './prepared-edit';
import { keeperOf } from './split-keeper';

/** Parts smaller than this (planar m²) are slivers, of the grid or of a line drawn along its edge, not parts. */
const MIN_PART_M2 = 1;

/**
 * A grid cut in two along a drawn line. The part whose centroid lies further west (north, for
 * an east–west cut) keeps the code; the other gets the community's next free serial. Units the
 * line crosses are cut too and their households/population recounted from address points.
 */
export async function prepareSplit(trx: Knex.Transaction, planId: number, code: string, line: LineString): Promise<PreparedEdit> {
  const grid = await editableGrid(trx, planId, code);
  if (grid.parts > 1) {
    throw conflict('split_multipart', `grid ${code} consists of ${grid.parts} separate polygons; only a grid in one piece can be split (move units instead)`,
      { grid: code, parts: grid.parts });
  }
  const lineJson = JSON.stringify({ type: 'LineString', coordinates: line.coordinates });
  const pieces = await splitGridGeometry(trx, planId, code, lineJson);
  const parts = pieces.filter((p) => p.areaM2 >= MIN_PART_M2);
  if (parts.length !== 2) {
    const slivers = pieces.length - parts.length;
    throw badRequest('split_line_invalid',
      parts.length < 2
        ? `the line does not cut grid ${code} in two${slivers ? ` (only slivers under ${MIN_PART_M2} m²)` : ''}; draw it across the grid from one edge to another`
        : `the line cuts grid ${code} into ${parts.length} parts, not two; draw it across the grid once`,
      { grid: code, parts: parts.length, partsM2: pieces.map((p) => p.areaM2) });
  }
  const keep = parts[keeperOf(parts[0], parts[1])];
  const newCode = nextFreeCode(grid.area_code, grid.kind, await planCodes(trx, planId));

  const args: Record<string, unknown> = { grid: code, line: { type: 'LineString', coordinates: line.coordinates }, newGrid: newCode };
  return {
    community: grid.area_code,
    beforeCodes: [code],
    afterCodes: [code, newCode],
    args,
    apply: async () => {
      const other = parts.find((p) => p !== keep)!;
      await insertGridLike(trx, planId, code, newCode, other.hex);
      const sides = await splitUnitsBySide(trx, planId, code, lineJson, other.hex);
      const byUnit = new Map<number, typeof sides>();
      for (const s of sides) (byUnit.get(s.id) ?? byUnit.set(s.id, []).get(s.id)!).push(s);
      const wholeToNew: number[] = [];
      const cut: { id: number; into: { id: number; grid: string; households: number; population: number }[] }[] = [];
      for (const [id, pieces] of byUnit) {
        if (pieces.length === 1) {
          if (pieces[0].side === 1) wholeToNew.push(id);
          continue;
        }
        const [side0, side1] = pieces;
        const counts = await recountSides(trx, side0.hex, side1.hex);
        const keptId = await insertUnitPiece(trx, id, code, side0.hex, counts[0]);
        const newId = await insertUnitPiece(trx, id, newCode, side1.hex, counts[1]);
        cut.push({ id, into: [{ id: keptId, grid: code, ...counts[0] }, { id: newId, grid: newCode, ...counts[1] }] });
      }
      const kept = [...byUnit.values()].filter((pieces) => pieces.length === 1 && pieces[0].side === 0).length;
      if (kept + cut.length === 0 || wholeToNew.length + cut.length === 0) {
        throw badRequest('split_line_invalid', `the line leaves every unit of grid ${code} on one side; draw it across the grid`, { grid: code });
      }
      args.unitsCut = cut;
      if (wholeToNew.length) await moveUnits(trx, planId, wholeToNew, newCode);
      if (cut.length) await deleteUnits(trx, planId, cut.map((c) => c.id));
    },
  };
}

import type { Knex } from 'knex';
import { badRequest, conflict, notFound } from '../http/errors';
import { connectedComponents } from './components';
import { listed } from './edit-errors';
import { communityAdjacency, communityUnits, moveUnits, unitsById } from './editing.repo';
import { editableGrid, type PreparedEdit } from './prepared-edit';

/**
 * "Paint": units move into a neighbouring grid of their community. The units must reach the
 * target through shared edges (directly or through other units painted with them), no source
 * grid may be emptied or cut into more pieces than it had, and nothing crosses communities.
 */
export async function prepareMoveUnits(trx: Knex.Transaction, planId: number, unitIds: number[], toGrid: string): Promise<PreparedEdit> {
  const ids = [...new Set(unitIds)].sort((a, b) => a - b);
  const target = await editableGrid(trx, planId, toGrid);
  const units = await unitsById(trx, planId, ids);
  const missing = ids.filter((id) => !units.some((u) => u.id === id));
  if (missing.length) throw notFound(`${listed('unit', missing)} in plan ${planId}`);

  const foreign = units.filter((u) => u.area_code !== target.area_code);
  if (foreign.length) {
    const u = foreign[0];
    throw conflict('other_community',
      `unit ${u.id} lies in community ${u.area_code} but grid ${toGrid} in ${target.area_code}; units only move between grids of their own community`,
      { units: foreign.map((f) => ({ id: f.id, community: f.area_code })), grid: toGrid, community: target.area_code });
  }
  const already = units.filter((u) => u.grid_code === toGrid);
  if (already.length) {
    throw badRequest('already_in_grid', `${listed('unit', already.map((u) => u.id))} already belong${already.length === 1 ? 's' : ''} to grid ${toGrid}`,
      { units: already.map((u) => u.id), grid: toGrid });
  }

  const community = target.area_code!;
  const all = await communityUnits(trx, planId, community);
  const edges = await communityAdjacency(trx, planId, community);
  const moving = new Set(ids);
  const inGrid = (code: string) => all.filter((u) => u.grid_code === code).map((u) => u.id);

  // the target after the move: every piece must hold one of its current units
  const targetNow = new Set(inGrid(toGrid));
  const stranded = connectedComponents([...targetNow, ...ids], edges)
    .filter((piece) => !piece.some((id) => targetNow.has(id)))
    .flat();
  if (stranded.length) {
    throw conflict('not_adjacent',
      `${listed('unit', stranded)} ${stranded.length === 1 ? 'does' : 'do'} not border grid ${toGrid}, directly or through other units moved with ${stranded.length === 1 ? 'it' : 'them'}; the grid would fall apart`,
      { units: stranded, grid: toGrid });
  }

  const sources = [...new Set(units.map((u) => u.grid_code))].sort();
  for (const source of sources) {
    await editableGrid(trx, planId, source);
    const before = inGrid(source);
    const left = before.filter((id) => !moving.has(id));
    if (left.length === 0) {
      throw conflict('grid_emptied',
        `moving ${listed('unit', before)} would leave grid ${source} empty; merge it into ${toGrid} instead`,
        { grid: source, units: before });
    }
    const piecesBefore = connectedComponents(before, edges).length;
    const piecesAfter = connectedComponents(left, edges);
    if (piecesAfter.length > piecesBefore) {
      throw conflict('grid_would_split',
        `moving these units would cut grid ${source} into ${piecesAfter.length} pieces (it has ${piecesBefore}); paint the units that separate them too, or split the grid`,
        { grid: source, pieces: piecesAfter });
    }
  }

  return {
    community,
    beforeCodes: [...new Set([toGrid, ...sources])].sort(),
    afterCodes: [...new Set([toGrid, ...sources])].sort(),
    args: { unitIds: ids, toGrid, fromGrids: sources },
    apply: () => moveUnits(trx, planId, ids, toGrid),
  };
}

import type { Knex } from 'knex';
import { conflict } from '../http/errors';
import { deleteGrid, reassignGrid, sharedBoundaryM } from './editing.repo';
import { editableGrid, type PreparedEdit } from './prepared-edit';

/** A shared boundary shorter than this (m) is floating-point noise at a corner, as the partitioner counts it. */
const MIN_SHARED_M = 0.01;

/** Two grids of one community sharing a boundary become one, under the lower code. */
export async function prepareMerge(trx: Knex.Transaction, planId: number, codes: [string, string]): Promise<PreparedEdit> {
  const [kept, removed] = [...codes].sort();
  const a = await editableGrid(trx, planId, kept);
  const b = await editableGrid(trx, planId, removed);
  if (a.area_code !== b.area_code) {
    throw conflict('other_community', `grid ${kept} lies in community ${a.area_code} and grid ${removed} in ${b.area_code}; only grids of one community merge`,
      { grids: [{ code: kept, community: a.area_code }, { code: removed, community: b.area_code }] });
  }
  const sharedM = await sharedBoundaryM(trx, planId, kept, removed);
  if (!(sharedM > MIN_SHARED_M)) {
    throw conflict('not_adjacent', `grids ${kept} and ${removed} share no boundary (at most a corner); only neighbours merge`,
      { grids: [kept, removed], sharedBoundaryM: sharedM });
  }
  return {
    community: a.area_code,
    beforeCodes: [kept, removed],
    afterCodes: [kept],
    args: { grids: codes, kept, removed, sharedBoundaryM: Math.round(sharedM * 100) / 100 },
    apply: async () => {
      await reassignGrid(trx, planId, removed, kept);
      await deleteGrid(trx, planId, removed);
    },
  };
}

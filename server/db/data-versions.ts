import type { Knex } from 'knex';

/** Kinds of data with a version in `data_versions` (migration 015). */
export type DataKind = 'events' | 'tiles';

/**
 * The version of a kind of data as this snapshot sees it: an answer computed in the same
 * snapshot can be cached under it, and stays right while the version stays the same.
 */
export async function dataVersion(knex: Knex, kind: DataKind): Promise<number> {
  const { rows: [row] } = await knex.raw(`select version as v from data_versions where name = ?`, [kind]);
  return Number(row.v);
}

/** SQL: the version of `kind` (a constant, never user input) as a scalar subquery, to read it in the same statement, hence snapshot, as an answer. */
export const dataVersionSql = (kind: DataKind) => `(select version from data_versions where name = '${kind}')`;

/** Bumps the version of `kind` in the transaction, as its last write (the row stays locked until the commit); returns the new version. */
export async function bumpDataVersion(trx: Knex.Transaction, kind: DataKind): Promise<number> {
  const { rows: [row] } = await trx.raw(`update data_versions set version = version + 1 where name = ? returning version as v`, [kind]);
  return Number(row.v);
}

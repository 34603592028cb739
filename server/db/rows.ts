import type { Knex } from 'knex';
import { AppError } from '../http/errors';

/**
 * A 500 for a geometry query that answered nothing where it must answer one row: PGlite's
 * PostGIS swallows some GEOS errors and answers an empty result (electric-sql/pglite#916).
 * Writes run in transactions, so nothing was changed.
 */
export const geometryEngineFailed = (doing: string) =>
  new AppError(500, 'geometry_engine_failed', `the geometry engine gave no answer while ${doing}; nothing was changed`, { doing });

/** The one row a query must answer; none means the geometry engine failed silently. */
export async function oneRow<T = Record<string, unknown>>(knex: Knex, sql: string, bindings: readonly Knex.RawBinding[] | Record<string, unknown>, doing: string): Promise<T> {
  const { rows } = await knex.raw(sql, bindings as Knex.RawBinding[]);
  if (rows.length !== 1) throw geometryEngineFailed(doing);
  return rows[0];
}

/**
 * The rows of `sql`, aggregated to one JSON row by the database so that "no rows" and "the query
 * failed" cannot be confused: PGlite's PostGIS swallows some GEOS errors and answers an empty
 * result instead of failing (electric-sql/pglite#916), which would read as "no gaps" or "no
 * changes". An answer without the one aggregate row is a 500 naming what was being done.
 *
 * The rows come back as JSON: numbers, strings, booleans and nulls, the same on both backends.
 */
export async function allRows<T = Record<string, unknown>>(knex: Knex, sql: string, bindings: readonly Knex.RawBinding[], doing: string): Promise<T[]> {
  const { rows } = await knex.raw(`select coalesce(json_agg(q), '[]'::json) as all_rows from (${sql}) q`, bindings);
  if (rows.length !== 1) throw geometryEngineFailed(doing);
  const v = rows[0].all_rows;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T[];
}

import type { Knex } from 'knex';

/**
 * Runs a query whose answer may not be empty (or must have exactly `expected` rows).
 * Embedded PGlite (PostGIS 3.6 / GEOS 3.14 in WASM) answers some GEOS failures, e.g. a
 * TopologyException in ST_Union, with zero rows instead of an error; this makes them loud.
 */
export async function queryRows<T>(knex: Knex, sql: string, bindings: readonly unknown[], expected?: number): Promise<T[]> {
  const { rows } = await knex.raw(sql, bindings as Knex.RawBinding[]);
  if (rows.length === 0 || (expected !== undefined && rows.length !== expected)) {
    throw new Error(`expected ${expected ?? 'some'} rows, got ${rows.length} (a geometry operation may have failed): ${sql.slice(0, 120)}`);
  }
  return rows;
}

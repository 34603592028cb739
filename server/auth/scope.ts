import type { Knex } from 'knex';

/**
 * An area subtree, by the prefix of the 12-digit statistical codes: a district's codes share
 * its first 6 digits, a street's its first 9, a community is its whole code. The empty prefix
 * is every area (and whatever lies outside every area).
 */
export interface Scope {
  /** the area the scope is rooted at; null: everything */
  areaCode: string | null;
  prefix: string;
}

export const EVERYWHERE: Scope = { areaCode: null, prefix: '' };

/** The scope rooted at an area: its code without the trailing groups of zeros (12 → 9 → 6 → 4 → 2 digits). */
export function scopeOf(areaCode: string | null): Scope {
  if (!areaCode) return EVERYWHERE;
  let prefix = areaCode;
  for (const len of [9, 6, 4, 2]) {
    if (/^0+$/.test(areaCode.slice(len))) prefix = areaCode.slice(0, len);
  }
  return { areaCode, prefix };
}

/** Whether an area code lies in the scope (an object with no area lies only in the unbounded scope). */
export const inScope = (scope: Scope, code: string | null | undefined): boolean =>
  scope.prefix === '' || (!!code && code.startsWith(scope.prefix));

/** Whether `inner` is `outer` or a subtree of it. */
export const scopeWithin = (inner: Scope, outer: Scope): boolean => inner.prefix.startsWith(outer.prefix);

/**
 * Restricts a query to rows whose area code column lies in the scope, as a range on the code so
 * a plain b-tree index on the column serves it (a LIKE prefix needs text_pattern_ops).
 */
export function whereInScope<Q extends Knex.QueryBuilder>(qb: Q, column: string, scope: Scope): Q {
  if (scope.prefix === '') return qb;
  return qb.whereBetween(column, [scope.prefix.padEnd(12, '0'), scope.prefix.padEnd(12, '9')]) as Q;
}

/** The same condition as SQL text with bindings, for raw queries. */
export function scopeSql(column: string, scope: Scope): { sql: string; bindings: string[] } {
  if (scope.prefix === '') return { sql: 'true', bindings: [] };
  return { sql: `${column} between ? and ?`, bindings: [scope.prefix.padEnd(12, '0'), scope.prefix.padEnd(12, '9')] };
}

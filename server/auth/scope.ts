import type { Knex } from 'knex';
import { AppError } from '../http/errors';

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

/**
 * The smallest area whose subtree holds all these codes, by their common prefix at the code's
 * levels (12, 9, 6, 4, 2 digits); null when one is null (something in no area) or none is given.
 */
export function commonArea(codes: readonly (string | null | undefined)[]): string | null {
  if (!codes.length || codes.some((c) => !c)) return null;
  for (const len of [12, 9, 6, 4, 2]) {
    const prefix = codes[0]!.slice(0, len);
    if (codes.every((c) => c!.startsWith(prefix))) return prefix.padEnd(12, '0');
  }
  return null;
}

/** Whether an area code lies in the scope (an object with no area lies only in the unbounded scope). */
export const inScope = (scope: Scope, code: string | null | undefined): boolean =>
  scope.prefix === '' || (!!code && code.startsWith(scope.prefix));

/** Whether `inner` is `outer` or a subtree of it. */
export const scopeWithin = (inner: Scope, outer: Scope): boolean => inner.prefix.startsWith(outer.prefix);

/**
 * The scope's codes as a range, lowest and highest, so a plain b-tree index on an area code
 * column serves the condition (a LIKE prefix needs text_pattern_ops).
 */
const codeRange = (scope: Scope): [string, string] => [scope.prefix.padEnd(12, '0'), scope.prefix.padEnd(12, '9')];

/** Restricts a query to rows whose area code column lies in the scope. */
export function whereInScope<Q extends Knex.QueryBuilder>(qb: Q, column: string, scope: Scope): Q {
  if (scope.prefix === '') return qb;
  return qb.whereBetween(column, codeRange(scope)) as Q;
}

/** The same condition as SQL text with bindings, for raw queries. */
export function scopeSql(column: string, scope: Scope): { sql: string; bindings: string[] } {
  if (scope.prefix === '') return { sql: 'true', bindings: [] };
  return { sql: `${column} between ? and ?`, bindings: codeRange(scope) };
}

/** Codes of the areas that hold the scope's root area (district, city, province), by code prefix; none for the unbounded scope. */
export function scopeAncestors(scope: Scope): string[] {
  if (scope.prefix === '') return [];
  return [2, 4, 6, 9].filter((len) => len < scope.prefix.length).map((len) => scope.prefix.slice(0, len).padEnd(12, '0'));
}

/**
 * Whether an object tied to an area as a whole (a layer, a plan) is visible in the scope: it has
 * no area, its area lies in the scope, or its area holds the scope (a street planner sees the
 * district's plan, and only its street's grids in it).
 */
export const areaVisible = (scope: Scope, code: string | null | undefined): boolean =>
  scope.prefix === '' || !code || inScope(scope, code) || scopeAncestors(scope).includes(code);

/** The scope's bounds as SQL literals: a prefix is digits only (area codes are checked `^[0-9]{12}$`), asserted here. */
function bounds(scope: Scope): [string, string] {
  if (!/^\d{1,12}$/.test(scope.prefix)) throw new Error(`not an area code prefix: ${JSON.stringify(scope.prefix)}`);
  return codeRange(scope).map((code) => `'${code}'`) as [string, string];
}

/**
 * `scopeSql` with the bounds written into the text (digits only, checked), for SQL assembled
 * from parts (laterals, feature sources) where ordering bindings is error-prone.
 */
export function scopeCondition(column: string, scope: Scope): string {
  if (scope.prefix === '') return 'true';
  const [lo, hi] = bounds(scope);
  return `(${column} between ${lo} and ${hi})`;
}

/** `areaVisible` as SQL text over an area code column (bounds written in, as `scopeCondition`). */
export function areaVisibleCondition(column: string, scope: Scope): string {
  if (scope.prefix === '') return 'true';
  const ancestors = scopeAncestors(scope).map((c) => `'${c}'`);
  return `(${column} is null or ${scopeCondition(column, scope)}${ancestors.length ? ` or ${column} in (${ancestors.join(', ')})` : ''})`;
}

/**
 * The 403 of a write outside the caller's scope, naming the area written (null: something that
 * lies in no area, which only the unbounded scope may write).
 */
export function outOfScope(scope: Scope, area: string | null, what: string): AppError {
  const where = area ? `area ${area}` : 'no area';
  return new AppError(403, 'out_of_scope', `${what} lies in ${where}, outside your scope (area ${scope.areaCode})`,
    { area, scope: scope.areaCode });
}

/**
 * SQL text: a geometry column lies in the scope, for what has a location but no area code
 * (hazard sources, response points): it intersects the geometry of the scope's root area; 'true'
 * for the unbounded scope. The area's code is written in (digits, checked). The area's geometry
 * is a scalar subquery, evaluated once per statement, so a GiST index on the column serves the
 * condition; a scope whose area is not loaded holds nothing.
 */
export function geomInScopeCondition(column: string, scope: Scope): string {
  if (scope.prefix === '') return 'true';
  if (!/^\d{12}$/.test(scope.areaCode ?? '')) throw new Error(`not an area code: ${JSON.stringify(scope.areaCode)}`);
  return `ST_Intersects(${column}, (select a.geom from admin_areas a where a.code = '${scope.areaCode}'))`;
}

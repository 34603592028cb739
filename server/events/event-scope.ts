import type { Knex } from 'knex';
import type { Assignment } from './grid-index';
import { inScope, scopeSql, type Scope } from '../auth/scope';

/**
 * Which of an event's area codes a scope is decided on: the one of the scope's own level — a
 * community scope (12 digits) by `community_code`, a street scope (9) by `street_code`, a
 * district or any coarser scope (6, 4, 2) by `district_code`. So the events of a street are
 * exactly those assigned to that street, whether or not they also fell in one of its
 * communities. An event in no area of that level lies only in the unbounded scope.
 */
export function eventScopeColumn(scope: Scope): 'community_code' | 'street_code' | 'district_code' {
  const n = scope.prefix.length;
  return n > 9 ? 'community_code' : n > 6 ? 'street_code' : 'district_code';
}

/**
 * SQL condition (with bindings) that an event, as `alias` (its table or alias; '' for none), lies
 * in the scope: 'true' for the unbounded scope, else a range on the area code column of the
 * scope's level, which the (code, occurred_at) indexes of migration 013 serve.
 */
export function eventScopeSql(scope: Scope, alias = 'e'): { sql: string; bindings: string[] } {
  return scopeSql(`${alias ? `${alias}.` : ''}${eventScopeColumn(scope)}`, scope);
}

/** Whether an event assigned to these areas lies in the scope (the same rule as eventScopeSql). */
export function eventInScope(scope: Scope, a: Pick<Assignment, 'communityCode' | 'streetCode' | 'districtCode'>): boolean {
  const column = eventScopeColumn(scope);
  return inScope(scope, column === 'community_code' ? a.communityCode : column === 'street_code' ? a.streetCode : a.districtCode);
}

/** Restricts a query builder over events (as `alias`) to the scope. */
export function whereEventInScope<Q extends Knex.QueryBuilder>(qb: Q, scope: Scope, alias = 'e'): Q {
  const { sql, bindings } = eventScopeSql(scope, alias);
  return (scope.prefix === '' ? qb : qb.whereRaw(sql, bindings)) as Q;
}

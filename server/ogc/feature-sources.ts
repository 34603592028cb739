import type { Knex } from 'knex';
import { geomInScopeCondition, scopeCondition, type Scope } from '../auth/scope';
import { eventScopeColumn } from '../events/event-scope';
import type { TimeInterval } from './datetime';

export type PropertyType = 'string' | 'integer';

/** One feature property: its SQL (over the source's FROM clause), JSON type and meaning. */
export interface PropertyDef {
  sql: string;
  type: PropertyType;
  description: string;
  /** may be filtered on with `?name=value` (exact match on the text of the value) */
  queryable?: boolean;
}

/** Properties computed only for the rows of one page, after ordering and paging. */
export interface PageJoin {
  /** the properties it adds, their SQL over the join's alias */
  properties: Record<string, PropertyDef>;
  /** a join over the paged rows (alias `p`, columns named as the source's properties) */
  join(window: TimeInterval | undefined): { sql: string; bindings: Knex.RawBinding[] };
}

/**
 * A table (or join) served as a feature collection, pg_featureserv-style: how its rows are
 * selected, identified, located and described. Identifiers and SQL here are constants; request
 * values reach the database only as bindings.
 */
export interface FeatureSource {
  /** FROM clause; the features' own table is aliased `t` */
  from: string;
  /** what makes this collection out of the table (a plan and a kind, a level) */
  where: string;
  bindings: Knex.RawBinding[];
  /** the feature id: unique in the collection, the paging order */
  id: { sql: string; type: PropertyType };
  geometry: string;
  properties: Record<string, PropertyDef>;
  page?: PageJoin;
}

/** Every property of a source, those of the page join included, in output order. */
export const allProperties = (src: FeatureSource): Record<string, PropertyDef> => ({ ...src.properties, ...src.page?.properties });

/** Names of the properties a request may filter on. */
export const queryableNames = (src: FeatureSource): string[] =>
  Object.entries(src.properties).filter(([, p]) => p.queryable).map(([name]) => name);

/** The street of a grid's area: the area's parent when the area is a community, the area itself when a street. */
const STREET_OF_AREA = `case when c.level = 'community' then c.parent_code::text when c.level = 'street' then c.code::text end`;

/** The areas of one level in the scope (its subtree, by code). */
export function areaSource(level: 'district' | 'street' | 'community', scope: Scope): FeatureSource {
  return {
    from: 'admin_areas t',
    where: `t.level = ? and ${scopeCondition('t.code', scope)}`,
    bindings: [level],
    id: { sql: 't.code::text', type: 'string' },
    geometry: 't.geom',
    properties: {
      code: { sql: 't.code::text', type: 'string', description: '12-digit statistical code', queryable: true },
      name: { sql: 't.name', type: 'string', description: 'name', queryable: true },
      level: { sql: 't.level', type: 'string', description: 'district, street or community' },
      parent_code: { sql: 't.parent_code::text', type: 'string', description: 'code of the area it lies in (a community\'s street, a street\'s district)', queryable: true },
    },
  };
}

const gridProperties: Record<string, PropertyDef> = {
  code: { sql: 't.code', type: 'string', description: 'grid code, unique in its plan', queryable: true },
  name: { sql: 't.name', type: 'string', description: 'grid name', queryable: true },
  kind: { sql: 't.kind', type: 'string', description: 'comprehensive, dedicated, micro, police, emergency, safety or departmental' },
  area_code: { sql: 't.area_code::text', type: 'string', description: 'code of the area (community) the grid belongs to', queryable: true },
  street_code: { sql: STREET_OF_AREA, type: 'string', description: "code of the street of the grid's area", queryable: true },
  households: { sql: 't.households', type: 'integer', description: 'households at the address points inside' },
  population: { sql: 't.population', type: 'integer', description: 'population at the address points inside' },
  parent_grid_code: { sql: 't.parent_grid_code', type: 'string', description: 'for a micro-grid, the code of the grid it subdivides', queryable: true },
  plan_id: { sql: 't.plan_id', type: 'integer', description: 'the plan (version of the layer) the grid belongs to' },
};

/** The grids of one kind in one plan, those in the scope (by area_code; none: only the unbounded scope). */
export function gridSource(planId: number, kind: string, scope: Scope): FeatureSource {
  return {
    from: 'grids t left join admin_areas c on c.code = t.area_code',
    where: `t.plan_id = ? and t.kind = ? and ${scopeCondition('t.area_code', scope)}`,
    bindings: [planId, kind],
    id: { sql: 't.code', type: 'string' },
    geometry: 't.geom',
    properties: gridProperties,
  };
}

/** `occurred_at` within the window, as SQL over events `e` with its bindings. */
function windowSql(window: TimeInterval | undefined): { sql: string; bindings: Knex.RawBinding[] } {
  const parts: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  if (window?.start) {
    parts.push('e.occurred_at >= cast(? as timestamptz)');
    bindings.push(window.start.toISOString());
  }
  if (window?.end) {
    parts.push(`e.occurred_at ${window.endExclusive ? '<' : '<='} cast(? as timestamptz)`);
    bindings.push(window.end.toISOString());
  }
  return { sql: parts.map((p) => ` and ${p}`).join(''), bindings };
}

/**
 * An event (`e`) in the scope, by the events' own rule (server/events/event-scope.ts: its area
 * code of the scope's level), as SQL text with the bounds written in.
 */
export const eventInScopeCondition = (scope: Scope, e = 'e'): string => scopeCondition(`${e}.${eventScopeColumn(scope)}`, scope);

/** Property name of the count of one event type. */
export const eventTypeProperty = (type: string) => `events_${type}`;

/**
 * The comprehensive grids of a plan, each with how many events were assigned to it over the
 * `datetime` window, in all and per type (`types`: every type stored, so every page has the same
 * properties). Events are counted by the grid they were assigned on ingest, as the risk
 * rankings count them; single events are never shown. In a bounded scope: its grids, and only
 * its events counted.
 */
export function eventsPerGridSource(planId: number, types: string[], scope: Scope): FeatureSource {
  const grids = gridSource(planId, 'comprehensive', scope);
  const eventsInScope = scope.prefix === '' ? '' : ` and ${eventInScopeCondition(scope)}`;
  const { code, name, area_code, street_code, households, population } = gridProperties;
  const perType = Object.fromEntries(types.map((type, i) => [eventTypeProperty(type), {
    sql: `c.n${i}`, type: 'integer' as const, description: `events of type ${type} in the datetime window`,
  }]));
  return {
    ...grids,
    properties: { code, name, area_code, street_code, households, population },
    page: {
      properties: { events: { sql: 'c.n', type: 'integer', description: 'events in the datetime window (all time without one)' }, ...perType },
      join(window) {
        const w = windowSql(window);
        const counts = types.map((_, i) => `count(*) filter (where e.type = ?)::int as n${i}`);
        return {
          sql: `left join lateral (
                  select ${['count(*)::int as n', ...counts].join(', ')}
                  from events e where e.grid_code = p.code and e.grid_kind = 'comprehensive'${eventsInScope}${w.sql}
                ) c on true`,
          bindings: [...types, ...w.bindings],
        };
      },
    },
  };
}

/** Geometry dimensions hazard sources are split by, so each collection has one geometry type (as GIS layers want). */
export const HAZARD_DIMENSIONS = { point: 0, line: 1, polygon: 2 } as const;
export type HazardShape = keyof typeof HAZARD_DIMENSIONS;

/** The hazard sources of one geometry dimension in the scope (by location): points (plants, stations), lines or polygons (flood zones …). */
export function hazardSource(shape: HazardShape, scope: Scope): FeatureSource {
  return {
    from: 'hazard_sources t',
    where: `ST_Dimension(t.geom) = ? and ${geomInScopeCondition('t.geom', scope)}`,
    bindings: [HAZARD_DIMENSIONS[shape]],
    id: { sql: 't.id', type: 'integer' },
    geometry: 't.geom',
    properties: {
      ext_id: { sql: 't.ext_id', type: 'string', description: 'id in the source register', queryable: true },
      type: { sql: 't.type', type: 'string', description: 'chemical_plant, gas_station, flood_zone, …', queryable: true },
      level: { sql: 't.level', type: 'string', description: 'hazard level', queryable: true },
      name: { sql: 't.name', type: 'string', description: 'name', queryable: true },
    },
  };
}

/** The response points in the scope (by location). */
export const responsePointSource = (scope: Scope): FeatureSource => ({
  from: 'response_points t',
  where: geomInScopeCondition('t.geom', scope),
  bindings: [],
  id: { sql: 't.id', type: 'integer' },
  geometry: 't.geom',
  properties: {
    ext_id: { sql: 't.ext_id', type: 'string', description: 'id in the source register', queryable: true },
    kind: { sql: 't.kind', type: 'string', description: 'police_station, quick_response, patrol or fire_station', queryable: true },
    name: { sql: 't.name', type: 'string', description: 'name', queryable: true },
  },
});

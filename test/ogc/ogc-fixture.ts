import type { Knex } from 'knex';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { boxSql, DISTRICT, EAST_STREET, insertPlan, NW, SE, splitCommunities, WEST_STREET, type Box, type Frame } from '../plans/plan-fixture';

/** The events the fixture ingests: (grid they fall in, type, time). Times straddle day boundaries in China Standard Time. */
export const FIXTURE_EVENTS = [
  { id: 'e1', grid: `${NW}002`, type: 'dispute', at: '2026-03-05T10:00:00+08:00', x: 0.65, y: 0.75 },
  { id: 'e2', grid: `${NW}002`, type: 'dispute', at: '2026-03-31T23:30:00+08:00', x: 0.7, y: 0.8 },
  { id: 'e3', grid: `${NW}002`, type: 'fire', at: '2026-04-01T00:30:00+08:00', x: 0.6, y: 0.7 },
  { id: 'e4', grid: `${SE}002`, type: 'hotline_12345', at: '2026-04-10T12:00:00+08:00', x: 1.65, y: 0.25 },
];

export interface OgcFixture {
  o: Frame;
  /** published comprehensive plan: each community cut in two, 8 grids */
  published: number;
  publishedLayer: number;
  /** draft plan of another layer: an L-shaped grid and the rectangle it wraps */
  lPlan: number;
  policeLayer: number;
  policePlan: number;
  /** the district's bbox in degrees */
  districtBbox: [number, number, number, number];
}

/** Degrees of a point given in district units. */
export const at = (o: Frame, x: number, y: number): [number, number] => [o.x0 + x * o.dx, o.y0 + y * o.dy];

/**
 * The square district of test/helpers/areas-fixture.ts with: a published comprehensive plan;
 * a draft plan whose grid NW001 is an L (bottom strip and left strip of the north-west corner
 * unit) around NW002; a police layer of two grids (one per street); two point hazards and a
 * flood polygon; two response points.
 */
export async function insertOgcFixture(knex: Knex): Promise<OgcFixture> {
  const o = await insertSquareDistrict(knex);
  const published = await insertPlan(knex, o, { layer: '综合网格', name: 'v1', status: 'published', grids: splitCommunities({ nw: 0.3, sw: 0.3, ne: 1.3, se: 1.3 }) });
  const lPlan = await insertPlan(knex, o, {
    layer: '试点网格',
    name: 'L',
    grids: [
      { code: `${NW}001`, area: NW, boxes: [[0, 0, 1, 0.2], [0, 0.2, 0.2, 1]] as Box[] },
      { code: `${NW}002`, area: NW, boxes: [[0.2, 0.2, 1, 1]] as Box[] },
    ],
  });
  const { rows: [{ layer_id: publishedLayer }] } = await knex.raw('select layer_id from grid_plans where id = ?', [published]);

  const { rows: [{ id: policeLayer }] } = await knex.raw(`insert into grid_layers (name, kind, area_code) values ('警格', 'police', ?) returning id`, [DISTRICT]);
  const { rows: [{ id: policePlan }] } = await knex.raw(
    `insert into grid_plans (layer_id, name, status, published_at, area_code) values (?, '警格 v1', 'published', now(), ?) returning id`, [policeLayer, DISTRICT]);
  for (const [code, area, box] of [['P-WEST', WEST_STREET, [0, 0, 1, 1]], ['P-EAST', EAST_STREET, [1, 0, 2, 1]]] as [string, string, Box][]) {
    await knex.raw(`insert into grids (plan_id, code, kind, area_code, geom) values (?, ?, 'police', ?, ST_Multi(${boxSql(o, box)}))`, [policePlan, code, area]);
  }

  for (const [ext, type, x, y] of [['hz-1', 'gas_station', 0.5, 0.5], ['hz-2', 'chemical_plant', 1.5, 0.5]] as [string, string, number, number][]) {
    await knex.raw(`insert into hazard_sources (ext_id, type, level, name, geom) values (?, ?, '一般', ?, ST_SetSRID(ST_MakePoint(?, ?), 4326))`, [ext, type, `${type} ${ext}`, ...at(o, x, y)]);
  }
  await knex.raw(`insert into hazard_sources (ext_id, type, name, geom) values ('hz-3', 'flood_zone', '低洼地', ${boxSql(o, [0.1, 0.1, 0.4, 0.3])})`);
  for (const [ext, kind, x, y] of [['rp-1', 'police_station', 0.4, 0.4], ['rp-2', 'fire_station', 1.6, 0.6]] as [string, string, number, number][]) {
    await knex.raw(`insert into response_points (ext_id, kind, name, geom) values (?, ?, ?, ST_SetSRID(ST_MakePoint(?, ?), 4326))`, [ext, kind, ext, ...at(o, x, y)]);
  }
  const [x1, y1] = at(o, 0, 0);
  const [x2, y2] = at(o, 2, 1);
  return { o, published, publishedLayer, lPlan, policeLayer, policePlan, districtBbox: [x1, y1, x2, y2] };
}

/** The fixture's events as NDJSON for POST /api/events/bulk (assigned to the published grids on ingest). */
export function fixtureEventsNdjson(o: Frame): string {
  return FIXTURE_EVENTS.map((e) => {
    const [lng, lat] = at(o, e.x, e.y);
    return JSON.stringify({ external_id: e.id, type: e.type, occurred_at: e.at, lng, lat });
  }).join('\n');
}

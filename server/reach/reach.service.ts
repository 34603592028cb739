import type { Knex } from 'knex';
import { EVERYWHERE, type Scope } from '../auth/scope';
import { utmSrid } from '../geo/utm';
import { badRequest } from '../http/errors';
import { exposurePlan } from '../hazards/exposure.repo';
import { gridsOutside, reachAreas, responsePoints, roadEdges } from './reach.repo';
import { DEFAULT_MINUTES, ROAD_SPEED_KMH, STRAIGHT_SPEED_KMH, type ReachAnswer, type ReachQuery } from './reach.schema';
import { networkDistances, reachedStretches } from './road-isochrone';

/**
 * Quick-response reach ("1-3-5 minutes"): the ground reachable from the response points in
 * each time, along the loaded roads (network distance at the road speed, plus `offRoadM`
 * either side of a reached road) or, without roads or when asked, in a straight line at the
 * straight-line speed; and the plan's grids left outside the longest reach. With no response
 * points, nothing is reached. A bounded scope starts from the response points in its area only
 * and checks only its grids (the roads between are everyone's).
 */
export async function reach(knex: Knex, q: ReachQuery, scope: Scope = EVERYWHERE): Promise<ReachAnswer> {
  const minutes = q.minutes ?? DEFAULT_MINUTES;
  const points = await responsePoints(knex, q.kinds, scope);
  const edges = q.mode === 'straight' ? [] : await roadEdges(knex);
  if (q.mode === 'road' && !edges.length) throw badRequest('no_roads', "mode 'road' needs roads: import barriers of class road, or use mode 'straight'");
  const mode = edges.length ? 'road' : 'straight';
  const speedKmh = q.speedKmh ?? (mode === 'road' ? ROAD_SPEED_KMH : STRAIGHT_SPEED_KMH);
  const metresPerMinute = (speedKmh * 1000) / 60;

  const origins = points.map((p): [number, number] => [p.lng, p.lat]);
  const distances = mode === 'road' ? networkDistances(edges, points) : [];
  const budgets = minutes.map((t) => {
    const budgetM = t * metresPerMinute;
    return mode === 'road'
      ? { budgetM, stretches: reachedStretches(edges, distances, budgetM), offRoadM: q.offRoadM }
      : { budgetM, stretches: [], offRoadM: null };
  });
  const centre = origins.reduce(([x, y], [lng, lat]) => [x + lng / origins.length, y + lat / origins.length], [0, 0]);
  // no response points (of those kinds): nothing is reached, every grid is outside
  const areas = points.length
    ? await reachAreas(knex, utmSrid(centre[0], centre[1]), origins, budgets)
    : budgets.map(() => ({ geometry: { type: 'MultiPolygon', coordinates: [] }, areaM2: 0 }));

  const planId = await exposurePlan(knex, q.plan);
  const longest = areas[areas.length - 1];
  const grids = planId === null ? { total: 0, outside: [] } : await gridsOutside(knex, planId, longest.geometry, scope);
  return {
    mode, speedKmh, offRoadM: mode === 'road' ? q.offRoadM : null, minutes, points: points.length, planId,
    areas: {
      type: 'FeatureCollection',
      features: areas.map((a, i) => ({ type: 'Feature', geometry: a.geometry, properties: { minutes: minutes[i], areaM2: a.areaM2 } })),
    },
    grids: { ...grids, outsideCount: grids.outside.length, householdsOutside: grids.outside.reduce((s, g) => s + g.householdsOutside, 0) },
  };
}

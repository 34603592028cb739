import { scopeOfRequest } from '../auth/principal';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { parseOr400 } from '../http/validate';
import { responsePointFeatures } from './reach.repo';
import { reachQuery } from './reach.schema';
import { reach } from './reach.service';

const geojson = 'application/geo+json';

export function reachRoutes({ db }: AppDeps) {
  const { router, add } = apiRouter('/api');
  add({ method: 'get', path: '/response-points', access: 'hazards:read', summary: "Quick-response points (police stations, quick-response posts, patrol points, fire stations) in the caller's area as GeoJSON", tag: 'reach', produces: geojson }, async (req, res) => {
    const rows = await responsePointFeatures(db.knex, scopeOfRequest(req));
    res.type(geojson).json({
      type: 'FeatureCollection',
      features: rows.map(({ geometry, properties, ...p }) => ({ type: 'Feature', id: p.id, geometry, properties: { ...properties, ...p } })),
    });
  });
  add({ method: 'get', path: '/reach', access: 'hazards:read', summary: "Quick-response reach ('1-3-5 minutes') from the response points in the caller's area, along roads or in a straight line, and its grids left outside", tag: 'reach', query: reachQuery }, async (req, res) => {
    res.json(await reach(db.knex, parseOr400(reachQuery, req.query), scopeOfRequest(req)));
  });
  return router;
}

import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { parseOr400 } from '../http/validate';
import { reachQuery } from './reach.schema';
import { reach } from './reach.service';

const geojson = 'application/geo+json';

export function reachRoutes({ db }: AppDeps) {
  const { router, add } = apiRouter('/api');
  add({ method: 'get', path: '/response-points', access: 'hazards:read', summary: 'Quick-response points (police stations, quick-response posts, patrol points, fire stations) as GeoJSON', tag: 'reach', produces: geojson }, async (_req, res) => {
    const { rows } = await db.knex.raw(`select id::int as id, ext_id, kind, name, properties, ST_AsGeoJSON(geom, 7)::json as geometry from response_points order by id`);
    res.type(geojson).json({
      type: 'FeatureCollection',
      features: rows.map(({ geometry, properties, ...p }: { geometry: unknown; properties: object; id: number }) => ({ type: 'Feature', id: p.id, geometry, properties: { ...properties, ...p } })),
    });
  });
  add({ method: 'get', path: '/reach', access: 'hazards:read', summary: "Quick-response reach ('1-3-5 minutes') from the response points, along roads or in a straight line, and the grids left outside", tag: 'reach', query: reachQuery }, async (req, res) => {
    res.json(await reach(db.knex, parseOr400(reachQuery, req.query)));
  });
  return router;
}

import { z } from 'zod';
import type { AppDeps } from '../deps';
import { scopeOfRequest } from '../auth/principal';
import { apiRouter } from '../http/api-router';
import { notFound } from '../http/errors';
import { parseOr400, parsePagedOr400 } from '../http/validate';
import { areaCode, listAreasQuery, listGridsQuery } from './areas.schema';
import { getArea, listAreas, listGrids, listLayers } from './areas.repo';
import { toFeature, toFeatureCollection } from './feature-collection';

const geojson = 'application/geo+json';

export function areaRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  add({ method: 'get', path: '/areas', access: 'areas:read', summary: 'Administrative areas as GeoJSON, filtered and paged', tag: 'areas', query: listAreasQuery, produces: geojson }, async (req, res) => {
    const q = parsePagedOr400(listAreasQuery, req.query, config.MAX_PAGE_SIZE);
    const { rows, numberMatched } = await listAreas(db.knex, q, scopeOfRequest(req));
    res.type(geojson).json(toFeatureCollection(rows, numberMatched));
  });
  add({ method: 'get', path: '/areas/:code', access: 'areas:read', summary: 'One area with its households, population and area', tag: 'areas', produces: geojson }, async (req, res) => {
    const { code } = parseOr400(z.object({ code: areaCode }), req.params, 'path');
    const row = await getArea(db.knex, code, scopeOfRequest(req));
    if (!row) throw notFound(`area ${code}`);
    const { households, population, addressPoints, areaM2, ...rest } = row;
    const feature = toFeature(rest);
    feature.properties = { ...feature.properties, stats: { households, population, addressPoints, areaM2 } };
    res.type(geojson).json(feature);
  });
  add({ method: 'get', path: '/layers', access: 'areas:read', summary: 'Grid layers with their plans and grid counts', tag: 'grids' }, async (req, res) => {
    res.json(await listLayers(db.knex, scopeOfRequest(req)));
  });
  add({ method: 'get', path: '/layers/:id/grids', access: 'areas:read', summary: "A layer's grids as GeoJSON, filtered and paged", tag: 'grids', query: listGridsQuery, produces: geojson }, async (req, res) => {
    const { id } = parseOr400(z.object({ id: z.coerce.number().int().positive() }), req.params, 'path');
    const q = parsePagedOr400(listGridsQuery, req.query, config.MAX_PAGE_SIZE);
    const { rows, numberMatched } = await listGrids(db.knex, id, q, scopeOfRequest(req));
    res.type(geojson).json(toFeatureCollection(rows, numberMatched));
  });
  return router;
}

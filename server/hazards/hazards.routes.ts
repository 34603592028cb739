import { z } from 'zod';
import { scopeOfRequest } from '../auth/principal';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { jsonBody } from '../http/body-limits';
import { badRequest, notFound } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { exposurePlan, ringExposure } from './exposure.repo';
import { hazardSourceInScope, hazardSources } from './hazards.repo';
import { DEFAULT_RINGS_M, exposureQuery, RINGS_BY_TYPE_M, whatIfBody } from './hazards.schema';

const geojson = 'application/geo+json';

export function hazardRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  router.use('/hazards/what-if', jsonBody(config.JSON_LIMIT_MB));

  add({ method: 'get', path: '/hazards', access: 'hazards:read', summary: "Hazard sources in the caller's area as GeoJSON, with the ring distances of their type", tag: 'hazards', produces: geojson }, async (req, res) => {
    const rows = await hazardSources(db.knex, scopeOfRequest(req));
    res.type(geojson).json({
      type: 'FeatureCollection',
      features: rows.map(({ geometry, ...p }) => ({
        type: 'Feature', id: p.id, geometry, properties: { ...p, ringsM: RINGS_BY_TYPE_M[p.type] ?? DEFAULT_RINGS_M },
      })),
    });
  });

  add({ method: 'get', path: '/hazards/:id/exposure', access: 'hazards:read', summary: "Households, population and grids within each ring of a hazard source in the caller's area (metres; default rings by its type), counted within that area", tag: 'hazards', query: exposureQuery }, async (req, res) => {
    const { id } = parseOr400(z.object({ id: z.coerce.number().int().positive() }), req.params, 'path');
    const q = parseOr400(exposureQuery, req.query);
    const scope = scopeOfRequest(req);
    const hazard = await hazardSourceInScope(db.knex, id, scope);
    if (!hazard) throw notFound(`hazard source ${id}`);
    const ringsM = q.ringsM ?? RINGS_BY_TYPE_M[hazard.type] ?? DEFAULT_RINGS_M;
    const planId = await exposurePlan(db.knex, q.plan);
    res.json({ hazard: { id, type: hazard.type, name: hazard.name }, planId, rings: await ringExposure(db.knex, hazard.geom, ringsM, planId, scope) });
  });

  add({ method: 'post', path: '/hazards/what-if', access: 'hazards:read', summary: "Exposure of a hazard placed at a point: one radius (radiusM) or several (ringsM), in metres, counted within the caller's area", tag: 'hazards' }, async (req, res) => {
    const body = parseOr400(whatIfBody, req.body ?? {}, 'body');
    if (body.radiusM === undefined && body.ringsM === undefined) throw badRequest('invalid_body', "body needs 'radiusM' or 'ringsM'");
    const ringsM = body.ringsM ? [...body.ringsM].sort((a, b) => a - b) : [body.radiusM!];
    const { rows } = await db.knex.raw('select ST_AsHexEWKB(ST_SetSRID(ST_MakePoint(?, ?), 4326)) as g', [body.lng, body.lat]);
    const planId = await exposurePlan(db.knex, body.plan);
    res.json({ point: [body.lng, body.lat], planId, rings: await ringExposure(db.knex, rows[0].g, ringsM, planId, scopeOfRequest(req)) });
  });
  return router;
}

import { z } from 'zod';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { jsonBody } from '../http/body-limits';
import { badRequest, notFound } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { exposurePlan, ringExposure } from './exposure.repo';
import { DEFAULT_RINGS_M, exposureQuery, RINGS_BY_TYPE_M, whatIfBody } from './hazards.schema';

const geojson = 'application/geo+json';

export function hazardRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  router.use('/hazards/what-if', jsonBody(config.JSON_LIMIT_MB));

  add({ method: 'get', path: '/hazards', access: 'hazards:read', summary: 'Hazard sources as GeoJSON, with the ring distances of their type', tag: 'hazards', produces: geojson }, async (_req, res) => {
    const { rows } = await db.knex.raw(
      `select id, ext_id, type, level, name, ST_AsGeoJSON(geom, 7)::json as geometry from hazard_sources order by id`,
    );
    res.type(geojson).json({
      type: 'FeatureCollection',
      features: rows.map(({ geometry, ...p }: { geometry: unknown; id: number; type: string }) => ({
        type: 'Feature', id: p.id, geometry, properties: { ...p, ringsM: RINGS_BY_TYPE_M[p.type] ?? DEFAULT_RINGS_M },
      })),
    });
  });

  add({ method: 'get', path: '/hazards/:id/exposure', access: 'hazards:read', summary: "Households, population and grids within each ring of a hazard source (metres; default rings by its type)", tag: 'hazards', query: exposureQuery }, async (req, res) => {
    const { id } = parseOr400(z.object({ id: z.coerce.number().int().positive() }), req.params, 'path');
    const q = parseOr400(exposureQuery, req.query);
    const { rows } = await db.knex.raw('select type, name, ST_AsHexEWKB(geom) as geom from hazard_sources where id = ?', [id]);
    if (!rows.length) throw notFound(`hazard source ${id}`);
    const ringsM = q.ringsM ?? RINGS_BY_TYPE_M[rows[0].type] ?? DEFAULT_RINGS_M;
    const planId = await exposurePlan(db.knex, q.plan);
    res.json({ hazard: { id, type: rows[0].type, name: rows[0].name }, planId, rings: await ringExposure(db.knex, rows[0].geom, ringsM, planId) });
  });

  add({ method: 'post', path: '/hazards/what-if', access: 'hazards:read', summary: 'Exposure of a hazard placed at a point: one radius (radiusM) or several (ringsM), in metres', tag: 'hazards' }, async (req, res) => {
    const body = parseOr400(whatIfBody, req.body ?? {}, 'body');
    if (body.radiusM === undefined && body.ringsM === undefined) throw badRequest('invalid_body', "body needs 'radiusM' or 'ringsM'");
    const ringsM = body.ringsM ? [...body.ringsM].sort((a, b) => a - b) : [body.radiusM!];
    const { rows } = await db.knex.raw('select ST_AsHexEWKB(ST_SetSRID(ST_MakePoint(?, ?), 4326)) as g', [body.lng, body.lat]);
    const planId = await exposurePlan(db.knex, body.plan);
    res.json({ point: [body.lng, body.lat], planId, rings: await ringExposure(db.knex, rows[0].g, ringsM, planId) });
  });
  return router;
}

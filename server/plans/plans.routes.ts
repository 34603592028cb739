import type { AppDeps } from '../deps';
import { scopeOfRequest } from '../auth/principal';
import { apiRouter } from '../http/api-router';
import { parseOr400 } from '../http/validate';
import { createPlansService } from './plans.service';
import { diffParams, diffQuery, gridParams, listPlansQuery, planGridsQuery, planIdParams, topologyQuery } from './plans.schema';
import { IF_MATCH_WHOLE_PLAN, parseIfMatch } from './versions';

const geojson = 'application/geo+json';

export function planRoutes({ db }: AppDeps) {
  const plans = createPlansService(db);
  const { router, add } = apiRouter('/api');

  add({ method: 'get', path: '/plans', access: 'areas:read', summary: 'Grid plans (versions of a layer) with grid counts per kind and households', tag: 'plans', query: listPlansQuery }, async (req, res) => {
    const { layerId } = parseOr400(listPlansQuery, req.query);
    res.json(await plans.listPlans(scopeOfRequest(req), layerId));
  });

  add({ method: 'get', path: '/plans/:id', access: 'areas:read', summary: 'One plan: version, status, params, grid counts, households, share of comprehensive grids in range', tag: 'plans', etag: "the plan's version, for If-Match on its writes" }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    const plan = await plans.getPlan(id, scopeOfRequest(req));
    res.set('ETag', plan.etag).json(plan);
  });

  add(
    { method: 'get', path: '/plans/:id/grids', access: 'areas:read', summary: "A plan's grids as GeoJSON; properties are GridProperties (area_m2, polsby_popper, targets, in_range), version and etag", tag: 'plans', query: planGridsQuery, produces: geojson },
    async (req, res) => {
      const { id } = parseOr400(planIdParams, req.params, 'path');
      const q = parseOr400(planGridsQuery, req.query);
      res.type(geojson).json(await plans.grids(id, q, scopeOfRequest(req)));
    },
  );

  add(
    { method: 'get', path: '/plans/:id/grids/:code', access: 'areas:read', summary: 'One grid of a plan as a GeoJSON feature (GridProperties, version, etag)', tag: 'plans', produces: geojson, etag: "the grid's version, for If-Match on edits" },
    async (req, res) => {
      const { id, code } = parseOr400(gridParams, req.params, 'path');
      const { feature, etag } = await plans.grid(id, code, scopeOfRequest(req));
      res.type(geojson).set('ETag', etag).json(feature);
    },
  );

  add({ method: 'post', path: '/plans/:id/publish', access: 'plans:edit', summary: "Publishes a draft plan and archives the layer's published one, in one transaction", tag: 'plans', ifMatch: IF_MATCH_WHOLE_PLAN, etag: "the plan's new ETag" }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    const result = await plans.publish(id, scopeOfRequest(req), parseIfMatch(req.get('if-match'), id));
    res.set('ETag', result.plan.etag).json(result);
  });

  add(
    { method: 'get', path: '/plans/:id/diff/:other', access: 'areas:read', summary: 'Changes from plan :id to plan :other of the same layer: codes added, removed, reshaped; household moves', tag: 'plans', query: diffQuery },
    async (req, res) => {
      const { id, other } = parseOr400(diffParams, req.params, 'path');
      const { format } = parseOr400(diffQuery, req.query);
      const scope = scopeOfRequest(req);
      if (format === 'geojson') res.type(geojson).json(await plans.diffFeatures(id, other, scope));
      else res.json(await plans.diff(id, other, scope));
    },
  );

  add(
    { method: 'get', path: '/plans/:id/topology', access: 'areas:read', summary: 'Topology check: gaps, overlaps, slivers, multi-part grids, grids outside or across their community, households out of range', tag: 'plans', query: topologyQuery },
    async (req, res) => {
      const { id } = parseOr400(planIdParams, req.params, 'path');
      const { area } = parseOr400(topologyQuery, req.query);
      res.json(await plans.topology(id, scopeOfRequest(req), area));
    },
  );

  return router;
}

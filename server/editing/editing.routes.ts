import type { AppDeps } from '../deps';
import { toFeatureCollection } from '../areas/feature-collection';
import { scopeOfRequest } from '../auth/principal';
import { apiRouter } from '../http/api-router';
import { jsonBody } from '../http/body-limits';
import { badRequest } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { vertexLimitProblem } from '../geo/vertex-count';
import { IF_MATCH_WHOLE_PLAN, parseIfMatch } from '../plans/versions';
import { editRequest, listUnitsQuery, planIdParams } from './editing.schema';
import { applyEdit, history, redo, undo, unitsOf } from './editing.service';

const geojson = 'application/geo+json';

/**
 * Grid editing of draft plans: units for painting, edits (move units, split, merge), undo/redo,
 * history. Writes take an optional If-Match and answer the plan's new ETag.
 */
export function editingRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  router.use('/plans/:id/edits', jsonBody(config.JSON_LIMIT_MB));

  add({ method: 'get', path: '/plans/:id/units', access: 'areas:read', summary: "A plan's atomic units (id, grid, community, households, population) as GeoJSON, for painting", tag: 'editing', query: listUnitsQuery, produces: geojson }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    const q = parseOr400(listUnitsQuery, req.query);
    const rows = await unitsOf(db, id, q, scopeOfRequest(req));
    const fc = toFeatureCollection(rows, rows.length);
    fc.features.forEach((f, i) => (f.id = rows[i].id as number));
    res.type(geojson).json(fc);
  });

  add({ method: 'get', path: '/plans/:id/edits', access: 'areas:read', summary: "A draft plan's edit history, oldest first, with canUndo/canRedo", tag: 'editing' }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    res.json(await history(db, id, scopeOfRequest(req)));
  });

  add({
    method: 'post', path: '/plans/:id/edits', access: 'plans:edit', summary: 'Edits a draft plan: {op:"move_units",unitIds,toGrid} | {op:"split",grid,line} | {op:"merge",grids:[a,b]}; checks the tiling, answers figures before/after', tag: 'editing', body: ['application/json'], status: 201,
    ifMatch: "the plan's ETag, or the ETags of every grid the edit changes (GET /api/plans/:id/grids); a stale one is a 409 stale_version with the current ETags",
    etag: "the plan's new ETag",
  }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    const ifMatch = parseIfMatch(req.get('if-match'), id);
    if (req.body === undefined) throw badRequest('invalid_body', 'send the edit as a JSON body with Content-Type: application/json');
    const edit = parseOr400(editRequest, req.body, 'body');
    const tooLong = edit.op === 'split' && vertexLimitProblem(edit.line, config.MAX_VERTICES);
    if (tooLong) throw badRequest('too_many_vertices', `the split line has ${tooLong}`, { maxVertices: config.MAX_VERTICES });
    const result = await applyEdit(db, id, edit, scopeOfRequest(req), ifMatch);
    res.status(201).set('ETag', result.versions.plan.etag).json(result);
  });

  add({ method: 'post', path: '/plans/:id/undo', access: 'plans:edit', summary: 'Undoes the latest edit of a draft plan, restoring its grids and units exactly', tag: 'editing', ifMatch: IF_MATCH_WHOLE_PLAN, etag: "the plan's new ETag" }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    const result = await undo(db, id, scopeOfRequest(req), parseIfMatch(req.get('if-match'), id));
    res.set('ETag', result.versions.plan.etag).json(result);
  });

  add({ method: 'post', path: '/plans/:id/redo', access: 'plans:edit', summary: 'Re-applies the edit undone last', tag: 'editing', ifMatch: IF_MATCH_WHOLE_PLAN, etag: "the plan's new ETag" }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    const result = await redo(db, id, scopeOfRequest(req), parseIfMatch(req.get('if-match'), id));
    res.set('ETag', result.versions.plan.etag).json(result);
  });
  return router;
}

import { scopeOfRequest } from '../auth/principal';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { notFound } from '../http/errors';
import { listCollections } from './collections';
import { conformance, landingPage, queryablesDocument } from './documents';
import { parsePlainQuery } from './items-query';
import { GEOJSON_TYPE, JSON_SCHEMA_TYPE, OPENAPI_TYPE, serviceRoot } from './links';
import { ogcOpenapiDocument } from './ogc-openapi';
import { describeCollection, describeCollections, itemsPage, oneItem, requireCollection } from './ogc.service';

const tag = 'ogc';

/** OGC API – Features, mounted at /ogc: landing page, conformance, API definition, collections, items. */
export function ogcRoutes({ db }: AppDeps) {
  const { router, add } = apiRouter('/ogc');
  add({ method: 'get', path: '/', access: 'areas:read', summary: 'OGC API – Features landing page: links to the API definition, conformance and collections', tag }, async (req, res) => {
    parsePlainQuery(req.query, 'the landing page');
    res.json(landingPage(serviceRoot(req)));
  });
  add({ method: 'get', path: '/api', access: 'areas:read', summary: 'OpenAPI 3.0 definition of the OGC API, one path per collection with its filters', tag, produces: OPENAPI_TYPE }, async (req, res) => {
    parsePlainQuery(req.query, 'the API definition');
    res.type(OPENAPI_TYPE).send(JSON.stringify(ogcOpenapiDocument(serviceRoot(req), await listCollections(db.knex, scopeOfRequest(req)))));
  });
  add({ method: 'get', path: '/conformance', access: 'areas:read', summary: 'Conformance classes implemented', tag }, async (req, res) => {
    parsePlainQuery(req.query, 'conformance');
    res.json(conformance(serviceRoot(req)));
  });
  add({ method: 'get', path: '/collections', access: 'areas:read', summary: 'Feature collections with their extents: areas by level, grid layers and plans by kind, hazards, response points, events per grid', tag }, async (req, res) => {
    parsePlainQuery(req.query, 'the collections');
    res.json(await describeCollections(db.knex, serviceRoot(req), scopeOfRequest(req)));
  });
  add({ method: 'get', path: '/collections/:collectionId', access: 'areas:read', summary: 'One collection: links, spatial (and temporal) extent, CRS', tag }, async (req, res) => {
    parsePlainQuery(req.query, `collection '${req.params.collectionId}'`);
    res.json(await describeCollection(db.knex, serviceRoot(req), String(req.params.collectionId), scopeOfRequest(req)));
  });
  add({ method: 'get', path: '/collections/:collectionId/queryables', access: 'areas:read', summary: 'JSON Schema of the properties a collection can be filtered on with ?name=value', tag, produces: JSON_SCHEMA_TYPE }, async (req, res) => {
    parsePlainQuery(req.query, `the queryables of '${req.params.collectionId}'`);
    const c = await requireCollection(db.knex, String(req.params.collectionId), scopeOfRequest(req));
    res.type(JSON_SCHEMA_TYPE).send(JSON.stringify(queryablesDocument(serviceRoot(req), c)));
  });
  add({ method: 'get', path: '/collections/:collectionId/items', access: 'areas:read', summary: "A collection's features as GeoJSON, ordered by id and paged (bbox, limit, offset, datetime, property filters: see /ogc/api)", tag, produces: GEOJSON_TYPE }, async (req, res) => {
    res.type(GEOJSON_TYPE).send(JSON.stringify(await itemsPage(db.knex, serviceRoot(req), String(req.params.collectionId), req.query, scopeOfRequest(req))));
  });
  add({ method: 'get', path: '/collections/:collectionId/items/:featureId', access: 'areas:read', summary: 'One feature as GeoJSON', tag, produces: GEOJSON_TYPE }, async (req, res) => {
    const { collectionId, featureId } = req.params;
    res.type(GEOJSON_TYPE).send(JSON.stringify(await oneItem(db.knex, serviceRoot(req), String(collectionId), String(featureId), req.query, scopeOfRequest(req))));
  });
  router.use((req, _res, next) => next(notFound(`route ${req.method} /ogc${req.path}`)));
  return router;
}

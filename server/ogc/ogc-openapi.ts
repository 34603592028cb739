import type { OgcCollection } from './collections';
import { SERVICE_TITLE } from './documents';
import { allProperties, queryableNames } from './feature-sources';
import { LIMIT_DEFAULT, LIMIT_MAX } from './items-query';
import { GEOJSON_TYPE, JSON_SCHEMA_TYPE, JSON_TYPE, OPENAPI_TYPE } from './links';

const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const json = (schema: object, type = JSON_TYPE) => ({ content: { [type]: { schema } } });
const errors = {
  '400': { description: 'a parameter is unknown or invalid: the message names it and why', ...json({ $ref: '#/components/schemas/error' }) },
  '404': { description: 'no such collection or feature', ...json({ $ref: '#/components/schemas/error' }) },
};

const parameters = {
  f: { name: 'f', in: 'query', required: false, description: 'output format; JSON is the only one', schema: { type: 'string', enum: ['json'] } },
  fFeatures: { name: 'f', in: 'query', required: false, description: 'output format; GeoJSON is the only one', schema: { type: 'string', enum: ['json', 'geojson'] } },
  bbox: {
    name: 'bbox', in: 'query', required: false, style: 'form', explode: false,
    description: 'only features whose geometry intersects the box minLng,minLat,maxLng,maxLat (CRS84 degrees)',
    schema: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } },
  },
  limit: { name: 'limit', in: 'query', required: false, description: 'features per page', schema: { type: 'integer', minimum: 1, maximum: LIMIT_MAX, default: LIMIT_DEFAULT } },
  offset: { name: 'offset', in: 'query', required: false, description: 'features to skip (the next and prev links carry it)', schema: { type: 'integer', minimum: 0, default: 0 } },
  datetime: {
    name: 'datetime', in: 'query', required: false, style: 'form', explode: false,
    description: 'instant or interval (RFC 3339, `..` for an open end; a date alone is a whole day in China Standard Time) over which events are counted',
    schema: { type: 'string' },
  },
  featureId: { name: 'featureId', in: 'path', required: true, description: 'the feature id (a code, or a number for hazards and response points)', schema: { type: 'string' } },
};

const schemas = {
  error: {
    type: 'object', required: ['error'],
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
  },
  link: { type: 'object', required: ['href', 'rel'], properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } } },
  links: { type: 'array', items: { $ref: '#/components/schemas/link' } },
};

/** The GeoJSON Feature schema of a collection: its properties and their types. */
function featureSchema(c: OgcCollection) {
  return {
    type: 'object',
    required: ['type', 'geometry', 'properties'],
    properties: {
      type: { type: 'string', enum: ['Feature'] },
      id: { type: c.source.id.type },
      geometry: { type: 'object' },
      properties: {
        type: 'object',
        properties: Object.fromEntries(Object.entries(allProperties(c.source)).map(([n, p]) => [n, { type: p.type, nullable: true, description: p.description }])),
      },
      links: { $ref: '#/components/schemas/links' },
    },
  };
}

function collectionPaths(c: OgcCollection) {
  const path = `/collections/${c.id}`;
  const queryables = queryableNames(c.source).map((name) => ({
    name, in: 'query', required: false, description: `only features whose ${name} is this value: ${c.source.properties[name].description}`, schema: { type: 'string' },
  }));
  const temporal = c.timeSpan ? [ref('datetime')] : [];
  const feature = featureSchema(c);
  return {
    [path]: { get: { summary: `Describes ${c.id}: ${c.title}`, tags: [c.id], parameters: [ref('f')], responses: { '200': { description: 'the collection', ...json({ type: 'object' }) }, ...errors } } },
    [`${path}/queryables`]: { get: { summary: `Properties of ${c.id} that take ?name=value filters`, tags: [c.id], parameters: [ref('f')], responses: { '200': { description: 'JSON Schema', ...json({ type: 'object' }, JSON_SCHEMA_TYPE) }, ...errors } } },
    [`${path}/items`]: {
      get: {
        summary: `Features of ${c.id}, ordered by id, paged`,
        tags: [c.id],
        parameters: [ref('fFeatures'), ref('bbox'), ref('limit'), ref('offset'), ...temporal, ...queryables],
        responses: {
          '200': {
            description: 'a page of features with numberMatched, numberReturned, timeStamp and next/prev links',
            ...json({
              type: 'object',
              required: ['type', 'features'],
              properties: {
                type: { type: 'string', enum: ['FeatureCollection'] },
                features: { type: 'array', items: feature },
                links: { $ref: '#/components/schemas/links' },
                timeStamp: { type: 'string', format: 'date-time' },
                numberMatched: { type: 'integer', minimum: 0 },
                numberReturned: { type: 'integer', minimum: 0 },
              },
            }, GEOJSON_TYPE),
          },
          ...errors,
        },
      },
    },
    [`${path}/items/{featureId}`]: {
      get: { summary: `One feature of ${c.id}`, tags: [c.id], parameters: [ref('fFeatures'), ref('featureId'), ...temporal], responses: { '200': { description: 'the feature', ...json(feature, GEOJSON_TYPE) }, ...errors } },
    },
  };
}

/**
 * The OpenAPI 3.0 definition of the OGC API, one path per collection so each collection's
 * filters are listed where clients (GDAL's OAPIF driver) look for them; servers = `root`.
 */
export function ogcOpenapiDocument(root: string, collections: OgcCollection[]) {
  const plain = (summary: string, type = JSON_TYPE) => ({ get: { summary, tags: ['service'], parameters: [ref('f')], responses: { '200': { description: summary, ...json({ type: 'object' }, type) }, ...errors } } });
  return {
    openapi: '3.0.3',
    info: { title: SERVICE_TITLE, version: '1.0.0', description: 'OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) with Part 3 queryables as query parameters. Unknown query parameters are refused with 400.' },
    servers: [{ url: root }],
    paths: {
      '/': plain('Landing page'),
      '/api': plain('This API definition', OPENAPI_TYPE),
      '/conformance': plain('Conformance classes implemented'),
      '/collections': plain('The feature collections with their extents'),
      ...Object.assign({}, ...collections.map(collectionPaths)),
    },
    components: { parameters, schemas },
  };
}

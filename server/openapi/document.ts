import { z } from 'zod';
import { registeredRoutes, type RegisteredRoute } from '../http/api-router';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

function parameters(r: RegisteredRoute) {
  const pathParams = [...r.fullPath.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name, in: 'path', required: true, schema: { type: 'string' },
  }));
  const headerParams = r.ifMatch ? [{ name: 'If-Match', in: 'header', required: false, description: r.ifMatch, schema: { type: 'string' } }] : [];
  if (!r.query) return [...pathParams, ...headerParams];
  const json = z.toJSONSchema(r.query, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  const queryParams = Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name, in: 'query', required: json.required?.includes(name) ?? false, description: schema.description, schema,
  }));
  return [...pathParams, ...headerParams, ...queryParams];
}

function operation(r: RegisteredRoute) {
  const ok = String(r.status ?? 200);
  return {
    summary: r.summary,
    tags: [r.tag],
    parameters: parameters(r),
    ...(r.body && {
      requestBody: {
        required: true,
        content: Object.fromEntries(r.body.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
      },
    }),
    responses: {
      [ok]: {
        description: 'success',
        ...(r.etag && { headers: { ETag: { description: r.etag, schema: { type: 'string' } } } }),
        content: { [r.produces ?? 'application/json']: { schema: {} } },
      },
      ...(r.ifMatch && {
        '409': {
          description: 'If-Match is stale (stale_version: details.plan and details.grids hold the current versions and ETags, the ETag header the plan\'s), or the state does not allow the request',
          headers: { ETag: { description: "the plan's current ETag", schema: { type: 'string' } } },
          content: { 'application/json': { schema: errorSchema } },
        },
      }),
      '4XX': { description: 'bad request: the error names the parameter, feature or row and why', content: { 'application/json': { schema: errorSchema } } },
    },
  };
}

/** OpenAPI 3.0 description of every route declared through apiRouter. */
export function openapiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registeredRoutes()) {
    (paths[toOpenApiPath(r.fullPath)] ??= {})[r.method] = operation(r);
  }
  return {
    openapi: '3.0.3',
    info: { title: 'gridatlas API', version: '0.1.0', description: 'Grids, areas, imports and vector tiles for grid-based social governance; the OGC API – Features under /ogc has its own definition, with each collection and its filters, at /ogc/api.' },
    paths,
  };
}

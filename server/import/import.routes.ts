import { readFile } from 'node:fs/promises';
import { scopeOfRequest } from '../auth/principal';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { AppError, badRequest } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { detectFormat, formatFromParam } from './detect-format';
import { importFeatures } from './import.service';
import { IMPORT_TARGETS, importQuerySchema, type ImportTarget } from './import.schema';
import { parseUpload } from './parse-upload';
import { receiveUpload } from './receive-upload';
import { describeTargets } from './targets';

const UPLOAD_TYPES = [
  'multipart/form-data',
  'application/geo+json',
  'application/json',
  'text/csv',
  'application/zip',
  'application/geopackage+sqlite3',
  'application/octet-stream',
];

/** `POST /api/import/:target` takes a file (multipart `file` field or raw body) and imports it in one transaction. */
export function importRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api/import');
  add({ method: 'get', path: '/targets', access: 'data:import', summary: 'Import targets: their geometry types, properties and parameters', tag: 'import' }, async (_req, res) => {
    res.json(describeTargets());
  });
  add(
    {
      method: 'post', path: '/:target', access: 'data:import', tag: 'import', query: importQuerySchema, body: UPLOAD_TYPES, status: 201,
      summary: 'Import GeoJSON, CSV points, a zipped Shapefile or a GeoPackage into a target table; all features or none',
    },
    async (req, res) => {
      try {
        const target = targetParam(req.params.target as string);
        const query = parseQuery(req.query);
        if (query.format !== undefined) formatFromParam(query.format); // a 415 before the body is read
        const upload = await receiveUpload(req, config.UPLOAD_LIMIT_MB);
        try {
          const bytes = await readFile(upload.path);
          const format = detectFormat({ format: query.format, filename: upload.filename, contentType: upload.contentType, head: bytes.subarray(0, 512) });
          const input = await parseUpload(bytes, format, query);
          const { crs, repair, layer, kind, plan } = query;
          const result = await importFeatures(db, target, input, { scope: scopeOfRequest(req), crs, repair, layer, kind, plan, format, filename: upload.filename, maxVertices: config.MAX_VERTICES });
          res.status(201).json(result);
        } finally {
          await upload.dispose();
        }
      } finally {
        // answered before the body was read (bad parameter, oversize): discard the rest of it
        if (!req.complete) req.resume();
      }
    },
  );
  return router;
}

function targetParam(target: string): ImportTarget {
  if ((IMPORT_TARGETS as readonly string[]).includes(target)) return target as ImportTarget;
  throw new AppError(404, 'unknown_target', `unknown import target '${target}'; valid targets: ${IMPORT_TARGETS.join(', ')}`, { targets: IMPORT_TARGETS });
}

/** The query, with a misspelt parameter (`reapir=true`) named instead of silently ignored. */
function parseQuery(query: unknown) {
  const known = Object.keys(importQuerySchema.shape);
  const unknown = Object.keys(query as object).find((k) => !known.includes(k));
  if (unknown !== undefined) throw badRequest('invalid_query', `unknown query parameter '${unknown}'; known: ${known.join(', ')}`);
  return parseOr400(importQuerySchema, query);
}

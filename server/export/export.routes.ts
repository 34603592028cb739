import type { Response } from 'express';
import type { Knex } from 'knex';
import type { AppDeps } from '../deps';
import { scopeOfRequest } from '../auth/principal';
import { apiRouter } from '../http/api-router';
import { parseOr400 } from '../http/validate';
import { planIdParams } from '../plans/plans.schema';
import { areaExportQuery, exportQuery, gridExportQuery, layerIdParams, type ExportFormat } from './export.schema';
import type { ExportLayer } from './layer';
import { areasLayer, hazardsLayer, layerGridsLayer, planGridsLayer, responsePointsLayer } from './layers';
import { EXPORT_CONTENT_TYPE, exportFileName, ReceiverClosed, writeExport } from './write-export';

const download = 'application/octet-stream';
const FORMATS = 'GeoJSON or CSV (WKT), streamed; GeoPackage or zipped Shapefile (.shp/.shx/.dbf/.prj/.cpg, UTF-8)';

/**
 * Sends the layer as an attachment. An error before the first byte is answered as usual (JSON
 * with its status); one in the middle of a streamed download breaks the connection, so a
 * client never takes a cut-off file for a whole one.
 */
async function sendExport(res: Response, knex: Knex, layer: ExportLayer, format: ExportFormat): Promise<void> {
  res.attachment(exportFileName(layer, format)).type(EXPORT_CONTENT_TYPE[format]);
  try {
    await writeExport(knex, layer, format, res);
    res.end();
  } catch (e) {
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      throw e;
    }
    if (!(e instanceof ReceiverClosed)) console.error(e);
    res.destroy();
  }
}

/**
 * Downloads of every layer. Mounted before the areas routes, whose /areas/:code would take
 * /areas/export.
 */
export function exportRoutes({ db }: AppDeps) {
  const { router, add } = apiRouter('/api');

  add({ method: 'get', path: '/areas/export', access: 'areas:read', summary: `Downloads the administrative areas (all, or one level) as ${FORMATS}`, tag: 'export', query: areaExportQuery, produces: download }, async (req, res) => {
    const { format, level } = parseOr400(areaExportQuery, req.query);
    await sendExport(res, db.knex, areasLayer(scopeOfRequest(req), level), format);
  });

  add({ method: 'get', path: '/plans/:id/export', access: 'areas:read', summary: `Downloads a plan's grids as ${FORMATS}`, tag: 'export', query: gridExportQuery, produces: download }, async (req, res) => {
    const { id } = parseOr400(planIdParams, req.params, 'path');
    const { format, kind } = parseOr400(gridExportQuery, req.query);
    await sendExport(res, db.knex, await planGridsLayer(db.knex, id, scopeOfRequest(req), kind), format);
  });

  add(
    { method: 'get', path: '/layers/:id/export', access: 'areas:read', summary: `Downloads the published plan of a grid layer (comprehensive, police, emergency, safety, departmental …) as ${FORMATS}`, tag: 'export', query: gridExportQuery, produces: download },
    async (req, res) => {
      const { id } = parseOr400(layerIdParams, req.params, 'path');
      const { format, kind } = parseOr400(gridExportQuery, req.query);
      await sendExport(res, db.knex, await layerGridsLayer(db.knex, id, scopeOfRequest(req), kind), format);
    },
  );

  add({ method: 'get', path: '/hazards/export', access: 'hazards:read', summary: `Downloads the hazard sources as ${FORMATS}`, tag: 'export', query: exportQuery, produces: download }, async (req, res) => {
    const { format } = parseOr400(exportQuery, req.query);
    await sendExport(res, db.knex, hazardsLayer(scopeOfRequest(req)), format);
  });

  add({ method: 'get', path: '/response-points/export', access: 'hazards:read', summary: `Downloads the quick-response points as ${FORMATS}`, tag: 'export', query: exportQuery, produces: download }, async (req, res) => {
    const { format } = parseOr400(exportQuery, req.query);
    await sendExport(res, db.knex, responsePointsLayer(scopeOfRequest(req)), format);
  });

  return router;
}

import { z } from 'zod';
import { AREA_LEVELS, GRID_KINDS } from '../db/migrations/001_core_schema';
import { choice, positiveId } from '../http/validate';

export const EXPORT_FORMATS = ['geojson', 'gpkg', 'shp', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `format=`: one of EXPORT_FORMATS or an alias; anything else is a 400 listing the valid ones. */
export const exportFormat = choice('format', EXPORT_FORMATS, { json: 'geojson', geopackage: 'gpkg', shapefile: 'shp', zip: 'shp' })
  .default('geojson')
  .describe(`${EXPORT_FORMATS.join(' | ')} (default geojson; aliases json, geopackage, shapefile, zip); shp is a zip of .shp/.shx/.dbf/.prj/.cpg`);

export const exportQuery = z.object({ format: exportFormat });
export type ExportQuery = z.infer<typeof exportQuery>;

export const gridExportQuery = exportQuery.extend({
  kind: z.enum(GRID_KINDS).optional().describe('only grids of this kind'),
});
export type GridExportQuery = z.infer<typeof gridExportQuery>;

export const areaExportQuery = exportQuery.extend({
  level: z.enum(AREA_LEVELS).optional().describe(`only areas of this level: ${AREA_LEVELS.join(' | ')} (default: all)`),
});
export type AreaExportQuery = z.infer<typeof areaExportQuery>;

export const layerIdParams = z.object({ id: positiveId('layer') });

import { z } from 'zod';
import type { Scope } from '../auth/scope';
import { GRID_KINDS } from '../db/migrations/001_core_schema';

export const IMPORT_TARGETS = ['areas', 'address_points', 'barriers', 'grids', 'hazards', 'response_points'] as const;
export type ImportTarget = (typeof IMPORT_TARGETS)[number];

/** Coordinate systems an upload may be in; all but GCJ-02 and BD-09 are stored as they are. */
export const IMPORT_CRS = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;
export type ImportCrs = (typeof IMPORT_CRS)[number];

export type GridKind = (typeof GRID_KINDS)[number];

export const IMPORT_FORMATS = ['geojson', 'csv', 'shapefile', 'geopackage'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const flag = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1' || v === '');

/**
 * Query parameters of `POST /api/import/:target`. `format` stays a free string here: an unknown
 * format is answered with 415, not 400.
 */
export const importQuerySchema = z.object({
  format: z.string().optional().describe('geojson | csv | shapefile | geopackage; default: from file name or content'),
  crs: z.enum(IMPORT_CRS).default('wgs84').describe('coordinate system of the upload; gcj02 and bd09 are converted to WGS84'),
  repair: flag.default(false).describe('repair invalid geometries with ST_MakeValid instead of rejecting them'),
  layer: z.string().trim().min(1).max(200).optional().describe('grids only: layer name, created if missing'),
  kind: z.enum(GRID_KINDS).optional().describe('grids only: kind of the layer'),
  plan: z.string().trim().min(1).max(200).optional().describe("grids only: plan name (default 'imported')"),
  lngColumn: z.string().min(1).optional().describe('CSV only: longitude column (default: lng, lon, longitude or x)'),
  latColumn: z.string().min(1).optional().describe('CSV only: latitude column (default: lat, latitude or y)'),
});

/** One rejected feature (index is 0-based in the upload; null for problems with the whole file). */
export interface FeatureError {
  index: number | null;
  id: string | null;
  reason: string;
  detail?: string;
  /** WKT of the offending spot, when PostGIS or the coordinate checks name one. */
  location?: string;
}

export interface ImportOptions {
  /**
   * The importer's area scope: features outside it are a 403 out_of_scope (import-scope.ts).
   * Default: every area (the CLI, the demo); the API always passes the caller's.
   */
  scope?: Scope;
  crs?: ImportCrs;
  repair?: boolean;
  layer?: string;
  kind?: GridKind;
  plan?: string;
  filename?: string;
  format?: ImportFormat;
  /** A geometry with more vertices is a feature error (MAX_VERTICES); default: no limit. */
  maxVertices?: number;
  /** Called with 0–100 as the import advances. */
  onProgress?: (pct: number) => void;
}

export const importResultSchema = z.object({
  target: z.enum(IMPORT_TARGETS),
  inserted: z.number().int(),
  repaired: z.number().int(),
  importId: z.number().int(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

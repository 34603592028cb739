import { z } from 'zod';
import { EVENT_STATUSES } from '../db/migrations/005_events';
import { IMPORT_CRS } from '../import/import.schema';
import { pagingParams } from '../http/validate';
import { INGEST_MODES } from './ingest';
import { EVENT_FORMATS } from './record-streams';

export const bulkQuery = z.object({
  format: z.enum(EVENT_FORMATS).describe('ndjson (one JSON object per line), csv (header row) or geojson (FeatureCollection of Points)'),
  crs: z.enum(IMPORT_CRS).default('wgs84').describe('coordinate system of the whole batch; gcj02 and bd09 are converted to WGS84'),
  mode: z.enum(INGEST_MODES).default('all').describe('all: nothing is written when a row is bad; keep_good: good rows are written, rejects kept as a CSV file'),
  source: z.string().trim().min(1).max(100).default('api').describe('source system (12345, police, grid_app, …); external ids are unique per source'),
});

export const singleQuery = bulkQuery.pick({ crs: true, source: true });

export const eventIdParams = z.object({ id: z.coerce.number().int().positive() });

export const statusBody = z.object({
  status: z.enum(EVENT_STATUSES),
  note: z.string().trim().max(2000).optional(),
});

export const listEventsQuery = z.object({
  grid: z.string().optional().describe('comprehensive or dedicated grid code'),
  police: z.string().optional().describe('police grid code'),
  type: z.string().optional(),
  from: z.coerce.date().optional().describe('occurred at or after (ISO 8601)'),
  to: z.coerce.date().optional().describe('occurred before (ISO 8601)'),
  outside: z.enum(['true', 'false']).optional().describe('only events in no grid (true) or in one (false)'),
  ...pagingParams,
});

export const assignQuery = z.object({
  lng: z.coerce.number().min(73).max(136),
  lat: z.coerce.number().min(3).max(54),
  crs: z.enum(IMPORT_CRS).default('wgs84'),
});

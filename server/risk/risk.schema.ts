import { z } from 'zod';
import { bboxParam } from '../http/validate';
import { ROLLUP_RESOLUTIONS } from '../events/rollups';

export const HEATMAP_METRICS = ['count', 'risk', 'hotspot'] as const;

/**
 * Map zoom → H3 resolution: cells a few dozen screen pixels across (res 6 ≈ 3.7 km edge at
 * zoom ≤ 9 … res 10 ≈ 66 m at zoom ≥ 14).
 */
export function resolutionForZoom(zoom: number): number {
  if (zoom <= 9) return 6;
  if (zoom < 11) return 7;
  if (zoom < 12) return 8;
  if (zoom < 14) return 9;
  return 10;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(s)), 'not a calendar day');
const typesParam = z.string().regex(/^[a-z0-9_]+(,[a-z0-9_]+)*$/, 'a comma-separated list of event types').transform((s) => s.split(','));

export const windowQuery = z.object({
  from: day.optional().describe('first day (China Standard Time), inclusive; default: a year before `to`'),
  to: day.optional().describe('day after the last, exclusive; default: the day after the last event'),
  types: typesParam.optional().describe('event types; default all'),
});

export const heatmapQuery = windowQuery.extend({
  bbox: bboxParam.optional().describe('minLng,minLat,maxLng,maxLat: cells overlapping it; default everywhere'),
  metric: z.enum(HEATMAP_METRICS).default('count').describe('count: events; risk: 0–100 risk index (weights, decay, hazard proximity); hotspot: Getis-Ord Gi* z-score'),
  res: z.coerce.number().int().refine((r) => (ROLLUP_RESOLUTIONS as readonly number[]).includes(r), `res must be one of ${ROLLUP_RESOLUTIONS.join(', ')}`).optional(),
  zoom: z.coerce.number().min(0).max(24).optional().describe('map zoom, to choose the resolution when res is not given'),
  k: z.coerce.number().int().min(1).max(5).default(1).describe('hotspot: neighbourhood grid distance'),
  fdr: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('hotspot: Benjamini-Hochberg false-discovery-rate correction'),
});
export type HeatmapQuery = z.infer<typeof heatmapQuery>;

export const cellParams = z.object({ cell: z.string().regex(/^8[0-9a-f]{14}$/, 'an H3 cell index (15 hex digits)') });

export const gridsRiskQuery = windowQuery.extend({
  plan: z.coerce.number().int().positive().optional().describe('comprehensive plan; default the published one'),
  street: z.string().regex(/^\d{12}$/).optional().describe('only the grids of this street (ranked as in the whole plan)'),
});

export const timelineQuery = windowQuery.extend({
  bucket: z.enum(['day', 'week', 'month']).default('week'),
});

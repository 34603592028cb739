import { z } from 'zod';
import { AREA_LEVELS } from '../db/migrations/001_core_schema';
import { bboxParam, pagingParams } from '../http/validate';

export const areaCode = z.string().regex(/^[0-9]{12}$/, 'an area code is 12 digits');

export const listAreasQuery = z.object({
  level: z.enum(AREA_LEVELS).optional(),
  parent: areaCode.optional(),
  bbox: bboxParam.optional(),
  geometry: z.enum(['full', 'label']).default('full'),
  ...pagingParams,
});
export type ListAreasQuery = z.infer<typeof listAreasQuery>;

export const listGridsQuery = z.object({
  plan: z.coerce.number().int().positive().optional(),
  area: areaCode.optional(),
  bbox: bboxParam.optional(),
  ...pagingParams,
});
export type ListGridsQuery = z.infer<typeof listGridsQuery>;

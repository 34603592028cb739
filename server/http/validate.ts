import { z } from 'zod';
import { badRequest } from './errors';

/** Parses `schema` or throws a 400 naming each offending parameter. */
export function parseOr400<T extends z.ZodType>(schema: T, input: unknown, what = 'query'): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ param: i.path.join('.'), reason: i.message }));
  const first = details[0];
  throw badRequest('invalid_' + what, `${what} parameter '${first.param}': ${first.reason}`, details);
}

/** `minLng,minLat,maxLng,maxLat` in degrees, as GeoJSON bboxes are written. */
export const bboxParam = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .refine((b) => b.length === 4 && b.every(Number.isFinite), 'bbox must be four numbers: minLng,minLat,maxLng,maxLat')
  .refine(([x1, y1, x2, y2]) => x1 < x2 && y1 < y2, 'bbox min must be below max')
  .refine(([x1, y1, x2, y2]) => x1 >= -180 && x2 <= 180 && y1 >= -90 && y2 <= 90, 'bbox outside lng -180..180 / lat -90..90')
  .transform(([minLng, minLat, maxLng, maxLat]) => ({ minLng, minLat, maxLng, maxLat }));

export type Bbox = z.infer<typeof bboxParam>;

/** A path or query id: a positive whole number, named in the error ("a plan id is a positive whole number"). */
export const positiveId = (what: string) =>
  z.coerce.number({ error: `a ${what} id is a positive whole number` }).int(`a ${what} id is a positive whole number`).positive(`a ${what} id is a positive whole number`);

/** `limit` and `offset` of a paged list; the largest page is a setting, checked by parsePagedOr400. */
export const pagingParams = {
  limit: z.coerce.number().int().min(1).default(100).describe('page size, at most MAX_PAGE_SIZE (default 1000)'),
  offset: z.coerce.number().int().min(0).default(0),
};

/**
 * parseOr400 for a paged list: a `limit` over `maxPageSize` (MAX_PAGE_SIZE) is a 400 naming the
 * maximum, not a silently shorter page (these lists' callers read a short page as the last one).
 */
export function parsePagedOr400<T extends z.ZodType<{ limit: number }>>(schema: T, input: unknown, maxPageSize: number): z.infer<T> {
  const q = parseOr400(schema, input);
  if (q.limit > maxPageSize) {
    throw badRequest('invalid_query', `query parameter 'limit': ${q.limit} is more than the largest page of ${maxPageSize} (MAX_PAGE_SIZE); page with 'offset'`, [{ param: 'limit', reason: `at most ${maxPageSize}` }]);
  }
  return q;
}

/**
 * A choice among `values` (and `aliases` of them), case-insensitive, whose error names the bad
 * value and lists the valid ones: "'xls' is not a format; valid: geojson, gpkg, shp, csv".
 */
export function choice<const T extends string>(what: string, values: readonly T[], aliases: Record<string, T> = {}) {
  const lookup: Record<string, T> = { ...Object.fromEntries(values.map((v) => [v, v])), ...aliases };
  return z
    .string()
    .refine((v) => Object.hasOwn(lookup, v.toLowerCase()), { error: (iss) => `'${String(iss.input)}' is not a ${what}; valid: ${values.join(', ')}` })
    .transform((v) => lookup[v.toLowerCase()]);
}

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

export const pagingParams = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

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

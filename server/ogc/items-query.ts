import { badRequest } from '../http/errors';
import { bboxParam, type Bbox } from '../http/validate';
import { parseDatetime, type TimeInterval } from './datetime';

export const LIMIT_DEFAULT = 10;
export const LIMIT_MAX = 10_000;

/** A validated items request. */
export interface ItemsQuery {
  bbox?: Bbox;
  limit: number;
  offset: number;
  /** the interval, and the text it was read from (links repeat it as given) */
  datetime?: TimeInterval & { text: string };
  /** property name → value */
  properties: Record<string, string>;
}

/** What a request may say besides the properties it filters on. */
export interface ItemsParameters {
  /** names of the queryable properties */
  queryables: string[];
  /** whether `datetime` applies to the collection */
  temporal: boolean;
}

type RawQuery = Record<string, unknown>;

/** `f=json` (and `f=geojson` for features) is the only output this service writes. */
function checkFormat(value: unknown, formats: string[]): void {
  if (value === undefined || formats.includes(String(value))) return;
  throw badRequest('unsupported_format', `f=${String(value)} is not offered: this service answers ${formats.map((f) => `f=${f}`).join(' or ')} only`);
}

/** Each parameter once, as text; unknown ones refused, naming the ones that are known. */
function singleValues(query: RawQuery, known: string[], where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!known.includes(name)) {
      throw badRequest('unknown_parameter', `unknown query parameter '${name}' for ${where}; known: ${known.join(', ') || 'none'}`, { param: name, known });
    }
    if (typeof value !== 'string') throw badRequest('invalid_query', `query parameter '${name}' is given more than once`, { param: name });
    out[name] = value;
  }
  return out;
}

/** Checks the query of a request that takes no parameter but `f` (landing page, collections …). */
export function parsePlainQuery(query: RawQuery, where: string): void {
  checkFormat(singleValues(query, ['f'], where).f, ['json']);
}

function integerParam(name: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badRequest('invalid_query', `query parameter '${name}' must be an integer from ${min} to ${max}, got '${text}'`, { param: name });
  }
  return n;
}

/**
 * Parses the query of `/collections/{id}/items`: bbox (4 numbers in CRS84), limit (from 1,
 * default 10, more than 10,000 served as 10,000), offset, datetime (where it applies), and `name=value` for each queryable
 * property. Anything else is a 400 that lists what is known, as the standard recommends, so a
 * misspelt filter cannot silently return everything.
 */
export function parseItemsQuery(query: RawQuery, params: ItemsParameters, collectionId: string): ItemsQuery {
  const reserved = ['f', 'bbox', 'limit', 'offset', ...(params.temporal ? ['datetime'] : [])];
  const values = singleValues(query, [...reserved, ...params.queryables], `collection '${collectionId}'`);
  checkFormat(values.f, ['json', 'geojson']);
  const q: ItemsQuery = {
    // above the maximum, the server answers a page of the maximum (the standard lets it return fewer)
    limit: values.limit === undefined ? LIMIT_DEFAULT : Math.min(LIMIT_MAX, integerParam('limit', values.limit, 1, Number.MAX_SAFE_INTEGER)),
    offset: values.offset === undefined ? 0 : integerParam('offset', values.offset, 0, Number.MAX_SAFE_INTEGER),
    properties: Object.fromEntries(params.queryables.filter((n) => values[n] !== undefined).map((n) => [n, values[n]])),
  };
  if (values.bbox !== undefined) {
    const parsed = bboxParam.safeParse(values.bbox);
    if (!parsed.success) throw badRequest('invalid_query', `query parameter 'bbox': ${parsed.error.issues[0].message}, got '${values.bbox}'`, { param: 'bbox' });
    q.bbox = parsed.data;
  }
  if (values.datetime !== undefined) q.datetime = datetimeParam(values.datetime);
  return q;
}

function datetimeParam(text: string): TimeInterval & { text: string } {
  try {
    return { ...parseDatetime(text), text };
  } catch (e) {
    throw badRequest('invalid_query', `query parameter 'datetime': ${(e as Error).message}`, { param: 'datetime' });
  }
}

/** Parses the query of `/collections/{id}/items/{featureId}`: `f`, and `datetime` where it applies. */
export function parseItemQuery(query: RawQuery, temporal: boolean, collectionId: string): Pick<ItemsQuery, 'datetime'> {
  const values = singleValues(query, ['f', ...(temporal ? ['datetime'] : [])], `a feature of collection '${collectionId}'`);
  checkFormat(values.f, ['json', 'geojson']);
  return values.datetime === undefined ? {} : { datetime: datetimeParam(values.datetime) };
}

/** The query parameters that reproduce `q` (for self, next and prev links), with another offset. */
export function itemsSearchParams(q: ItemsQuery, offset: number): URLSearchParams {
  const p = new URLSearchParams();
  for (const [name, value] of Object.entries(q.properties)) p.set(name, value);
  if (q.bbox) p.set('bbox', [q.bbox.minLng, q.bbox.minLat, q.bbox.maxLng, q.bbox.maxLat].join(','));
  if (q.datetime) p.set('datetime', q.datetime.text);
  p.set('limit', String(q.limit));
  if (offset > 0) p.set('offset', String(offset));
  return p;
}

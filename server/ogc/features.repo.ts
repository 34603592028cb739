import type { Knex } from 'knex';
import type { Feature, Geometry } from 'geojson';
import { allRows } from '../db/rows';
import type { Bbox } from '../http/validate';
import type { TimeInterval } from './datetime';
import { allProperties, type FeatureSource } from './feature-sources';

/** What selects the features of one items request. */
export interface FeatureFilter {
  bbox?: Bbox;
  /** property name → value, exact match on the value's text */
  properties: Record<string, string>;
  /** the window a source's page join counts over (events per grid) */
  datetime?: TimeInterval;
}

/** The collection's own conditions plus the request's: bbox through the GiST index, then the exact test. */
function conditions(src: FeatureSource, f: FeatureFilter): { sql: string; bindings: Knex.RawBinding[] } {
  const parts = [src.where];
  const bindings = [...src.bindings];
  if (f.bbox) {
    const box = [f.bbox.minLng, f.bbox.minLat, f.bbox.maxLng, f.bbox.maxLat];
    parts.push(`${src.geometry} && ST_MakeEnvelope(?, ?, ?, ?, 4326) and ST_Intersects(${src.geometry}, ST_MakeEnvelope(?, ?, ?, ?, 4326))`);
    bindings.push(...box, ...box);
  }
  for (const [name, value] of Object.entries(f.properties)) {
    parts.push(`cast(${src.properties[name].sql} as text) = ?`);
    bindings.push(value);
  }
  return { sql: parts.map((p) => `(${p})`).join(' and '), bindings };
}

/** Text ids sort byte-wise, the same on every database whatever its collation. */
const orderBy = (src: FeatureSource, column: string) => (src.id.type === 'string' ? `${column} collate "C"` : column);

/**
 * The features of one page, in id order: the rows are chosen and paged first, then the page
 * join (event counts) and GeoJSON are computed for those rows only. Exteriors come out
 * counter-clockwise as RFC 7946 asks; coordinates to 7 decimals (≈ 1 cm).
 */
async function selectFeatures(knex: Knex, src: FeatureSource, where: { sql: string; bindings: Knex.RawBinding[] }, f: FeatureFilter, limit: number, offset: number): Promise<Feature[]> {
  const names = Object.keys(src.properties);
  const inner = `select ${src.id.sql} as __id, ${names.map((n) => `${src.properties[n].sql} as "${n}"`).join(', ')}, ${src.geometry} as __geom
                 from ${src.from} where ${where.sql} order by ${orderBy(src, src.id.sql)} limit ? offset ?`;
  const join = src.page?.join(f.datetime) ?? { sql: '', bindings: [] };
  const pageColumns = Object.entries(src.page?.properties ?? {}).map(([n, p]) => `, ${p.sql} as "${n}"`).join('');
  const rows = await allRows<Record<string, unknown>>(knex,
    `select p.__id, ${names.map((n) => `p."${n}"`).join(', ')}${pageColumns},
            ST_AsGeoJSON(ST_ForcePolygonCCW(p.__geom), 7)::json as __geometry
     from (${inner}) p ${join.sql}
     order by ${orderBy(src, 'p.__id')}`,
    [...where.bindings, limit, offset, ...join.bindings],
    'reading features');
  const output = Object.keys(allProperties(src));
  return rows.map((r) => ({
    type: 'Feature',
    id: r.__id as string | number,
    geometry: r.__geometry as Geometry,
    properties: Object.fromEntries(output.map((n) => [n, r[n] ?? null])),
  }));
}

/** One page of features and how many match in all. */
export async function listFeatures(knex: Knex, src: FeatureSource, f: FeatureFilter, limit: number, offset: number): Promise<{ features: Feature[]; numberMatched: number }> {
  const where = conditions(src, f);
  const { rows: [{ n }] } = await knex.raw(`select count(*)::int as n from ${src.from} where ${where.sql}`, where.bindings);
  const features = Number(n) > offset ? await selectFeatures(knex, src, where, f, limit, offset) : [];
  return { features, numberMatched: Number(n) };
}

/** One feature by id, or undefined; an id that cannot be one of the source's (text for an integer id) finds none. */
export async function getFeature(knex: Knex, src: FeatureSource, id: string, f: Pick<FeatureFilter, 'datetime'>): Promise<Feature | undefined> {
  if (src.id.type === 'integer' && !/^\d{1,18}$/.test(id)) return undefined;
  const where = conditions(src, { properties: {} });
  const byId = { sql: `${where.sql} and ${src.id.sql} = ${src.id.type === 'integer' ? 'cast(? as bigint)' : '?'}`, bindings: [...where.bindings, id] };
  const [feature] = await selectFeatures(knex, src, byId, { properties: {}, datetime: f.datetime }, 1, 0);
  return feature;
}

export interface SpatialExtent {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** The exact bounding box of the collection's geometries, or null when it has none. */
export async function spatialExtent(knex: Knex, src: FeatureSource): Promise<SpatialExtent | null> {
  const { rows: [r] } = await knex.raw(
    `select ST_XMin(e) as "minLng", ST_YMin(e) as "minLat", ST_XMax(e) as "maxLng", ST_YMax(e) as "maxLat"
     from (select ST_Extent(${src.geometry}) as e from ${src.from} where ${src.where}) x`,
    src.bindings,
  );
  return r.minLng === null ? null : { minLng: Number(r.minLng), minLat: Number(r.minLat), maxLng: Number(r.maxLng), maxLat: Number(r.maxLat) };
}

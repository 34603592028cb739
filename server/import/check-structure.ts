import * as gjv from 'geojson-validation';
import type { Geometry } from 'geojson';
import { fileError } from './import-errors';
import type { FeatureError } from './import.schema';

export type GeometryType = Exclude<Geometry['type'], 'GeometryCollection'>;
export type Problem = Omit<FeatureError, 'index' | 'id'>;

const ACCEPTED_CRS = /^(EPSG:(4326|4490)|urn:ogc:def:crs:EPSG:[\d.]*:(4326|4490)|urn:ogc:def:crs:OGC:1\.3:CRS84|CRS84)$/i;

/**
 * The features of a FeatureCollection or a single Feature. The upload as a whole must be one of
 * those, and a (pre-RFC 7946) `crs` member may only name WGS84 or CGCS2000 longitude/latitude.
 */
export function readFeatures(input: unknown): unknown[] {
  if (!isObject(input) || (input.type !== 'FeatureCollection' && input.type !== 'Feature')) {
    const got = !isObject(input)
      ? `a ${input === null ? 'null' : Array.isArray(input) ? 'list' : typeof input}`
      : 'type' in input ? `an object of type ${JSON.stringify(input.type)}` : 'an object without a "type" member';
    throw fileError(400, 'not_geojson', `expected a GeoJSON FeatureCollection or Feature, got ${got}`);
  }
  if ('crs' in input && input.crs !== null) {
    const crs = input.crs as { properties?: { name?: unknown } };
    const name = crs?.properties?.name;
    if (typeof name !== 'string' || !ACCEPTED_CRS.test(name)) {
      throw fileError(
        400,
        'crs_not_supported',
        `the GeoJSON declares crs ${JSON.stringify(name ?? input.crs)}; only EPSG:4326, EPSG:4490 or CRS84 longitude/latitude can be imported`,
      );
    }
  }
  if (input.type === 'Feature') return [input];
  if (!Array.isArray(input.features)) throw fileError(400, 'not_geojson', 'the FeatureCollection has no "features" list');
  if (input.features.length === 0) throw fileError(400, 'no_features', 'the upload holds no features');
  return input.features;
}

/**
 * The first structural problem of one feature, or null: geometry present and of an allowed type,
 * non-empty, positions of 2+ finite numbers (a third or fourth is dropped later), LineStrings of
 * 2+ positions, rings closed and of 4+ positions; then geojson-validation for the rest of the
 * grammar (members, bbox).
 */
export function checkFeatureShape(feature: unknown, allowed: readonly GeometryType[]): Problem | null {
  if (!isObject(feature) || feature.type !== 'Feature') return { reason: 'not a GeoJSON Feature', detail: `type ${JSON.stringify(isObject(feature) ? feature.type : feature)}` };
  if (feature.properties !== undefined && feature.properties !== null && !isObject(feature.properties)) {
    return { reason: 'properties must be an object or null' };
  }
  const geometry = feature.geometry;
  if (geometry === null || geometry === undefined) return { reason: 'geometry is null' };
  if (!isObject(geometry)) return { reason: 'geometry is not an object' };
  if (geometry.type === 'GeometryCollection') return { reason: 'GeometryCollection is not supported', detail: 'split it into one feature per geometry' };
  if (!allowed.includes(geometry.type as GeometryType)) {
    return { reason: `geometry type ${JSON.stringify(geometry.type)} is not allowed here`, detail: `expected ${allowed.join(' or ')}` };
  }
  const problem = checkCoordinates(geometry.type as GeometryType, geometry.coordinates);
  if (problem) return problem;
  const grammar = gjv.isFeature(feature, true);
  return grammar.length ? { reason: 'invalid GeoJSON feature', detail: grammar.join('; ') } : null;
}

/** Nesting depth of each geometry type's coordinates: 0 = a position. */
const DEPTH: Record<GeometryType, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

function checkCoordinates(type: GeometryType, coordinates: unknown): Problem | null {
  if (!Array.isArray(coordinates)) return { reason: 'geometry has no coordinates array' };
  if (isEmpty(coordinates, DEPTH[type])) return { reason: 'geometry is empty' };
  const positions = checkPositions(coordinates, DEPTH[type]);
  if (positions) return positions;
  switch (type) {
    case 'LineString':
      return checkLine(coordinates as number[][], '');
    case 'MultiLineString':
      return firstProblem((coordinates as number[][][]).map((l, i) => checkLine(l, `line ${i}`)));
    case 'Polygon':
      return checkPolygon(coordinates as number[][][], '');
    case 'MultiPolygon':
      return firstProblem((coordinates as number[][][][]).map((p, i) => checkPolygon(p, `polygon ${i}, `)));
    default:
      return null;
  }
}

/** Empty at any level: `[]` coordinates, a polygon with no rings, a ring with no positions. */
function isEmpty(c: unknown[], depth: number): boolean {
  if (depth === 0) return c.length === 0;
  return c.length === 0 || c.some((part) => Array.isArray(part) && isEmpty(part, depth - 1));
}

function checkPositions(c: unknown, depth: number): Problem | null {
  if (!Array.isArray(c)) return { reason: 'coordinates are not nested as the geometry type requires', detail: `found ${JSON.stringify(c)}` };
  if (depth > 0) {
    for (const part of c) {
      const p = checkPositions(part, depth - 1);
      if (p) return p;
    }
    return null;
  }
  if (c.length < 2) return { reason: 'a position needs at least 2 numbers', detail: `found ${JSON.stringify(c)}` };
  for (const v of c) {
    if (typeof v !== 'number') return { reason: 'coordinate is not a number', detail: `${JSON.stringify(v)} in ${describePosition(c)}` };
    if (!Number.isFinite(v)) return { reason: 'coordinate is not finite (NaN or Infinity)', detail: `in ${describePosition(c)}` };
  }
  return null;
}

function checkLine(line: number[][], where: string): Problem | null {
  if (line.length >= 2) return null;
  return { reason: 'a LineString needs at least 2 positions', detail: `${where ? `${where} ` : ''}has ${line.length}` };
}

function checkPolygon(rings: number[][][], where: string): Problem | null {
  return firstProblem(
    rings.map((ring, i) => {
      const name = `${where}ring ${i}`;
      if (ring.length < 4) return { reason: 'a ring needs at least 4 positions', detail: `${name} has ${ring.length}` };
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        return { reason: 'ring is not closed', detail: `${name} starts at ${describePosition(first)} and ends at ${describePosition(last)}`, location: `POINT(${first[0]} ${first[1]})` };
      }
      return null;
    }),
  );
}

const firstProblem = (problems: (Problem | null)[]) => problems.find((p) => p !== null) ?? null;
const describePosition = (p: unknown[]) => `[${p.map((v) => (typeof v === 'number' ? String(v) : JSON.stringify(v))).join(', ')}]`;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

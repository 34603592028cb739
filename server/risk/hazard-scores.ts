import type { Knex } from 'knex';
import type { Geometry } from 'geojson';
import { bbox, pointToLineDistance, pointToPolygonDistance } from '@turf/turf';
import { cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js';
import { EVERYWHERE, type Scope } from '../auth/scope';
import { geomInScopeSql } from '../hazards/hazards.repo';
import { DEFAULT_RINGS_M, RINGS_BY_TYPE_M } from '../hazards/hazards.schema';
import { metresBetween } from '../reach/road-isochrone';
import { hazardProximityScore, type RiskModel } from './risk-model';

export interface Hazard { type: string; level: string | null; geometry: Geometry; centre: [number, number] }

/** Metres from a point to a hazard source's geometry (0 inside a polygon). */
function distanceM(lng: number, lat: number, g: Geometry): number {
  switch (g.type) {
    case 'Point': return metresBetween([lng, lat], g.coordinates as [number, number]);
    case 'Polygon': case 'MultiPolygon': return Math.max(0, pointToPolygonDistance([lng, lat], g, { units: 'meters' }));
    case 'LineString': return pointToLineDistance([lng, lat], g, { units: 'meters' });
    case 'MultiLineString': return Math.min(...g.coordinates.map((line) => pointToLineDistance([lng, lat], { type: 'LineString', coordinates: line }, { units: 'meters' })));
    case 'MultiPoint': return Math.min(...g.coordinates.map((c) => metresBetween([lng, lat], c as [number, number])));
    default: return Infinity;
  }
}

/**
 * Hazard scores of recent requests, by resolution, hazard sources and model (the sources change
 * rarely; the map pans often). The promise is kept, so requests arriving while a set is computed
 * wait for it instead of each computing it again.
 */
const scoresCache = new Map<string, Promise<Map<string, CellPoints>>>();
const CACHED_SCORE_SETS = 12;

/**
 * Hazard proximity risk points per H3 cell at `res`: each hazard source adds its level's weight,
 * stepped down ring by ring (its type's ring distances), to the cells whose centres lie within
 * its outermost ring; `keep` filters the answer (e.g. to a bbox), given each cell's centre. Computed for all cells once per
 * resolution and state of the hazard sources (a digest of every row's id and row version, xmin,
 * which any update changes: hashing each geometry cost ~10 ms a request), then served from memory.
 * A bounded scope counts only the sources in its area; its scores are kept apart (the key holds
 * the scope's prefix as well as the digest of its own sources).
 */
export async function hazardScores(knex: Knex, res: number, model: RiskModel, keep: (cell: string, lat: number, lng: number) => boolean, scope: Scope = EVERYWHERE): Promise<Map<string, number>> {
  const within = geomInScopeSql('h.geom', scope);
  const { rows: [{ digest }] } = await knex.raw(
    `select md5(coalesce(string_agg(h.id || ':' || h.xmin, ',' order by h.id), '')) as digest from hazard_sources h where ${within.sql}`,
    within.bindings);
  const key = `${scope.prefix}|${res}|${digest}|${JSON.stringify(model.hazardProximity)}`;
  let pending = scoresCache.get(key);
  if (!pending) {
    pending = loadHazards(knex, scope).then((hazards) => scoresAround(hazards, res, model));
    pending.catch(() => scoresCache.delete(key));
    if (scoresCache.size >= CACHED_SCORE_SETS) scoresCache.delete(scoresCache.keys().next().value!);
    scoresCache.set(key, pending);
  }
  const kept = new Map<string, number>();
  for (const [cell, c] of await pending) if (keep(cell, c.lat, c.lng)) kept.set(cell, c.points);
  return kept;
}

/** A cell's hazard points, and its centre. */
interface CellPoints { points: number; lat: number; lng: number }

/** Every cell's hazard points: cells found around each source's centre by grid distance. */
function scoresAround(hazards: Hazard[], res: number, model: RiskModel): Map<string, CellPoints> {
  const scores = new Map<string, CellPoints>();
  const edgeM = getHexagonEdgeLengthAvg(res, 'm');
  for (const h of hazards) {
    const ringsM = RINGS_BY_TYPE_M[h.type] ?? DEFAULT_RINGS_M;
    const reachM = Math.max(...ringsM) + extentM(h);
    for (const cell of gridDisk(latLngToCell(h.centre[1], h.centre[0], res), Math.ceil(reachM / (1.5 * edgeM)) + 1)) {
      const [lat, lng] = cellToLatLng(cell);
      const score = hazardProximityScore(distanceM(lng, lat, h.geometry), ringsM, h.level, model);
      if (score <= 0) continue;
      const held = scores.get(cell);
      if (held) held.points += score;
      else scores.set(cell, { points: score, lat, lng });
    }
  }
  return scores;
}

/** The hazard sources in the scope (by location), with a point on each. */
export async function loadHazards(knex: Knex, scope: Scope = EVERYWHERE): Promise<Hazard[]> {
  const within = geomInScopeSql('h.geom', scope);
  const { rows } = await knex.raw(
    `select h.type, h.level, ST_AsGeoJSON(h.geom, 7)::json as geometry, ST_X(ST_PointOnSurface(h.geom)) as lng, ST_Y(ST_PointOnSurface(h.geom)) as lat
     from hazard_sources h where ${within.sql}`, within.bindings);
  return rows.map((r: { type: string; level: string | null; geometry: Geometry; lng: number; lat: number }) => ({ ...r, centre: [r.lng, r.lat] }));
}

/** Hazard proximity risk points at a position, from every source. */
export const hazardPointsAt = (hazards: Hazard[], lng: number, lat: number, model: RiskModel): number =>
  hazards.reduce((sum, h) => sum + hazardProximityScore(distanceM(lng, lat, h.geometry), RINGS_BY_TYPE_M[h.type] ?? DEFAULT_RINGS_M, h.level, model), 0);

/** How far a source's geometry reaches from its centre, metres: to the farthest bbox corner. */
function extentM(h: Hazard): number {
  const [x0, y0, x1, y1] = bbox(h.geometry);
  return Math.max(...([[x0, y0], [x0, y1], [x1, y0], [x1, y1]] as [number, number][]).map((c) => metresBetween(h.centre, c)));
}

import type { Knex } from 'knex';
import type { Point, Polygon } from 'geojson';
import pointInPolygon from 'point-in-polygon-hao';
import type { Rng } from '../geo/prng';
import type { DemoData } from './generate';
import { districtMetres } from './household-centres';
import type { PlaceShares } from './event-mix';
import type { LngLat } from './qixia-layout';
import { gaussian, weightedPick } from './weighted-pick';

/** What events are drawn near: the address points with their households, and the hazard sources. */
export interface EventPlaces {
  homes: { id: string; lngLat: LngLat; households: number }[];
  hazards: { id: string; type: string; level: string | null; geometry: Point | Polygon }[];
}

/** A drawn place: where, and the hazard source it was drawn round (if any). */
export interface DrawnPlace { lngLat: LngLat; hazard?: string }

export type PlaceKind = keyof PlaceShares;

/** Spread round the place drawn (σ of a normal offset, metres). */
const SPREAD_M = { homes: 10, hills: 250 };
const INDUSTRY_SPREAD_M: Record<string, number> = { chemical_plant: 250, hazardous_goods_store: 120, gas_station: 40 };
/** 治安乱点: hot spots drawn among the address points by households; their events at the homes within the radius. */
const HOT_SPOTS = { count: 12, radiusM: 300 };
/** A 重大 (major) source draws three times the events of a 一般 (ordinary) one: an assumption. */
const LEVEL_WEIGHT: Record<string, number> = { 重大: 3, 较大: 2, 一般: 1 };
const MAX_TRIES = 1000;

const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** From the generator's output (what the seed imports). */
export function eventPlacesOf(data: Pick<DemoData, 'addressPoints' | 'hazards'>): EventPlaces {
  return {
    homes: byId(data.addressPoints.features.map((f) => ({ id: f.properties.id, lngLat: f.geometry.coordinates as LngLat, households: f.properties.households }))),
    hazards: byId(data.hazards.features.map((f) => ({ id: f.properties.id, type: f.properties.type, level: f.properties.level, geometry: f.geometry }))),
  };
}

/** From a database holding the demo (or any address points and hazard sources); same order as `eventPlacesOf`. */
export async function loadEventPlaces(knex: Knex): Promise<EventPlaces> {
  const { rows: homes } = await knex.raw(`select ext_id as id, households, ST_X(geom) as lng, ST_Y(geom) as lat from address_points where households > 0 and ext_id is not null`);
  const { rows: hazards } = await knex.raw(`select ext_id as id, type, level, ST_AsGeoJSON(geom, 9)::json as geometry from hazard_sources where ext_id is not null`);
  return {
    homes: byId((homes as { id: string; households: number; lng: number; lat: number }[]).map((r) => ({ id: r.id, lngLat: [r.lng, r.lat] as LngLat, households: r.households }))),
    hazards: byId(hazards),
  };
}

const offset = ([lng, lat]: LngLat, sigmaM: number, rng: Rng): LngLat => {
  const [x, y] = districtMetres.toXY([lng, lat]);
  return districtMetres.toLngLat([x + sigmaM * gaussian(rng), y + sigmaM * gaussian(rng)]);
};

/** Indices of the homes within `radiusM` of `at` (at least the one at `at`, which is a home). */
function homesWithin(homes: EventPlaces['homes'], at: LngLat, radiusM: number): number[] {
  const [x, y] = districtMetres.toXY(at);
  return homes.flatMap((h, i) => {
    const [hx, hy] = districtMetres.toXY(h.lngLat);
    return Math.hypot(hx - x, hy - y) <= radiusM ? [i] : [];
  });
}

function pointInside(polygon: Polygon, rng: Rng): LngLat {
  const ring = polygon.coordinates[0];
  const [minX, maxX] = [Math.min(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[0]))];
  const [minY, maxY] = [Math.min(...ring.map((p) => p[1])), Math.max(...ring.map((p) => p[1]))];
  for (let i = 0; i < MAX_TRIES; i++) {
    const p: LngLat = [rng.range(minX, maxX), rng.range(minY, maxY)];
    if (pointInPolygon(p, polygon.coordinates) === true) return p;
  }
  throw new Error('no point found inside a flood zone');
}

/**
 * Draws places of each kind: homes by households, hot spots, industrial hazard sources and hills
 * by level, flood zones uniformly inside their polygons. A kind without sources in `places` (no
 * hazards loaded, say) falls back to homes.
 */
export function placeDrawer(places: EventPlaces, rng: Rng): (kind: PlaceKind, rng: Rng) => DrawnPlace {
  const homes = places.homes;
  if (!homes.length) throw new Error('no address points to place events at');
  const pickHome = weightedPick(homes.map((h) => h.households));
  const hotSpots = Array.from({ length: HOT_SPOTS.count }, () => homesWithin(homes, homes[pickHome(rng)].lngLat, HOT_SPOTS.radiusM));
  const ofTypes = (...types: string[]) => places.hazards.filter((h) => types.includes(h.type));
  const byLevel = (hazards: EventPlaces['hazards']) => (hazards.length ? weightedPick(hazards.map((h) => LEVEL_WEIGHT[h.level ?? ''] ?? 1)) : null);
  const industry = ofTypes(...Object.keys(INDUSTRY_SPREAD_M));
  const hills = ofTypes('geological_hazard');
  const floodZones = ofTypes('flood_zone').filter((h) => h.geometry.type === 'Polygon');
  const [pickIndustry, pickHill] = [byLevel(industry), byLevel(hills)];

  const nearHome = (i: number, r: Rng): DrawnPlace => ({ lngLat: offset(homes[i].lngLat, SPREAD_M.homes, r) });
  const home = (r: Rng) => nearHome(pickHome(r), r);
  const atSource = (h: EventPlaces['hazards'][number], sigmaM: number, r: Rng): DrawnPlace =>
    ({ lngLat: offset((h.geometry as Point).coordinates as LngLat, sigmaM, r), hazard: h.id });
  const draw: Record<PlaceKind, (r: Rng) => DrawnPlace> = {
    homes: home,
    hotSpots: (r) => {
      const spot = hotSpots[r.int(0, hotSpots.length - 1)];
      return nearHome(spot[r.int(0, spot.length - 1)], r);
    },
    industry: (r) => {
      if (!pickIndustry) return home(r);
      const h = industry[pickIndustry(r)];
      return atSource(h, INDUSTRY_SPREAD_M[h.type], r);
    },
    hills: (r) => (pickHill ? atSource(hills[pickHill(r)], SPREAD_M.hills, r) : home(r)),
    floodZones: (r) => {
      if (!floodZones.length) return home(r);
      const zone = floodZones[r.int(0, floodZones.length - 1)];
      return { lngLat: pointInside(zone.geometry as Polygon, r), hazard: zone.id };
    },
  };
  return (kind, r) => draw[kind](r);
}

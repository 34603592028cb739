import type { Knex } from 'knex';
import type { Feature, FeatureCollection, MultiLineString, Point, Polygon } from 'geojson';
import type { HexWkb } from '../geo/hex-wkb';
import type { Rng } from '../geo/prng';
import { readingOrder } from '../partition/grid-codes';
import { ARTERIAL_ROAD_NAMES, type BarrierFeature } from './barriers';
import { pointsInPlaces } from './points-in-places';
import { FLOOD_SHORES, HILLS, INDUSTRIAL_ZONES, type LngLat } from './qixia-layout';
import { roadsidePoints } from './roadside-points';
import { shoreStrips } from './shore-strips';

/** The types with ring distances in server/hazards/hazards.schema.ts. */
export const HAZARD_TYPES = ['chemical_plant', 'hazardous_goods_store', 'gas_station', 'flood_zone', 'geological_hazard'] as const;
export type HazardType = (typeof HAZARD_TYPES)[number];
/** 重大 major, 较大 considerable, 一般 ordinary: the levels of China's hazard grading. */
export type HazardLevel = '重大' | '较大' | '一般';

export interface HazardProperties { id: string; type: HazardType; level: HazardLevel; name: string }
type HazardFeature = Feature<Point | Polygon, HazardProperties>;

/** Name label and letter of each type, and the levels it is drawn from (repeats weight a level). */
const TYPES: Record<HazardType, { label: string; letter: string; levels: HazardLevel[] }> = {
  chemical_plant: { label: '化工企业', letter: 'C', levels: ['重大', '重大', '较大'] },
  hazardous_goods_store: { label: '危化品仓库', letter: 'W', levels: ['较大', '较大', '一般'] },
  gas_station: { label: '加油站', letter: 'G', levels: ['一般', '一般', '一般', '较大'] },
  flood_zone: { label: '洪涝易发区', letter: 'F', levels: ['较大', '重大'] },
  geological_hazard: { label: '地质灾害点', letter: 'D', levels: ['一般', '一般', '较大'] },
};

const CHEMICAL_PLANTS_PER_ZONE = 2;
const STORES_PER_ZONE = 3;
const GEOLOGICAL_POINTS_PER_HILL = 2;
const GAS_STATIONS = { count: 16, spacingM: 1500, offsetM: 30 };
const FLOOD_STRIP = { widthM: [250, 450], lengthM: [1500, 4000] } as const;

/**
 * Hazard sources (风险源) of the demo district: chemical plants and hazardous-goods stores in the
 * industrial zones, gas stations beside the arterial roads, flood-prone strips along the river
 * shore (polygons), geological hazard points on the hills. Ids and names run per type in reading
 * order: hz-c01 化工企业 C01, hz-g01 加油站 G01 …
 */
export async function generateHazards(
  knex: Knex,
  input: { district: HexWkb; barriers: BarrierFeature[]; rng: Rng },
): Promise<FeatureCollection<Point | Polygon, HazardProperties>> {
  const { district, rng } = input;
  const inPlaces = await pointsInPlaces(knex, district, [
    ...INDUSTRIAL_ZONES.map((place) => ({ place, n: CHEMICAL_PLANTS_PER_ZONE })),
    ...INDUSTRIAL_ZONES.map((place) => ({ place, n: STORES_PER_ZONE })),
    ...HILLS.map((place) => ({ place, n: GEOLOGICAL_POINTS_PER_HILL })),
  ], rng.fork());
  const zones = INDUSTRIAL_ZONES.length;
  const point = (at: LngLat): Point => ({ type: 'Point', coordinates: at });
  const arterials = input.barriers.filter((b) => b.properties.class === 'road' && ARTERIAL_ROAD_NAMES.has(b.properties.name)).map((b): MultiLineString => b.geometry);
  const strips = await shoreStrips(knex, district, FLOOD_SHORES.map((s) => ({ near: s.near, widthM: rng.range(...FLOOD_STRIP.widthM), lengthM: rng.range(...FLOOD_STRIP.lengthM) })));

  const placed: Record<HazardType, { geometry: Point | Polygon; at: LngLat }[]> = {
    chemical_plant: inPlaces.slice(0, zones).flat().map((at) => ({ geometry: point(at), at })),
    hazardous_goods_store: inPlaces.slice(zones, 2 * zones).flat().map((at) => ({ geometry: point(at), at })),
    gas_station: (await roadsidePoints(knex, district, arterials, GAS_STATIONS, rng.fork())).map((at) => ({ geometry: point(at), at })),
    flood_zone: strips.map((s) => ({ geometry: s.polygon, at: s.at })),
    geological_hazard: inPlaces.slice(2 * zones).flat().map((at) => ({ geometry: point(at), at })),
  };
  const features = HAZARD_TYPES.flatMap((type) => {
    const { label, letter, levels } = TYPES[type];
    const serials = readingOrder(placed[type].map((p) => p.at));
    return placed[type]
      .map((p, i) => ({ ...p, serial: serials[i], level: levels[rng.int(0, levels.length - 1)] }))
      .sort((a, b) => a.serial - b.serial)
      .map(({ geometry, serial, level }): HazardFeature => {
        const number = `${letter}${String(serial).padStart(2, '0')}`;
        return { type: 'Feature', geometry, properties: { id: `hz-${number.toLowerCase()}`, type, level, name: `${label} ${number}` } };
      });
  });
  return { type: 'FeatureCollection', features };
}

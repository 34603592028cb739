import type { Feature, FeatureCollection, Point } from 'geojson';
import type { RESPONSE_POINT_KINDS } from '../db/migrations/004_response_points';
import type { Rng } from '../geo/prng';
import { readingOrder } from '../partition/grid-codes';
import { householdCentres, type Dwelling } from './household-centres';
import type { PoliceStation } from './police-layer';

export type ResponsePointKind = (typeof RESPONSE_POINT_KINDS)[number];
export interface ResponsePointProperties { id: string; kind: ResponsePointKind; name: string }

/** One quick-response post (快反点) per this many police grids. */
const POLICE_GRIDS_PER_QUICK_RESPONSE_POST = 3.5;
const FIRE_STATIONS = 6;

/**
 * Where police and firefighters set out from: the police stations, quick-response posts and fire
 * stations at household centres (on address points: busy built-up places), numbered in reading
 * order (qr-01 快反点 Q01, fs-01 消防救援站 F01).
 */
export function responsePoints(
  input: { stations: PoliceStation[]; policeGrids: number; dwellings: Dwelling[]; rng: Rng },
): FeatureCollection<Point, ResponsePointProperties> {
  const feature = (id: string, kind: ResponsePointKind, name: string, at: [number, number]): Feature<Point, ResponsePointProperties> =>
    ({ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: { id, kind, name } });
  const numbered = (kind: ResponsePointKind, prefix: string, label: string, letter: string, count: number, rng: Rng) => {
    const places = householdCentres(input.dwellings, count, rng).map((h) => h.lngLat);
    const serials = readingOrder(places);
    return places
      .map((at, i) => ({ at, serial: String(serials[i]).padStart(2, '0') }))
      .sort((a, b) => a.serial.localeCompare(b.serial))
      .map(({ at, serial }) => feature(`${prefix}-${serial}`, kind, `${label} ${letter}${serial}`, at));
  };
  return {
    type: 'FeatureCollection',
    features: [
      ...input.stations.map((s) => feature(s.id, 'police_station', s.name, s.lngLat)),
      ...numbered('quick_response', 'qr', '快反点', 'Q', Math.round(input.policeGrids / POLICE_GRIDS_PER_QUICK_RESPONSE_POST), input.rng.fork()),
      ...numbered('fire_station', 'fs', '消防救援站', 'F', FIRE_STATIONS, input.rng.fork()),
    ],
  };
}

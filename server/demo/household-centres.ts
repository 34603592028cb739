import type { Feature, Point } from 'geojson';
import type { Rng } from '../geo/prng';
import type { AddressPointProperties } from './address-points';
import { kMeans, nearest, type XY } from './kmeans';
import { localMetres } from './local-metres';
import type { LngLat } from './qixia-layout';

/** An address point with its households, in degrees and in local metres. */
export interface Dwelling {
  lngLat: LngLat;
  xy: XY;
  households: number;
  /** the community's code */
  areaCode: string;
}

/** Local metres around the middle of the district. */
export const districtMetres = localMetres([119.0, 32.13]);

export function dwellingsOf(points: Feature<Point, AddressPointProperties>[]): Dwelling[] {
  return points.map((f) => {
    const lngLat = f.geometry.coordinates as LngLat;
    return { lngLat, xy: districtMetres.toXY(lngLat), households: f.properties.households, areaCode: f.properties.area_code };
  });
}

/**
 * `k` places where households gather: k-means centres weighted by households, each moved to the
 * nearest address point not taken yet, so every place is a distinct point on built ground inside
 * the district (the centre of a cluster spanning the river could lie in the water).
 */
export function householdCentres(dwellings: Dwelling[], k: number, rng: Rng): Dwelling[] {
  const centres = kMeans(dwellings.map((d) => d.xy), k, rng, 30, dwellings.map((d) => d.households));
  const taken = new Set<number>();
  return centres.map((c) => {
    const free = dwellings.map((_, i) => i).filter((i) => !taken.has(i));
    const pick = free[nearest(c, free.map((i) => dwellings[i].xy))];
    taken.add(pick);
    return dwellings[pick];
  });
}

import type { LngLat } from './qixia-layout';
import type { XY } from './kmeans';

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LNG_EQUATOR = 111_320;

/**
 * An equirectangular projection around `origin`: metres east and north, good to well under 1%
 * across a district. For clustering and spacing in JS; exact metric work stays in PostGIS.
 */
export function localMetres(origin: LngLat) {
  const mPerDegLng = M_PER_DEG_LNG_EQUATOR * Math.cos((origin[1] * Math.PI) / 180);
  return {
    toXY: ([lng, lat]: LngLat): XY => [(lng - origin[0]) * mPerDegLng, (lat - origin[1]) * M_PER_DEG_LAT],
    toLngLat: ([x, y]: XY): LngLat => [origin[0] + x / mPerDegLng, origin[1] + y / M_PER_DEG_LAT],
  };
}

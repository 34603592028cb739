import type { Geometry } from 'geojson';
import type { Problem } from './check-structure';
import { positionsOf } from './positions';

/** China's extent, generously: every CRS we accept is a Chinese one. */
const CHINA = { minLng: 73, maxLng: 136, minLat: 3, maxLat: 54 } as const;

const inChina = (lng: number, lat: number) => lng >= CHINA.minLng && lng <= CHINA.maxLng && lat >= CHINA.minLat && lat <= CHINA.maxLat;
const point = (lng: number, lat: number) => `POINT(${lng} ${lat})`;

/**
 * Where a geometry's positions lie, checked in this order: swapped order (the bbox fits China
 * only as [lat, lng]), then the valid range of longitude and latitude, then China's extent.
 */
export function checkCoordinates(geometry: Exclude<Geometry, { type: 'GeometryCollection' }>): Problem | null {
  const bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of positionsOf(geometry)) {
    bbox[0] = Math.min(bbox[0], x);
    bbox[1] = Math.min(bbox[1], y);
    bbox[2] = Math.max(bbox[2], x);
    bbox[3] = Math.max(bbox[3], y);
  }
  const [minX, minY, maxX, maxY] = bbox;
  const fits = (a: number, b: number, c: number, d: number) => inChina(a, b) && inChina(c, d);
  if (!fits(minX, minY, maxX, maxY) && fits(minY, minX, maxY, maxX)) {
    const [x, y] = positionsOf(geometry).next().value!;
    return {
      reason: 'latitude and longitude look swapped',
      detail: `[${x}, ${y}] lies in China only as [${y}, ${x}]; GeoJSON positions are [longitude, latitude]`,
      location: point(x, y),
    };
  }
  for (const [x, y] of positionsOf(geometry)) {
    if (x < -180 || x > 180) return { reason: 'longitude out of range', detail: `${x} is not within -180..180`, location: point(x, y) };
    if (y < -90 || y > 90) return { reason: 'latitude out of range', detail: `${y} is not within -90..90`, location: point(x, y) };
  }
  for (const [x, y] of positionsOf(geometry)) {
    if (!inChina(x, y)) {
      const { minLng, maxLng, minLat, maxLat } = CHINA;
      return { reason: 'outside China', detail: `China spans about longitude ${minLng}–${maxLng}, latitude ${minLat}–${maxLat}`, location: point(x, y) };
    }
  }
  return null;
}

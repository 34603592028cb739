import type { MapLibreMap } from 'maplibre-gl';

const SIZE_PX = 8;
const STRIPE_PX = 2;

/**
 * Adds a diagonal hatch image (`colour` stripes on transparent) for `fill-pattern`, drawn pixel by
 * pixel so no canvas or sprite file is needed.
 */
export function addHatchPattern(map: MapLibreMap, id: string, [red, green, blue]: [number, number, number]): void {
  if (map.hasImage(id)) return;
  const data = new Uint8Array(SIZE_PX * SIZE_PX * 4);
  for (let y = 0; y < SIZE_PX; y += 1) {
    for (let x = 0; x < SIZE_PX; x += 1) {
      if ((x + y) % SIZE_PX >= STRIPE_PX) continue;
      data.set([red, green, blue, 255], (y * SIZE_PX + x) * 4);
    }
  }
  map.addImage(id, { width: SIZE_PX, height: SIZE_PX, data });
}

import { EXTENT } from './sources';

const HALF_WORLD_M = 20037508.342789244;

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** Web-Mercator bounds of a tile, in metres. */
export function tileBounds3857({ z, x, y }: TileAddress) {
  const sizeM = (2 * HALF_WORLD_M) / 2 ** z;
  const minX = -HALF_WORLD_M + x * sizeM;
  const maxY = HALF_WORLD_M - y * sizeM;
  return { minX, minY: maxY - sizeM, maxX: minX + sizeM, maxY, sizeM };
}

/** Half a tile pixel in metres: simplifying by this is invisible at that zoom. */
export const simplifyToleranceM = (z: number) => (2 * HALF_WORLD_M) / 2 ** z / EXTENT / 2;

export function isValidTile({ z, x, y }: TileAddress): boolean {
  const n = 2 ** z;
  return [z, x, y].every(Number.isInteger) && z >= 0 && z <= 24 && x >= 0 && y >= 0 && x < n && y < n;
}

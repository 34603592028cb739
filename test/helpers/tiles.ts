import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** The web-mercator tile holding lng/lat at zoom z. */
export function tileOf(lng: number, lat: number, z: number) {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** The features of one layer of an encoded vector tile (none when the tile lacks the layer). */
export function decodeLayer(buf: ArrayBuffer | Uint8Array, layer: string) {
  const vt = new VectorTile(new PbfReader(buf instanceof Uint8Array ? buf : new Uint8Array(buf)));
  const l = vt.layers[layer];
  if (!l) return [];
  return Array.from({ length: l.length }, (_, i) => l.feature(i));
}

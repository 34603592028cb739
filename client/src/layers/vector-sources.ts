import type { MapLibreMap } from 'maplibre-gl';
import type { TileSourceInfo } from '../api/types';

/** Adds each listed tile source to the map, with tile URLs made absolute as MapLibre's worker needs. */
export function addVectorSources(map: MapLibreMap, sources: TileSourceInfo[]): void {
  for (const source of sources) {
    map.addSource(source.id, {
      type: 'vector',
      tiles: source.tiles.map((template) => absoluteTileUrl(template)),
      minzoom: source.minzoom,
      maxzoom: source.maxzoom,
    });
  }
}

/** Resolves a tile URL template against the page's origin, leaving `{z}/{x}/{y}` intact. */
function absoluteTileUrl(template: string): string {
  return new URL(template, location.origin).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

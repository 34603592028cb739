import {
  MapLibreMap,
  setWorkerUrl,
  type LngLatBoundsLike,
  type MapEventType,
  type StyleSpecification,
} from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { addMapControls } from './map-controls';

// MapLibre looks for its worker next to its own module; after bundling it lives elsewhere.
setWorkerUrl(maplibreWorkerUrl);

export interface MapSetup {
  container: HTMLElement;
  /** Our offline style, or the URL of an on-site basemap style. */
  baseStyle: StyleSpecification | string;
  /** What the first view shows. */
  bounds: LngLatBoundsLike;
}

/** Creates the map on its base style, framed on `bounds`, resolving once the style has loaded. */
export function createMap({ container, baseStyle, bounds }: MapSetup): Promise<MapLibreMap> {
  const map = new MapLibreMap({
    container,
    style: baseStyle,
    bounds,
    fitBoundsOptions: { padding: 32 },
    attributionControl: { compact: true },
    maplibreLogo: false,
  });
  addMapControls(map);
  return new Promise((resolve, reject) => {
    const failBeforeLoad = (event: MapEventType['error']) => reject(event.error);
    map.once('error', failBeforeLoad);
    map.once('style.load', () => {
      map.off('error', failBeforeLoad);
      resolve(map);
    });
  });
}

/** Resolves on the first `idle` at which every one of `sourceIds` has loaded its tiles. */
export function whenSourcesLoaded(map: MapLibreMap, sourceIds: string[]): Promise<void> {
  return new Promise((resolve) => {
    const checkLoaded = () => {
      if (!sourceIds.every((id) => map.isSourceLoaded(id))) return;
      map.off('idle', checkLoaded);
      resolve();
    };
    map.on('idle', checkLoaded);
  });
}

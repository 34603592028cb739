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

/** Resolves once every one of `sourceIds` has loaded its tiles, checked at each `idle` (and polled after the first). */
export function whenSourcesLoaded(map: MapLibreMap, sourceIds: string[]): Promise<void> {
  return new Promise((resolve) => {
    let poll: ReturnType<typeof setInterval> | undefined;
    const checkLoaded = () => {
      if (!sourceIds.every((id) => map.isSourceLoaded(id))) {
        // after an idle, poll too: a tile refetched on expiry and answered 304 loads without drawing a frame, so no 'idle' follows it
        poll ??= setInterval(checkLoaded, 250);
        return;
      }
      map.off('idle', checkLoaded);
      clearInterval(poll);
      resolve();
    };
    map.on('idle', checkLoaded);
  });
}

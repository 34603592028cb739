import type { MapLibreMap } from 'maplibre-gl';
import { fetchAreas, fetchClientConfig, fetchTileSources } from './api/gridatlas-api';
import { translateDocument } from './i18n';
import { AreaLabels, type LabelLayerSummary } from './layers/area-labels';
import { addOperationalLayers } from './layers/operational-layers';
import { enableAreaPicking } from './map/area-picking';
import { boundsOf } from './map/bounds';
import { createMap, whenSourcesLoaded } from './map/create-map';
import { offlineBaseStyle } from './map/offline-style';
import { element } from './views/dom';
import { renderHeader } from './views/header';
import { InspectPanel } from './views/inspect-panel';
import { renderLayerPanel } from './views/layer-panel';
import { MapStatus } from './views/map-status';
import { renderStatusLine } from './views/status-line';
import './styles.css';

/** Handles for the browser tests (and for poking at the map from the console). */
export interface GridAtlasHandle {
  map: MapLibreMap;
  /** Resolves after the first `idle` with every tile source and the labels loaded. */
  ready: Promise<void>;
  labels: () => LabelLayerSummary[];
}

declare global {
  interface Window {
    __gridatlas?: GridAtlasHandle;
  }
}

const byId = (id: string): HTMLElement => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found;
};

async function start(): Promise<void> {
  translateDocument();
  renderHeader(byId('app-header'));
  const mapContainer = byId('map');
  const sidePanel = byId('side-panel');
  const status = new MapStatus(mapContainer);
  try {
    const [config, sources, districts] = await Promise.all([
      fetchClientConfig(),
      fetchTileSources(),
      fetchAreas({ level: 'district' }),
    ]);
    const map = await createMap({
      container: mapContainer,
      baseStyle: config.basemapUrl ?? offlineBaseStyle(),
      bounds: boundsOf(districts.features),
    });
    const toggles = addOperationalLayers(map, sources, config.basemapUrl !== null);
    const labels = new AreaLabels(map);
    const inspectPanel = new InspectPanel();
    enableAreaPicking(map, (code) => void inspectPanel.inspect(code));
    sidePanel.replaceChildren(
      element('div', 'panel-scroll', renderLayerPanel([...toggles, labels]), inspectPanel.element),
      renderStatusLine(),
    );

    const ready = Promise.all([
      whenSourcesLoaded(map, sources.map((source) => source.id)),
      labels.load(),
    ]).then(() => status.done());
    window.__gridatlas = { map, ready, labels: () => labels.summary() };
    await ready;
  } catch (error) {
    status.failed(error);
    console.error(error);
  }
}

void start();

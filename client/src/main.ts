import type { MapLibreMap } from 'maplibre-gl';
import { fetchAreas, fetchClientConfig, fetchTileSources } from './api/gridatlas-api';
import { translateDocument } from './i18n';
import { AreaLabels, type LabelLayerSummary } from './layers/area-labels';
import { addOperationalLayers } from './layers/operational-layers';
import { boundsOf } from './map/bounds';
import { createMap, whenSourcesLoaded } from './map/create-map';
import { DeckOverlay, type DeckLayerSummary } from './map/deck-overlay';
import { offlineBaseStyle } from './map/offline-style';
import { BrowseView } from './views/browse-view';
import { EmergencyView } from './views/emergency/emergency-view';
import { renderHeader } from './views/header';
import type { MapView, ViewId } from './views/map-view';
import { MapStatus } from './views/map-status';
import { PlannerView } from './views/planner/planner-view';
import { PoliceView } from './views/police/police-view';
import { RiskView, type RiskSnapshot } from './views/risk/risk-view';
import { renderStatusLine } from './views/status-line';
import { ViewTabs } from './views/view-tabs';
import './styles.css';

/** Handles for the browser tests (and for poking at the map from the console). */
export interface GridAtlasHandle {
  map: MapLibreMap;
  /** Resolves after the first `idle` with every tile source and the labels loaded. */
  ready: Promise<void>;
  labels: () => LabelLayerSummary[];
  /** every deck.gl layer drawn, with how many objects it holds */
  deckLayers: () => DeckLayerSummary[];
  /** the risk view's heatmap and the query behind it */
  risk: () => RiskSnapshot;
}

declare global {
  interface Window {
    __gridatlas?: GridAtlasHandle;
  }
}

const VIEW_IDS: ViewId[] = ['browse', 'planner', 'police', 'emergency', 'risk'];

const byId = (id: string): HTMLElement => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found;
};

/** The view named by the page's hash (`#planner`, `#police`), else browsing. */
const viewFromHash = (): ViewId => VIEW_IDS.find((id) => location.hash === `#${id}`) ?? 'browse';

async function start(): Promise<void> {
  translateDocument();
  let showView: (id: ViewId) => void = () => undefined;
  const viewTabs = new ViewTabs(VIEW_IDS, (id) => showView(id));
  viewTabs.setActive(viewFromHash());
  renderHeader(byId('app-header'), viewTabs.element);
  const app = byId('app');
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
    const deck = new DeckOverlay(map);
    const labels = new AreaLabels(map, deck);
    const tiledGrids = toggles.find((toggle) => toggle.id === 'grids');
    const risk = new RiskView(map, deck, tiledGrids);
    const views: Record<ViewId, MapView> = {
      browse: new BrowseView(map, [...toggles, labels]),
      planner: new PlannerView(map, deck, tiledGrids),
      police: new PoliceView(map, deck, tiledGrids),
      emergency: new EmergencyView(map, deck, tiledGrids),
      risk,
    };
    const statusLine = renderStatusLine();
    let active = views.browse;
    showView = (id) => {
      active.deactivate();
      active = views[id];
      app.dataset.view = id;
      viewTabs.setActive(id);
      history.replaceState(null, '', id === 'browse' ? location.pathname : `#${id}`);
      sidePanel.replaceChildren(active.element, statusLine);
      // The view was detached while away: its strings may be in the language of before a switch.
      translateDocument();
      map.resize();
      active.activate();
    };
    showView(viewFromHash());
    map.on('click', (event) => active.click(event));
    map.on('mousemove', (event) => {
      map.getCanvas().style.cursor = active.cursorAt(event.point);
    });

    const ready = Promise.all([
      whenSourcesLoaded(map, sources.map((source) => source.id)),
      labels.load(),
    ]).then(() => status.done());
    window.__gridatlas = { map, ready, labels: () => labels.summary(), deckLayers: () => deck.summary(), risk: () => risk.snapshot() };
    await ready;
  } catch (error) {
    status.failed(error);
    console.error(error);
  }
}

void start();

import type { MapLibreMap } from 'maplibre-gl';
import { fetchMe, signOut, type SignedInUser } from './api/auth-api';
import { fetchArea, fetchAreas, fetchClientConfig, fetchTileSources } from './api/gridatlas-api';
import { ApiError, onAccessDenied, reportAccessDenied } from './api/http';
import { t, translateDocument } from './i18n';
import { AreaLabels, type LabelLayerSummary } from './layers/area-labels';
import { addOperationalLayers } from './layers/operational-layers';
import { boundsOf } from './map/bounds';
import { createMap, whenSourcesLoaded } from './map/create-map';
import { DeckOverlay, type DeckLayerSummary } from './map/deck-overlay';
import { offlineBaseStyle } from './map/offline-style';
import { AccessNotice } from './views/access-notice';
import { canOpenView, sameAccess, setSignedIn } from './views/access';
import { BrowseView } from './views/browse-view';
import { EmergencyView } from './views/emergency/emergency-view';
import { renderHeader } from './views/header';
import { LoginView } from './views/login-view';
import type { MapView, ViewId } from './views/map-view';
import { MapStatus } from './views/map-status';
import { PlannerView } from './views/planner/planner-view';
import { PoliceView } from './views/police/police-view';
import { RiskView, type RiskSnapshot } from './views/risk/risk-view';
import { renderStatusLine } from './views/status-line';
import { UserBadge } from './views/user-badge';
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

/** The view named by the page's hash (`#planner`, `#police`) if the user may open it, else browsing. */
const viewFromHash = (views: ViewId[]): ViewId => views.find((id) => location.hash === `#${id}`) ?? 'browse';

/** Set before a sign-out reloads the page, so the sign-in page says the user signed out. */
const SIGNED_OUT_KEY = 'gridatlas.signedOut';

/**
 * Signs the user in (the sign-in page unless a session is open already), then builds the app for
 * that user: only the views and controls their permissions allow, framed on their area. A 401
 * from any request later means the session ended: the sign-in page says so and, when the same
 * user signs in again, the app carries on; another user (or changed rights) reloads the page.
 */
async function start(): Promise<void> {
  translateDocument();
  const login = new LoginView();
  const notice = new AccessNotice();
  document.body.append(login.element, notice.element);

  let user: SignedInUser | null = null;
  let problem: string | null = null;
  try {
    user = await fetchMe();
  } catch (error) {
    problem = t('login.unreachable', { message: (error as Error).message });
  }
  const signedOut = sessionStorage.getItem(SIGNED_OUT_KEY) !== null;
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  if (!user) {
    const signedIn = login.signIn(signedOut ? 'signedOut' : 'start');
    if (problem) login.showProblem(problem);
    user = await signedIn;
  }
  setSignedIn(user);

  onAccessDenied((error) => {
    if (error.status === 403) return notice.show(error.message);
    if (login.showing) return;
    notice.hide();
    void login.signIn('sessionEnded').then((again) => {
      if (user && sameAccess(user, again)) return setSignedIn(again);
      location.reload();
    });
  });

  const badge = new UserBadge(user, () => {
    signOut()
      .then(() => {
        sessionStorage.setItem(SIGNED_OUT_KEY, '1');
        history.replaceState(null, '', location.pathname);
        location.reload();
      })
      .catch((error: Error) => {
        badge.signOutFailed();
        notice.show(t('user.signOutFailed', { message: error.message }));
      });
  });
  await startApp(user, badge.element);
}

async function startApp(user: SignedInUser, badge: HTMLElement): Promise<void> {
  const viewIds = VIEW_IDS.filter(canOpenView);
  let showView: (id: ViewId) => void = () => undefined;
  const viewTabs = new ViewTabs(viewIds, (id) => showView(id));
  viewTabs.setActive(viewFromHash(viewIds));
  renderHeader(byId('app-header'), viewTabs.element, badge);
  const app = byId('app');
  const mapContainer = byId('map');
  const sidePanel = byId('side-panel');
  const status = new MapStatus(mapContainer);
  try {
    const [config, sources, framed] = await Promise.all([
      fetchClientConfig(),
      fetchTileSources(),
      // A user scoped to an area sees it first; a user of every area, the districts.
      user.area ? fetchArea(user.area.code).then((area) => [area]) : fetchAreas({ level: 'district' }).then((areas) => areas.features),
    ]);
    const map = await createMap({
      container: mapContainer,
      baseStyle: config.basemapUrl ?? offlineBaseStyle(),
      bounds: boundsOf(framed),
    });
    reportTileRefusals(map);
    const toggles = addOperationalLayers(map, sources, config.basemapUrl !== null);
    const deck = new DeckOverlay(map);
    const labels = new AreaLabels(map, deck);
    const tiledGrids = toggles.find((toggle) => toggle.id === 'grids');
    const risk = canOpenView('risk') ? new RiskView(map, deck, tiledGrids) : null;
    // Only the views the user may open are built: the others would only meet 403s.
    const builders: Record<ViewId, () => MapView> = {
      browse: () => new BrowseView(map, [...toggles, labels]),
      planner: () => new PlannerView(map, deck, tiledGrids),
      police: () => new PoliceView(map, deck, tiledGrids),
      emergency: () => new EmergencyView(map, deck, tiledGrids),
      risk: () => risk!,
    };
    const views = new Map(viewIds.map((id) => [id, builders[id]()]));
    const statusLine = renderStatusLine();
    let active = views.get('browse')!;
    showView = (id) => {
      active.deactivate();
      active = views.get(id) ?? views.get('browse')!;
      app.dataset.view = active.id;
      viewTabs.setActive(active.id);
      history.replaceState(null, '', active.id === 'browse' ? location.pathname : `#${active.id}`);
      sidePanel.replaceChildren(active.element, statusLine);
      // The view was detached while away: its strings may be in the language of before a switch.
      translateDocument();
      map.resize();
      active.activate();
    };
    showView(viewFromHash(viewIds));
    map.on('click', (event) => active.click(event));
    map.on('mousemove', (event) => {
      map.getCanvas().style.cursor = active.cursorAt(event.point);
    });

    const ready = Promise.all([
      whenSourcesLoaded(map, sources.map((source) => source.id)),
      labels.load(),
    ]).then(() => status.done());
    window.__gridatlas = {
      map,
      ready,
      labels: () => labels.summary(),
      deckLayers: () => deck.summary(),
      risk: () => {
        if (!risk) throw new Error('the risk view is not offered to this user');
        return risk.snapshot();
      },
    };
    await ready;
  } catch (error) {
    status.failed(error);
    console.error(error);
  }
}

/**
 * Tiles are fetched by MapLibre, not through api/http: a 401 or 403 on one is reported like any
 * other refused request. Other map errors are logged as MapLibre logs them without a listener.
 */
function reportTileRefusals(map: MapLibreMap): void {
  map.on('error', (event) => {
    const status = (event.error as { status?: unknown } | undefined)?.status;
    if (status === 401) return reportAccessDenied(new ApiError(401, 'unauthenticated', t('auth.error.sessionEnded')));
    if (status === 403) return reportAccessDenied(new ApiError(403, 'forbidden', t('auth.error.forbidden', { permission: 'areas:read' })));
    console.error(event.error);
  });
}

void start();

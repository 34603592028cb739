import type { Geometry } from 'geojson';
import type { MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { fetchHazardExposure, fetchHazards, fetchReach, fetchResponsePoints, postWhatIf } from '../../api/emergency-api';
import type { HazardCollection, Reach, ReachMode, ResponsePointCollection, RingExposure } from '../../api/emergency-types';
import { fetchTilingGrids } from '../../api/planning-api';
import type { GridCollection } from '../../api/planning-types';
import { t } from '../../i18n';
import {
  ExposureLayers,
  exposedGridsOf,
  ringLabelLayer,
  ringsAround,
  whatIfMarkerLayer,
  type ExposedGridCollection,
  type RingCollection,
} from '../../layers/emergency/exposure-rings';
import { HazardSourceLayers } from '../../layers/emergency/hazard-sources';
import type { LayerToggle } from '../../layers/layer-toggle';
import { outsideGridsOf, ReachLayers, type OutsideGridCollection } from '../../layers/emergency/reach-areas';
import { boundsOf } from '../../map/bounds';
import type { DeckOverlay } from '../../map/deck-overlay';
import { element } from '../dom';
import { addMapCards, type MapView, type ScreenPoint } from '../map-view';
import { ViewPresence } from '../view-presence';
import { EmergencyLegend } from './emergency-legend';
import { emergencyTooltip } from './emergency-tooltip';
import { ExposurePanel, type ExposureSource } from './exposure-panel';
import { HazardList } from './hazard-list';
import { ReachPanel } from './reach-panel';
import { WhatIfPanel } from './what-if-panel';

/** "1-3-5 minutes": the quick-response targets (DOMAIN.md). */
const REACH_MINUTES = [1, 3, 5];
const FIT_PADDING = { top: 40, bottom: 60, left: 40, right: 60 };
const GRID_MAX_ZOOM = 16;

/** Rings around a hazard or a what-if point, and the grids they reach. */
interface ShownExposure {
  rings: RingCollection;
  grids: ExposedGridCollection | null;
  figures: RingExposure[];
  whatIfPoint: [number, number] | null;
}

interface ShownReach {
  reach: Reach;
  outside: OutsideGridCollection | null;
  points: ResponsePointCollection;
}

/**
 * Emergency management (应急): the hazard sources (风险源) by type; click one for its rings and
 * who lives inside them (households, population, grids); "what if" a hazard were at a clicked
 * point; and the 1-3-5 minute quick-response reach with the grids it leaves outside.
 */
export class EmergencyView implements MapView {
  readonly id = 'emergency';
  readonly element: HTMLElement;

  private readonly hazardList = new HazardList((id) => void this.showHazard(id));
  private readonly exposurePanel = new ExposurePanel((code) => this.zoomToGrid(code));
  private readonly whatIf = new WhatIfPanel(() => undefined);
  private readonly reachPanel = new ReachPanel(
    (shown, mode) => void this.showReach(shown, mode),
    (code) => this.zoomToGrid(code),
  );
  private readonly legend = new EmergencyLegend();
  private readonly reachLayers: ReachLayers;
  private readonly exposureLayers: ExposureLayers;
  private readonly hazardLayers: HazardSourceLayers;
  /** Hides the published grids (vector tiles) so the exposed grids and those outside the reach stand out. */
  private readonly presence: ViewPresence;
  /** Grids of the plans exposure and reach are counted in: published plans, which do not change. */
  private readonly planGrids = new Map<number, Promise<GridCollection>>();
  private responsePoints: Promise<ResponsePointCollection> | null = null;

  private active = false;
  private hazards: HazardCollection | null = null;
  private exposure: ShownExposure | null = null;
  private reach: ShownReach | null = null;
  private gridsShown: GridCollection | null = null;
  /** Count requests started, so an answer to an older one is dropped. */
  private exposureRequests = 0;
  private reachRequests = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly deck: DeckOverlay,
    tiledGrids: LayerToggle | undefined,
  ) {
    const fillsBeforeId = map.getLayer('barrier-river') ? 'barrier-river' : undefined;
    this.reachLayers = new ReachLayers(map, fillsBeforeId);
    this.exposureLayers = new ExposureLayers(map, fillsBeforeId);
    this.hazardLayers = new HazardSourceLayers(map);
    const tooltip = emergencyTooltip(map, () => this.exposure?.figures ?? []);
    this.presence = new ViewPresence(tiledGrids, tooltip, () => void this.loadHazards());
    this.element = element(
      'div',
      'panel-scroll emergency',
      this.hazardList.element,
      this.exposurePanel.element,
      this.whatIf.element,
      this.reachPanel.element,
    );
    this.element.id = 'emergency';
    addMapCards(map, 'emergency', this.legend.element);
  }

  activate(): void {
    this.active = true;
    this.presence.enter();
    this.renderMap();
  }

  deactivate(): void {
    this.active = false;
    this.presence.leave();
    this.renderMap();
  }

  click(event: MapMouseEvent): void {
    if (this.whatIf.active) return void this.showWhatIf([event.lngLat.lng, event.lngLat.lat]);
    const id = this.hazardLayers.hazardAt(event.point);
    if (id !== undefined) void this.showHazard(id);
  }

  cursorAt(point: ScreenPoint): string {
    if (this.whatIf.active) return 'crosshair';
    return this.hazardLayers.hazardAt(point) !== undefined ? 'pointer' : '';
  }

  private async loadHazards(): Promise<void> {
    try {
      this.hazards = await fetchHazards();
      this.hazardList.show(this.hazards);
      this.renderMap();
    } catch (error) {
      this.hazardList.failed((error as Error).message);
    }
  }

  private async showHazard(id: number): Promise<void> {
    const hazard = this.hazards?.features.find((feature) => feature.properties.id === id);
    if (!hazard) return;
    this.hazardLayers.select(id);
    this.hazardList.select(id);
    const { name, type } = hazard.properties;
    await this.showExposure(hazard.geometry, { kind: 'hazard', name: name ?? `#${id}`, type }, () => fetchHazardExposure(id));
  }

  private async showWhatIf(point: [number, number]): Promise<void> {
    const radiusM = this.whatIf.radiusM;
    if (radiusM === null) return this.exposurePanel.setState({ kind: 'failed', message: t('whatIf.badRadius') });
    this.hazardLayers.select(null);
    this.hazardList.select(null);
    await this.showExposure({ type: 'Point', coordinates: point }, { kind: 'what-if', point }, () => postWhatIf(point, radiusM));
  }

  /** Asks for the exposure, draws its rings and grids, fills the panel and frames the rings. */
  private async showExposure(
    geometry: Geometry,
    source: ExposureSource,
    request: () => Promise<{ planId: number | null; rings: RingExposure[] }>,
  ): Promise<void> {
    const requested = ++this.exposureRequests;
    this.exposurePanel.setState({ kind: 'loading' });
    try {
      const { planId, rings: figures } = await request();
      const grids = planId === null ? null : await this.gridsOf(planId);
      if (requested !== this.exposureRequests) return;
      const rings = ringsAround(geometry, figures.map((ring) => ring.radiusM));
      this.exposure = {
        rings,
        grids: grids && exposedGridsOf(grids, figures),
        figures,
        whatIfPoint: source.kind === 'what-if' ? source.point : null,
      };
      this.gridsShown = grids;
      this.exposurePanel.setState({ kind: 'shown', value: { source, rings: figures } });
      this.renderMap();
      const frame = rings.features.length ? rings.features : [{ type: 'Feature' as const, geometry, properties: {} }];
      this.map.fitBounds(boundsOf(frame), { padding: FIT_PADDING, maxZoom: GRID_MAX_ZOOM });
    } catch (error) {
      if (requested === this.exposureRequests) this.exposurePanel.setState({ kind: 'failed', message: (error as Error).message });
    }
  }

  private async showReach(shown: boolean, mode: ReachMode): Promise<void> {
    const requested = ++this.reachRequests;
    if (!shown) {
      this.reach = null;
      this.reachPanel.setState({ kind: 'empty' });
      return this.renderMap();
    }
    this.reachPanel.setState({ kind: 'loading' });
    try {
      this.responsePoints ??= fetchResponsePoints();
      const [reach, points] = await Promise.all([fetchReach({ minutes: REACH_MINUTES, mode }), this.responsePoints]);
      const grids = reach.planId === null ? null : await this.gridsOf(reach.planId);
      if (requested !== this.reachRequests) return;
      this.reach = { reach, points, outside: grids && outsideGridsOf(grids, reach.grids.outside) };
      this.gridsShown ??= grids;
      this.reachPanel.setState({ kind: 'shown', value: reach });
      this.renderMap();
    } catch (error) {
      this.responsePoints = null;
      if (requested === this.reachRequests) this.reachPanel.setState({ kind: 'failed', message: (error as Error).message });
    }
  }

  private gridsOf(planId: number): Promise<GridCollection> {
    let grids = this.planGrids.get(planId);
    if (!grids) {
      grids = fetchTilingGrids(planId);
      grids.catch(() => this.planGrids.delete(planId)); // a failed request may be retried
      this.planGrids.set(planId, grids);
    }
    return grids;
  }

  private zoomToGrid(code: string): void {
    const grid = this.gridsShown?.features.find((feature) => feature.properties.code === code);
    if (grid) this.map.fitBounds(boundsOf([grid]), { padding: FIT_PADDING, maxZoom: GRID_MAX_ZOOM });
  }

  private renderMap(): void {
    const shown = this.active;
    const exposure = shown ? this.exposure : null;
    const reach = shown ? this.reach : null;
    this.hazardLayers.setHazards(shown ? this.hazards : null);
    this.exposureLayers.show(exposure?.rings ?? null, exposure?.grids ?? null);
    this.reachLayers.show(reach?.reach.areas ?? null, reach?.outside ?? null, reach?.points ?? null);
    this.deck.setLayers('emergency', shown ? [ringLabelLayer(exposure?.rings ?? null), whatIfMarkerLayer(exposure?.whatIfPoint ?? null)] : []);
    if (!shown) return this.legend.show(null);
    this.legend.show({
      hazardTypes: [...new Set(this.hazards?.features.map((hazard) => hazard.properties.type))],
      rings: exposure?.figures ?? null,
      reachMinutes: reach?.reach.minutes ?? null,
    });
  }
}

import type { MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { fetchTilingGrids } from '../../api/planning-api';
import { fetchEventRange, fetchGridRisk, fetchGridTimeline, fetchHeatmap, heatmapParams } from '../../api/risk-api';
import type { EventFilter, HeatmapAnswer, TimelineBucket } from '../../api/risk-types';
import type { LayerToggle } from '../../layers/layer-toggle';
import { cellsByResolution, h3HeatmapLayers, hexCellsOf, hexLayerId, type HexCell } from '../../layers/risk/h3-heatmap';
import { binFill, positionOf, rampFill, scaleFor, type Rgba } from '../../layers/risk/risk-colours';
import { GridLookup, GridOutlines, selectedGridLayer } from '../../layers/risk/risk-grids';
import { boundsOf, type BBox } from '../../map/bounds';
import type { DeckOverlay } from '../../map/deck-overlay';
import { element } from '../dom';
import type { PointerTooltip } from '../feature-tooltip';
import { addMapCards, type MapView, type ScreenPoint } from '../map-view';
import { ViewPresence } from '../view-presence';
import { cellTooltip, type DrawnHeatmap } from './cell-tooltip';
import { GridNames } from './grid-names';
import { HeatmapPanel } from './heatmap-panel';
import { RankingPanel } from './ranking-panel';
import { RiskLegend } from './risk-legend';
import { TimeBar, type WindowDays } from './time-bar';
import { TimelinePanel } from './timeline-panel';

/** Leaves room for the time bar along the map's foot. */
const FIT_PADDING = { top: 40, bottom: 110, left: 40, right: 60 };
const GRID_MAX_ZOOM = 15;
/** The map rests this long after moving before the heatmap of the new view is asked for. */
const MOVE_SETTLE_MS = 300;
/** Timeline bars per window length: days of a month, weeks of a quarter, months of a year. */
const TIMELINE_BUCKET: Record<WindowDays, TimelineBucket> = { 30: 'day', 90: 'week', 365: 'month' };
/** Digits of a grid code that name its street (the community and serial follow). */
const STREET_CODE_DIGITS = 9;

/** The heatmap on the map, with the cells as drawn. */
interface ShownHeatmap {
  answer: HeatmapAnswer;
  /** the query string it was asked with */
  params: string;
  cells: HexCell[];
  byResolution: Map<number, HexCell[]>;
}

/** What the browser tests read of the view: the heatmap drawn and the query behind it. */
export interface RiskSnapshot {
  /** a heatmap request is waiting or running */
  loading: boolean;
  params: string | null;
  res: number | null;
  layerIds: string[];
  cells: number;
  /** each drawn cell's fill [r, g, b, a], from the colouring the layers use */
  fills: Record<string, number[]>;
  selectedGrid: string | null;
}

/**
 * Risk (风险): events as an H3 heatmap over a moving time window — counts, a 0–100 risk index or
 * Getis-Ord Gi* hot and cold spots — with type filters, a legend that can be pinned, playback
 * week by week, a breakdown of the cell under the pointer, the grids ranked by risk with their
 * safety index (平安指数), and a grid's events over time.
 */
export class RiskView implements MapView {
  readonly id = 'risk';
  readonly element: HTMLElement;

  private readonly names = new GridNames();
  private readonly timeBar = new TimeBar((_window, settled) => this.windowChanged(settled));
  private readonly heatmapPanel = new HeatmapPanel((change) => this.settingsChanged(change));
  private readonly rankingPanel = new RankingPanel(this.names, (code) => this.selectGrid(code, true));
  private readonly timelinePanel = new TimelinePanel();
  private readonly legend = new RiskLegend(() => this.renderMap());
  /** Hides the published grids (vector tiles): the view outlines the ranked plan's own. */
  private readonly presence: ViewPresence;
  private readonly tooltip: PointerTooltip;

  private active = false;
  private shown: ShownHeatmap | null = null;
  private heatmapRequest: AbortController | null = null;
  private moveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly outlines: GridOutlines;
  /** The grids of the plan the ranking scores. */
  private grids: GridLookup | null = null;
  private selected: string | null = null;
  /** Count requests started, so an answer to an older one is dropped. */
  private rankingRequests = 0;
  private timelineRequests = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly deck: DeckOverlay,
    tiledGrids: LayerToggle | undefined,
  ) {
    this.outlines = new GridOutlines(map);
    this.tooltip = cellTooltip(map, deck, () => this.drawnHeatmap());
    this.presence = new ViewPresence(tiledGrids, this.tooltip, () => void this.start());
    this.element = element('div', 'panel-scroll risk', this.heatmapPanel.element, this.rankingPanel.element, this.timelinePanel.element);
    this.element.id = 'risk';
    addMapCards(map, 'risk', this.legend.element, this.timeBar.element);
    map.on('moveend', () => {
      if (!this.active) return;
      clearTimeout(this.moveTimer);
      this.moveTimer = setTimeout(() => {
        this.moveTimer = undefined;
        void this.refreshHeatmap();
      }, MOVE_SETTLE_MS);
    });
  }

  activate(): void {
    this.active = true;
    this.presence.enter();
    this.renderMap();
    void this.refreshHeatmap();
  }

  deactivate(): void {
    this.active = false;
    this.timeBar.pause();
    this.presence.leave();
    this.renderMap();
  }

  click(event: MapMouseEvent): void {
    const code = this.grids?.codeAt([event.lngLat.lng, event.lngLat.lat]);
    if (code) this.selectGrid(code, false);
  }

  cursorAt(point: ScreenPoint): string {
    const { lng, lat } = this.map.unproject([point.x, point.y]);
    return this.grids?.codeAt([lng, lat]) ? 'pointer' : '';
  }

  snapshot(): RiskSnapshot {
    const shown = this.shown;
    const fills: Record<string, number[]> = {};
    if (shown) {
      const fill = this.fillOf(shown).colour;
      for (const cell of shown.cells) fills[cell.cell] = fill(cell);
    }
    return {
      loading: this.moveTimer !== undefined || this.heatmapRequest !== null,
      params: shown?.params ?? null,
      res: shown?.answer.res ?? null,
      layerIds: shown ? [...shown.byResolution.keys()].map(hexLayerId) : [],
      cells: shown?.cells.length ?? 0,
      fills,
      selectedGrid: this.selected,
    };
  }

  /** First visit: the days and types with events, the area names; then the heatmap and the ranking. */
  private async start(): Promise<void> {
    try {
      const [range] = await Promise.all([fetchEventRange(), this.names.load().then(() => this.rankingPanel.namesLoaded())]);
      this.heatmapPanel.setTypes(range.types);
      if (!range.first || !range.last) {
        this.heatmapPanel.setState({ kind: 'empty' });
        return this.rankingPanel.setState({ kind: 'empty' });
      }
      this.timeBar.setRange(range.first, range.last);
      void this.refreshHeatmap();
      void this.refreshRanking();
    } catch (error) {
      this.heatmapPanel.setState({ kind: 'failed', message: (error as Error).message });
    }
  }

  private filter(): EventFilter | null {
    const window = this.timeBar.window;
    return window && { window, types: this.heatmapPanel.settings.types };
  }

  private windowChanged(settled: boolean): void {
    void this.refreshHeatmap();
    if (!settled) return;
    void this.refreshRanking();
    void this.refreshTimeline();
  }

  private settingsChanged(change: 'metric' | 'types'): void {
    if (change === 'metric') this.legend.unpin();
    void this.refreshHeatmap();
    if (change === 'metric') return;
    void this.refreshRanking();
    void this.refreshTimeline();
  }

  /** Asks for the heatmap of the map's view, window, types and metric, unless it is the one drawn. */
  private async refreshHeatmap(): Promise<void> {
    const filter = this.filter();
    if (!filter || !this.active) return;
    const { metric, fdr } = this.heatmapPanel.settings;
    const bounds = this.map.getBounds();
    const bbox: BBox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
    const params = heatmapParams({ ...filter, metric, fdr, bbox, zoom: this.map.getZoom() });
    this.heatmapRequest?.abort();
    this.heatmapRequest = null;
    if (this.shown?.params === String(params)) return this.timeBar.frameShown();
    const request = new AbortController();
    this.heatmapRequest = request;
    if (!this.shown) this.heatmapPanel.setState({ kind: 'loading' });
    this.element.dataset.busy = 'true';
    try {
      const answer = await fetchHeatmap(params, request.signal);
      if (request.signal.aborted) return;
      const cells = hexCellsOf(answer);
      this.shown = { answer, params: String(params), cells, byResolution: cellsByResolution(cells) };
      this.heatmapPanel.setState({ kind: 'shown', value: answer });
      this.tooltip.hide(); // it describes a cell of the heatmap before
      this.renderMap();
      this.timeBar.frameShown();
    } catch (error) {
      if (request.signal.aborted) return;
      this.heatmapPanel.setState({ kind: 'failed', message: (error as Error).message });
      this.timeBar.pause();
    } finally {
      if (this.heatmapRequest === request) {
        this.heatmapRequest = null;
        this.element.dataset.busy = 'false';
      }
    }
  }

  private async refreshRanking(): Promise<void> {
    const filter = this.filter();
    if (!filter) return;
    const requested = ++this.rankingRequests;
    this.rankingPanel.setState({ kind: 'loading' });
    try {
      const ranking = await fetchGridRisk(filter);
      if (requested !== this.rankingRequests) return;
      this.rankingPanel.setState(ranking.planId === null ? { kind: 'empty' } : { kind: 'shown', value: ranking });
      this.rankingPanel.select(this.selected);
      if (ranking.planId !== null && ranking.planId !== this.grids?.planId) {
        this.grids = new GridLookup(ranking.planId, await fetchTilingGrids(ranking.planId));
        this.renderMap();
      }
    } catch (error) {
      if (requested === this.rankingRequests) this.rankingPanel.setState({ kind: 'failed', message: (error as Error).message });
    }
  }

  /** Looks at a grid: marks it in the ranking and on the map, shows its timeline, and zooms to it if asked. */
  private selectGrid(code: string, zoom: boolean): void {
    this.selected = code;
    this.rankingPanel.select(code);
    this.renderMap();
    const grid = this.grids?.grid(code);
    if (zoom && grid) this.map.fitBounds(boundsOf([grid]), { padding: FIT_PADDING, maxZoom: GRID_MAX_ZOOM });
    void this.refreshTimeline();
  }

  private async refreshTimeline(): Promise<void> {
    const code = this.selected;
    const filter = this.filter();
    if (!code || !filter) return;
    const requested = ++this.timelineRequests;
    this.timelinePanel.setState({ kind: 'loading' });
    try {
      const timeline = await fetchGridTimeline(code, filter, TIMELINE_BUCKET[this.timeBar.windowDays]);
      if (requested !== this.timelineRequests) return;
      const label = this.names.label(code, this.grids?.grid(code)?.properties.name ?? null);
      const street = this.names.streetName(`${code.slice(0, STREET_CODE_DIGITS)}000`);
      this.timelinePanel.setState({ kind: 'shown', value: { label, street, timeline } });
    } catch (error) {
      if (requested === this.timelineRequests) this.timelinePanel.setState({ kind: 'failed', message: (error as Error).message });
    }
  }

  private drawnHeatmap(): DrawnHeatmap | null {
    const shown = this.active ? this.shown : null;
    if (!shown) return null;
    const { answer } = shown;
    return { layerIds: [...shown.byResolution.keys()].map(hexLayerId), metric: answer.metric, filter: { window: answer.window, types: answer.types } };
  }

  /** How the cells are coloured: by hot/cold spot bin, else by value on the ramp over the (maybe pinned) domain. */
  private fillOf({ answer }: ShownHeatmap): { colour: (cell: HexCell) => Rgba; key: string } {
    if (answer.metric === 'hotspot') return { colour: (cell) => binFill(cell.bin ?? 0), key: 'hotspot' };
    const scale = scaleFor(answer.metric, this.legend.domainFor(answer.domain));
    return { colour: (cell) => rampFill(positionOf(scale, cell.value)), key: `${answer.metric}:${scale.domain.join(',')}` };
  }

  private renderMap(): void {
    const shown = this.active ? this.shown : null;
    const layers = [];
    if (shown) {
      const { colour, key } = this.fillOf(shown);
      layers.push(...h3HeatmapLayers(shown.byResolution, colour, key));
      const { metric, domain } = shown.answer;
      if (metric === 'hotspot') {
        const cellsByBin = new Map<number, number>();
        for (const cell of shown.cells) cellsByBin.set(cell.bin ?? 0, (cellsByBin.get(cell.bin ?? 0) ?? 0) + 1);
        this.legend.show({ metric, cellsByBin });
      } else {
        this.legend.show({ metric, scale: scaleFor(metric, this.legend.domainFor(domain)) });
      }
    } else {
      this.legend.show(null);
    }
    this.outlines.show(this.active ? (this.grids?.planId ?? null) : null);
    if (this.active && this.selected) layers.push(selectedGridLayer(this.grids?.grid(this.selected)));
    this.deck.setLayers('risk', layers);
  }
}

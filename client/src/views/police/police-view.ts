import type { MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { fetchLayerGrids, fetchLayerPlans, publishedComprehensivePlan, type LayerGridCollection, type LayerGridProperties, type LayerPlan } from '../../api/layers-api';
import { acceptProposal, fetchAlignment, fetchProposal } from '../../api/overlay-api';
import type { Alignment, GridAlignment, Proposal, ProposalQuery, ProposalRow, WorkloadBalance } from '../../api/overlay-types';
import { fetchTilingGrids } from '../../api/planning-api';
import type { GridCollection } from '../../api/planning-types';
import { translatedElement } from '../../i18n';
import type { LayerToggle } from '../../layers/layer-toggle';
import { AlignedGridLayers, alignedGrids } from '../../layers/police/alignment-grids';
import { OverlayGridLayers, overlayLabelLayer, overlayLabelsOf, type OverlayLabel } from '../../layers/police/overlay-grids';
import { boundsOf } from '../../map/bounds';
import type { DeckOverlay } from '../../map/deck-overlay';
import { element } from '../dom';
import { addMapCards, type MapView, type ScreenPoint } from '../map-view';
import { PlanPicker } from '../plan-picker';
import { ViewPresence } from '../view-presence';
import { alignedGridTooltip } from './aligned-grid-tooltip';
import { AlignmentLegend } from './alignment-legend';
import { ConflictPanel } from './conflict-panel';
import { ProposalPanel } from './proposal-panel';

/** Layer kinds drawn over the comprehensive grids; police first, as the view is about them. */
const OVERLAY_KINDS = ['police', 'emergency', 'safety', 'departmental'];
const FIT_PADDING = { top: 40, bottom: 60, left: 40, right: 60 };
/** Police grid labels show from this zoom on; below it a district's worth of them would pile up. */
const OVERLAY_LABEL_MIN_ZOOM = 12;
const GRID_MAX_ZOOM = 16;

/** The two plans compared and what the server said about them. */
interface Analysis {
  comprehensive: LayerPlan;
  overlay: LayerPlan;
  grids: GridCollection;
  overlays: LayerGridCollection;
  alignment: Alignment;
  labels: OverlayLabel[];
  names: Map<string, string | null>;
  alignmentOf: Map<string, GridAlignment>;
  overlayOf: Map<string, LayerGridProperties>;
}

/**
 * Police grids (警格) over the comprehensive grids: pick the two plans, see where they conflict
 * (comprehensive grids split between police grids, 一格多警) with the layer figures and the worst
 * cases, preview the aligned proposal (警格网格双格联动) and accept it as a new police plan.
 */
export class PoliceView implements MapView {
  readonly id = 'police';
  readonly element: HTMLElement;

  private readonly comprehensivePicker = new PlanPicker('police-comprehensive-plan', 'police.plans.comprehensive', () => void this.analyse());
  private readonly overlayPicker = new PlanPicker('police-overlay-plan', 'police.plans.overlay', () => void this.analyse());
  private readonly conflicts = new ConflictPanel((code) => this.showGrid(code));
  private readonly proposalPanel: ProposalPanel;
  private readonly legend = new AlignmentLegend();
  private readonly alignedLayers: AlignedGridLayers;
  private readonly overlayLayers: OverlayGridLayers;
  /** Hides the published grids (vector tiles) while the comprehensive plan is drawn here. */
  private readonly presence: ViewPresence;

  private active = false;
  private analysis: Analysis | null = null;
  private proposal: { proposal: Proposal; rows: Map<string, ProposalRow> } | null = null;
  /** Counts analyses started, so an answer to an older one is dropped. */
  private generation = 0;
  private framedPlan: number | null = null;
  private labelsShown = false;

  constructor(
    private readonly map: MapLibreMap,
    private readonly deck: DeckOverlay,
    tiledGrids: LayerToggle | undefined,
  ) {
    this.alignedLayers = new AlignedGridLayers(map, map.getLayer('barrier-river') ? 'barrier-river' : undefined);
    this.overlayLayers = new OverlayGridLayers(map);
    this.proposalPanel = new ProposalPanel({
      preview: (balance) => this.preview(balance),
      clear: () => this.showProposal(null),
      accept: (balance, name) => this.accept(balance, name),
    });
    const tooltip = alignedGridTooltip(map, {
      name: (code) => this.analysis?.names.get(code) ?? null,
      alignment: (code) => this.analysis?.alignmentOf.get(code),
      overlay: (code) => this.analysis?.overlayOf.get(code),
      proposal: (code) => this.proposal?.rows.get(code),
    });
    this.presence = new ViewPresence(tiledGrids, tooltip, () =>
      void this.loadPlans().catch((error: Error) => this.conflicts.failed(error.message)),
    );
    const plans = element(
      'section',
      'panel-section',
      translatedElement('h2', 'police.plans.title'),
      this.comprehensivePicker.element,
      this.overlayPicker.element,
    );
    plans.id = 'police-plans';
    this.element = element('div', 'panel-scroll police', plans, this.conflicts.element, this.proposalPanel.element);
    this.element.id = 'police';
    addMapCards(map, 'police', this.legend.element);
    map.on('zoom', () => {
      if (this.active && this.labelsShown !== this.labelsWanted()) this.renderLabels();
    });
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
    this.alignedLayers.select(this.alignedLayers.gridAt(event.point) ?? null);
  }

  cursorAt(point: ScreenPoint): string {
    return this.alignedLayers.gridAt(point) ? 'pointer' : '';
  }

  /**
   * Lists the plans and analyses a pair: `overlayPlan` if given, else the choices kept, else the
   * published comprehensive plan and the newest police plan.
   */
  private async loadPlans(overlayPlan?: number): Promise<void> {
    const plans = await fetchLayerPlans();
    const overlays = plans.filter((plan) => OVERLAY_KINDS.includes(plan.layerKind));
    const newestPolice = overlays.filter((plan) => plan.layerKind === 'police').at(-1);
    this.comprehensivePicker.setPlans(
      plans.filter((plan) => plan.layerKind === 'comprehensive'),
      this.comprehensivePicker.chosen?.planId ?? publishedComprehensivePlan(plans)?.planId,
    );
    this.overlayPicker.setPlans(overlays, overlayPlan ?? this.overlayPicker.chosen?.planId ?? newestPolice?.planId);
    void this.analyse();
  }

  private async analyse(): Promise<void> {
    const generation = ++this.generation;
    const comprehensive = this.comprehensivePicker.chosen;
    const overlay = this.overlayPicker.chosen;
    this.analysis = null;
    this.proposal = null;
    this.proposalPanel.setReady(false);
    this.renderMap();
    if (!comprehensive || !overlay) return this.conflicts.clear();
    this.conflicts.loading();
    try {
      const [grids, overlays, alignment] = await Promise.all([
        fetchTilingGrids(comprehensive.planId),
        fetchLayerGrids(overlay.layerId, overlay.planId),
        fetchAlignment(comprehensive.planId, overlay.planId),
      ]);
      if (generation !== this.generation) return;
      const names = new Map(grids.features.map((grid) => [grid.properties.code, grid.properties.name]));
      this.analysis = {
        comprehensive,
        overlay,
        grids,
        overlays,
        alignment,
        labels: overlayLabelsOf(overlays),
        names,
        alignmentOf: new Map(alignment.grids.map((grid) => [grid.code, grid])),
        overlayOf: new Map(overlays.features.map((grid) => [grid.properties.code, grid.properties])),
      };
      this.conflicts.show(alignment, names);
      this.proposalPanel.setReady(true);
      this.renderMap();
      if (this.framedPlan !== comprehensive.planId && grids.features.length > 0) {
        this.framedPlan = comprehensive.planId;
        this.map.fitBounds(boundsOf(grids.features), { padding: FIT_PADDING });
      }
    } catch (error) {
      if (generation === this.generation) this.conflicts.failed((error as Error).message);
    }
  }

  private query(balance: WorkloadBalance | undefined): ProposalQuery {
    if (!this.analysis) throw new Error('no pair of plans is analysed');
    return { comprehensive: this.analysis.comprehensive.planId, overlay: this.analysis.overlay.planId, balance };
  }

  private async preview(balance: WorkloadBalance | undefined): Promise<Proposal> {
    const analysis = this.analysis;
    const proposal = await fetchProposal(this.query(balance));
    if (analysis === this.analysis) this.showProposal(proposal);
    return proposal;
  }

  private showProposal(proposal: Proposal | null): void {
    this.proposal = proposal && { proposal, rows: new Map(proposal.rows.map((row) => [row.code, row])) };
    this.renderMap();
  }

  /** Accepts the proposal, then lists the plans again with the new one as the overlay and analyses it. */
  private async accept(balance: WorkloadBalance | undefined, name: string | undefined): Promise<number> {
    const { planId } = await acceptProposal(this.query(balance), name);
    await this.loadPlans(planId);
    return planId;
  }

  private showGrid(code: string): void {
    const grid = this.analysis?.grids.features.find((feature) => feature.properties.code === code);
    if (!grid) return;
    this.alignedLayers.select(code);
    this.map.fitBounds(boundsOf([grid]), { padding: FIT_PADDING, maxZoom: GRID_MAX_ZOOM });
  }

  private renderMap(): void {
    const analysis = this.active ? this.analysis : null;
    if (!analysis) {
      this.alignedLayers.setGrids(null);
      this.alignedLayers.select(null);
      this.overlayLayers.setGrids(null);
      this.renderLabels();
      return this.legend.show(null);
    }
    const proposal = this.proposal?.proposal ?? null;
    const grids = alignedGrids(analysis.grids, analysis.alignment, proposal);
    this.alignedLayers.setGrids(grids);
    this.overlayLayers.setGrids(analysis.overlays);
    this.renderLabels();
    const overlays = analysis.overlays.features.length;
    if (proposal) return this.legend.show({ kind: 'proposal', changed: proposal.changed, overlays });
    const split = grids.features.filter((grid) => grid.properties.split).length;
    this.legend.show({ kind: 'conflicts', split, whole: grids.features.length - split, overlays });
  }

  private labelsWanted(): boolean {
    return this.map.getZoom() >= OVERLAY_LABEL_MIN_ZOOM;
  }

  private renderLabels(): void {
    const labels = this.active ? this.analysis?.labels : undefined;
    this.labelsShown = labels !== undefined && this.labelsWanted();
    this.deck.setLayers('police', labels && this.labelsShown ? [overlayLabelLayer(labels)] : []);
  }
}

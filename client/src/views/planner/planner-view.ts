import type { MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { fetchArea } from '../../api/gridatlas-api';
import { fetchUnits } from '../../api/planning-api';
import type { DiffCollection, TopologyIssue } from '../../api/planning-types';
import { t } from '../../i18n';
import { SuspendedToggle, type LayerToggle } from '../../layers/layer-toggle';
import { gridLabelLayer, gridLabelsOf, type GridLabel } from '../../layers/planner/grid-labels';
import { issueMarkerLayer } from '../../layers/planner/issue-marker';
import { PlanDiffLayers } from '../../layers/planner/plan-diff';
import { PLAN_GRID_OUTLINE_LAYER_ID, PlanGridLayers } from '../../layers/planner/plan-grids';
import { PlanUnitLayers } from '../../layers/planner/plan-units';
import { splitSketchLayers } from '../../layers/planner/split-sketch';
import { areaCodeAt, outlineArea } from '../../map/area-picking';
import { boundsOf } from '../../map/bounds';
import type { DeckOverlay } from '../../map/deck-overlay';
import { can } from '../access';
import { element } from '../dom';
import type { FeatureTooltip } from '../feature-tooltip';
import { addMapCards, type MapView, type ScreenPoint } from '../map-view';
import { Tabs } from '../tabs';
import { AreaPicker } from './area-picker';
import { BalanceLegend } from './balance-legend';
import { ComparePanel } from './compare-panel';
import { EditPanel } from './edit-panel';
import { EditTools, type EditState } from './edit-tools';
import { FiguresPanel } from './figures-panel';
import { gridTooltip } from './grid-tooltip';
import { PartitionRunner } from './partition-runner';
import { PlanSession, type EditOutcome, type OpenPlan } from './plan-session';
import { PlanSummary } from './plan-summary';
import { TopologyPanel } from './topology-panel';

type PlannerTab = 'topology' | 'edit' | 'compare';

/** Room left around what the map is framed on, in pixels; more at the bottom, where the legend and figures sit. */
const FIT_PADDING = { top: 40, bottom: 200, left: 40, right: 60 };
const ISSUE_MAX_ZOOM = 17;

/**
 * Grid planning (网格规划): choose an area, set household targets, run the partition and follow
 * its progress, then check the draft's topology, edit it (merge, split, paint) with live figures,
 * undo and redo, compare it with another plan of its layer and publish it.
 */
export class PlannerView implements MapView {
  readonly id = 'planner';
  readonly element: HTMLElement;

  private readonly session = new PlanSession();
  private readonly picker = new AreaPicker((code) => void this.pickArea(code));
  private readonly runner = new PartitionRunner((planId) => this.openPlan(planId));
  private readonly summary = new PlanSummary(
    () => this.session.publish(),
    () => this.zoomToPlan(),
  );
  private readonly topology = new TopologyPanel((issue) => this.showIssue(issue));
  private readonly tools: EditTools;
  private readonly editPanel: EditPanel;
  private readonly compare = new ComparePanel((diff) => {
    this.diff = diff;
    this.legend.setComparing(diff !== null);
    this.renderMap();
  });
  private readonly tabs: Tabs<PlannerTab>;
  private readonly figures = new FiguresPanel(() => this.session.open?.plan ?? null, () => can('audit:read'));
  private readonly legend = new BalanceLegend();
  private readonly tooltip: FeatureTooltip;

  private readonly gridLayers: PlanGridLayers;
  private readonly unitLayers: PlanUnitLayers;
  private readonly diffLayers: PlanDiffLayers;
  private labels: GridLabel[] = [];
  private diff: DiffCollection | null = null;
  private issueLocation: [number, number] | null = null;
  private area: { code: string; name: string } | null = null;
  /** The area being fetched after a pick; a later pick supersedes it. */
  private picking: string | null = null;
  private active = false;
  /** The published grids (vector tiles), hidden while planning so only the draft shows. */
  private readonly tiledGrids: SuspendedToggle;

  constructor(
    private readonly map: MapLibreMap,
    private readonly deck: DeckOverlay,
    tiledGrids: LayerToggle | undefined,
  ) {
    this.tiledGrids = new SuspendedToggle(tiledGrids);
    this.gridLayers = new PlanGridLayers(map, map.getLayer('barrier-river') ? 'barrier-river' : undefined);
    this.unitLayers = new PlanUnitLayers(map, PLAN_GRID_OUTLINE_LAYER_ID);
    this.diffLayers = new PlanDiffLayers(map);
    this.tooltip = gridTooltip(map);
    this.tools = new EditTools(this.session, {
      gridAt: (point) => this.gridLayers.gridAt(point),
      unitAt: (point) => this.unitLayers.unitAt(point),
      showUnits: (show) => this.showUnits(show),
      onChange: (state) => this.toolsChanged(state),
      onOutcome: (outcome) => this.showOutcome(outcome),
    });
    this.editPanel = new EditPanel(this.tools);
    this.tabs = new Tabs<PlannerTab>(
      [
        { id: 'topology', titleKey: 'planner.tab.topology', content: this.topology.element },
        { id: 'edit', titleKey: 'planner.tab.edit', content: this.editPanel.element },
        { id: 'compare', titleKey: 'planner.tab.compare', content: this.compare.element },
      ],
      (tab) => {
        if (tab !== 'edit') this.tools.setTool('select');
      },
    );
    const tabSection = element('section', 'panel-section planner-tabs', this.tabs.element);
    tabSection.hidden = true;
    this.session.onChange((open) => {
      tabSection.hidden = open === null;
      this.planChanged(open);
    });

    this.element = element(
      'div',
      'panel-scroll planner',
      this.picker.element,
      this.runner.element,
      this.summary.element,
      tabSection,
    );
    this.element.id = 'planner';
    addMapCards(map, 'planner', this.figures.element, this.legend.element);
    void this.picker.load();
  }

  activate(): void {
    this.active = true;
    outlineArea(this.map, this.area?.code ?? null);
    this.tiledGrids.suspend();
    this.tooltip.enable();
    this.renderMap();
  }

  deactivate(): void {
    this.active = false;
    outlineArea(this.map, null);
    this.tiledGrids.resume();
    this.tooltip.disable();
    this.tools.setTool('select');
    this.renderMap();
  }

  click(event: MapMouseEvent): void {
    if (this.session.open && this.tools.click(event.point, event.lngLat)) return;
    if (this.tools.current.tool !== 'select') return;
    const code = areaCodeAt(this.map, event.point);
    if (code) void this.pickArea(code);
  }

  cursorAt(point: ScreenPoint): string {
    const { tool, selected, target } = this.tools.current;
    if ((tool === 'split' && selected.length === 1) || (tool === 'paint' && target)) return 'crosshair';
    if (this.gridLayers.gridAt(point)) return 'pointer';
    return tool === 'select' && areaCodeAt(this.map, point) ? 'pointer' : '';
  }

  private async pickArea(code: string): Promise<void> {
    this.picking = code;
    outlineArea(this.map, code);
    const area = await fetchArea(code);
    if (this.picking !== code) return;
    this.area = { code, name: area.properties.name };
    this.picker.show(area);
    this.updateRunContext();
    if (!this.session.open) this.map.fitBounds(boundsOf([area]), { padding: FIT_PADDING });
  }

  private async openPlan(planId: number): Promise<void> {
    await this.session.load(planId);
    this.zoomToPlan();
  }

  private zoomToPlan(): void {
    const grids = this.session.open?.grids.features;
    if (grids?.length) this.map.fitBounds(boundsOf(grids), { padding: FIT_PADDING });
  }

  /** Tells the runner the area to partition and, when the open plan covers it, to base the new plan on it. */
  private updateRunContext(): void {
    const open = this.session.open;
    this.runner.setContext(
      this.area && {
        areaCode: this.area.code,
        areaName: this.area.name,
        basedOn: open?.plan.area_code === this.area.code ? open.plan.id : undefined,
      },
    );
  }

  private planChanged(open: OpenPlan | null): void {
    this.updateRunContext();
    this.labels = open ? gridLabelsOf(open.grids) : [];
    this.issueLocation = null;
    this.gridLayers.flag([]);
    this.summary.show(open);
    this.summary.element.dataset.planId = open ? String(open.plan.id) : '';
    this.topology.show(open?.issues ?? []);
    const errors = open?.issues.filter((issue) => issue.severity === 'error').length ?? 0;
    this.tabs.setBadge('topology', open ? String(open.issues.length) : null, errors > 0 ? 'alert' : 'neutral');
    this.editPanel.showPlan(open);
    void this.compare.showPlan(open?.plan ?? null);
    this.legend.show(open?.grids ?? null);
    if (this.tools.current.selected.length > 0 && this.figures.showsSelection()) {
      this.figures.show({ kind: 'selection', grids: this.session.figuresOf(this.tools.current.selected) });
    }
    this.renderMap();
  }

  private showIssue(issue: TopologyIssue): void {
    this.issueLocation = issue.location;
    this.gridLayers.flag(issue.gridCodes);
    const [west, south, east, north] = issue.bbox;
    this.map.fitBounds([west, south, east, north], { padding: FIT_PADDING, maxZoom: ISSUE_MAX_ZOOM });
    this.renderDeck();
  }

  private async showUnits(show: boolean): Promise<void> {
    const open = this.session.open;
    this.unitLayers.setUnits(show && open ? await fetchUnits(open.plan.id) : null);
  }

  private toolsChanged(state: EditState): void {
    this.editPanel.render();
    this.gridLayers.select(state.selected);
    this.unitLayers.setTarget(state.target);
    if (!state.busy) this.figures.show({ kind: 'selection', grids: this.session.figuresOf(state.selected) });
    this.renderDeck();
  }

  private showOutcome({ kind, result }: EditOutcome): void {
    const op = () => t(`edit.op.${result.edit.op}`);
    const title = kind === 'edit' ? op : () => t(`planner.figures.${kind}`, { op: op() });
    this.figures.show({
      kind,
      title,
      before: result.before,
      after: result.after,
      microGridsRemoved: result.microGridsRemoved,
      microGridsRestored: result.microGridsRestored,
    });
  }

  private renderMap(): void {
    const open = this.active ? this.session.open : null;
    this.gridLayers.setGrids(open?.grids ?? null);
    this.diffLayers.setDiff(open ? this.diff : null);
    this.renderDeck();
  }

  private renderDeck(): void {
    if (!this.active || !this.session.open) return this.deck.setLayers('planner', []);
    this.deck.setLayers('planner', [
      gridLabelLayer(this.labels),
      ...splitSketchLayers(this.tools.current.vertices),
      issueMarkerLayer(this.issueLocation),
    ]);
  }
}

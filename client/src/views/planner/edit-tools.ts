import type { LngLat } from 'maplibre-gl';
import type { EditRequest } from '../../api/planning-types';
import type { ScreenPoint } from '../map-view';
import type { EditOutcome, PlanSession } from './plan-session';

export type Tool = 'select' | 'merge' | 'split' | 'paint';

export interface EditState {
  tool: Tool;
  /** Grids picked: one to inspect or split, up to two to merge. */
  selected: string[];
  /** The split line drawn so far, [lng, lat] per click. */
  vertices: [number, number][];
  /** The grid that painted units move into. */
  target: string | null;
  busy: boolean;
  error: string | null;
}

/** What the tools need from the map and what they report back. */
export interface EditHooks {
  gridAt(point: ScreenPoint): string | undefined;
  unitAt(point: ScreenPoint): { id: number; gridCode: string } | undefined;
  /** Shows the plan's units (painting) or hides them (null). */
  showUnits(show: boolean): Promise<void>;
  onChange(state: EditState): void;
  onOutcome(outcome: EditOutcome): void;
}

const IDLE: Omit<EditState, 'tool'> = { selected: [], vertices: [], target: null, busy: false, error: null };

/**
 * The editing tools and what a click on the map means under each: select a grid; pick two grids
 * and merge them; pick a grid and click a line across it to split it; pick a target grid and click
 * units of other grids to paint them into it. Undo and redo go through the same session.
 */
export class EditTools {
  private state: EditState = { tool: 'select', ...IDLE };

  constructor(
    private readonly session: PlanSession,
    private readonly hooks: EditHooks,
  ) {}

  get current(): EditState {
    return this.state;
  }

  setTool(tool: Tool): void {
    const painting = tool === 'paint';
    if (painting !== (this.state.tool === 'paint')) void this.hooks.showUnits(painting);
    this.update({ tool, ...IDLE });
  }

  /** Forgets the picks and the line of the current tool. */
  clear(): void {
    this.update({ ...IDLE });
  }

  /** Handles a click on the map; true when the click meant something to the tool. */
  click(point: ScreenPoint, lngLat: LngLat): boolean {
    if (this.state.busy) return true;
    const grid = this.hooks.gridAt(point);
    switch (this.state.tool) {
      case 'select':
        if (!grid) return false;
        this.update({ selected: [grid], error: null });
        return true;
      case 'merge':
        if (!grid) return false;
        this.update({ selected: toggleKeepingTwo(this.state.selected, grid), error: null });
        return true;
      case 'split':
        if (this.state.selected.length === 0) {
          if (!grid) return false;
          this.update({ selected: [grid], error: null });
        } else {
          this.update({ vertices: [...this.state.vertices, [lngLat.lng, lngLat.lat]] });
        }
        return true;
      case 'paint':
        return this.paintClick(point, grid);
    }
  }

  canMerge(): boolean {
    return this.state.tool === 'merge' && this.state.selected.length === 2 && !this.state.busy;
  }

  canSplit(): boolean {
    return this.state.tool === 'split' && this.state.selected.length === 1 && this.state.vertices.length >= 2 && !this.state.busy;
  }

  async merge(): Promise<void> {
    const [a, b] = this.state.selected;
    if (!this.canMerge()) return;
    await this.run(() => this.session.edit({ op: 'merge', grids: [a, b] }));
  }

  async split(): Promise<void> {
    if (!this.canSplit()) return;
    const request: EditRequest = {
      op: 'split',
      grid: this.state.selected[0],
      line: { type: 'LineString', coordinates: this.state.vertices },
    };
    await this.run(() => this.session.edit(request));
  }

  async undo(): Promise<void> {
    await this.run(() => this.session.undo());
  }

  async redo(): Promise<void> {
    await this.run(() => this.session.redo());
  }

  private paintClick(point: ScreenPoint, grid: string | undefined): boolean {
    if (!this.state.target) {
      if (!grid) return false;
      this.update({ target: grid, selected: [grid], error: null });
      return true;
    }
    const unit = this.hooks.unitAt(point);
    if (!unit || unit.gridCode === this.state.target) return false;
    const target = this.state.target;
    void this.run(() => this.session.edit({ op: 'move_units', unitIds: [unit.id], toGrid: target }));
    return true;
  }

  /** Sends an edit, undo or redo; afterwards the touched grids are the selection. */
  private async run(send: () => Promise<EditOutcome>): Promise<void> {
    this.update({ busy: true, error: null });
    try {
      const outcome = await send();
      if (this.state.tool === 'paint') await this.hooks.showUnits(true);
      const touched = outcome.result.after.map((grid) => grid.code);
      const { target } = this.state;
      const keptTarget = target && this.session.figuresOf([target]).length > 0 ? target : null;
      this.update({ ...IDLE, selected: keptTarget ? [keptTarget] : touched, target: keptTarget });
      this.hooks.onOutcome(outcome);
    } catch (error) {
      this.update({ busy: false, error: (error as Error).message });
    }
  }

  private update(patch: Partial<EditState>): void {
    this.state = { ...this.state, ...patch };
    this.hooks.onChange(this.state);
  }
}

/** Adds `code` to a pick of at most two (dropping the oldest) or takes it out if already picked. */
function toggleKeepingTwo(picked: string[], code: string): string[] {
  if (picked.includes(code)) return picked.filter((other) => other !== code);
  return [...picked, code].slice(-2);
}

import {
  fetchEditHistory,
  fetchPlan,
  fetchPlanGrids,
  fetchTopology,
  postEdit,
  publishPlan,
  redoEdit,
  undoEdit,
} from '../../api/planning-api';
import type {
  EditRequest,
  EditResponse,
  GridCollection,
  GridFigures,
  PlanDetail,
  TopologyIssue,
} from '../../api/planning-types';
import { isStaleVersion } from '../../api/http';
import { t } from '../../i18n';

/** The plan being worked on, as last read from the server. */
export interface OpenPlan {
  plan: PlanDetail;
  grids: GridCollection;
  issues: TopologyIssue[];
  canUndo: boolean;
  canRedo: boolean;
}

/** What the last edit, undo or redo did. */
export interface EditOutcome {
  kind: 'edit' | 'undo' | 'redo';
  result: EditResponse;
}

type Listener = (open: OpenPlan | null) => void;

/**
 * The open plan and everything done to it: loads its figures, grids, topology and edit history,
 * sends edits, undo, redo and publish, and reloads after each, so every panel sees the same state.
 */
export class PlanSession {
  private current: OpenPlan | null = null;
  private readonly listeners = new Set<Listener>();

  get open(): OpenPlan | null {
    return this.current;
  }

  onChange(listener: Listener): void {
    this.listeners.add(listener);
  }

  async load(planId: number): Promise<OpenPlan> {
    const open = await readPlan(planId);
    this.set(open);
    return open;
  }

  async edit(request: EditRequest): Promise<EditOutcome> {
    const result = await this.write((planId, etag) => postEdit(planId, request, etag));
    await this.reload();
    return { kind: 'edit', result };
  }

  async undo(): Promise<EditOutcome> {
    const result = await this.write(undoEdit);
    await this.reload();
    return { kind: 'undo', result };
  }

  async redo(): Promise<EditOutcome> {
    const result = await this.write(redoEdit);
    await this.reload();
    return { kind: 'redo', result };
  }

  async publish(): Promise<void> {
    await this.write(publishPlan);
    await this.reload();
  }

  /** The current figures of some grids, in the order asked; codes no longer in the plan are skipped. */
  figuresOf(codes: string[]): GridFigures[] {
    const byCode = new Map(this.current?.grids.features.map((grid) => [grid.properties.code, grid.properties]));
    return codes.flatMap((code) => {
      const grid = byCode.get(code);
      return grid ? [grid] : [];
    });
  }

  /**
   * Sends a write with the ETag of the plan as last read; if someone changed the plan since
   * (409 stale_version), reloads it and fails with a message saying so, nothing written.
   */
  private async write<T>(send: (planId: number, etag: string) => Promise<T>): Promise<T> {
    const { plan } = this.require();
    try {
      return await send(plan.id, plan.etag);
    } catch (error) {
      if (!isStaleVersion(error)) throw error;
      await this.reload();
      throw new Error(t('planner.edit.stale'));
    }
  }

  private async reload(): Promise<void> {
    this.set(await readPlan(this.require().plan.id));
  }

  private require(): OpenPlan {
    if (!this.current) throw new Error('no plan is open');
    return this.current;
  }

  private set(open: OpenPlan | null): void {
    this.current = open;
    for (const listener of this.listeners) listener(open);
  }
}

async function readPlan(planId: number): Promise<OpenPlan> {
  const [plan, grids, topology, history] = await Promise.all([
    fetchPlan(planId),
    fetchPlanGrids(planId),
    fetchTopology(planId),
    fetchEditHistory(planId),
  ]);
  return { plan, grids, issues: topology.issues, canUndo: history.canUndo, canRedo: history.canRedo };
}

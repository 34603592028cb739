import { randomUUID } from 'node:crypto';
import { AppError } from '../http/errors';

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** What GET /api/jobs/:id answers. */
export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  /** 0–100 */
  progress: number;
  stage: string;
  /** seconds left, extrapolated from progress so far; null until there is something to go on */
  etaS: number | null;
  startedAt: string;
  finishedAt: string | null;
  result: unknown;
  error: { code: string; message: string } | null;
}

export interface JobContext {
  /** aborted by cancel(); long work checks it between steps (throwIfAborted) */
  signal: AbortSignal;
  progress(pct: number, stage?: string): void;
}

interface Job extends JobView {
  controller: AbortController;
  started: number;
}

/**
 * Long-running work (partitions of a street or district) with progress, ETA and cancel.
 * Jobs live in this process only: a restart forgets them, but what a finished job wrote
 * (a draft plan) is in the database.
 */
export class JobRegistry {
  private jobs = new Map<string, Job>();

  constructor(private readonly keep = 200) {}

  start(kind: string, run: (ctx: JobContext) => Promise<unknown>): JobView {
    const controller = new AbortController();
    const job: Job = {
      id: randomUUID(), kind, status: 'running', progress: 0, stage: 'queued', etaS: null,
      startedAt: new Date().toISOString(), finishedAt: null, result: null, error: null,
      controller, started: Date.now(),
    };
    this.jobs.set(job.id, job);
    this.forgetOld();
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (pct, stage) => {
        if (job.status !== 'running') return;
        job.progress = Math.max(job.progress, Math.min(99.9, pct));
        if (stage) job.stage = stage;
        const elapsed = (Date.now() - job.started) / 1000;
        job.etaS = job.progress >= 1 ? Math.round((elapsed * (100 - job.progress)) / job.progress) : null;
      },
    };
    // Run on the next turn so the caller can answer 202 before the work starts.
    setImmediate(() => {
      run(ctx).then(
        (result) => this.finish(job, 'done', { result }),
        (e: unknown) => {
          if (controller.signal.aborted) return this.finish(job, 'cancelled', {});
          if (e instanceof AppError) return this.finish(job, 'failed', { error: { code: e.code, message: e.message } });
          console.error(`job ${job.id} (${kind}) failed:`, e);
          this.finish(job, 'failed', { error: { code: 'internal', message: 'the job failed on an internal error (details in the server log)' } });
        },
      );
    });
    return this.view(job);
  }

  get(id: string): JobView | undefined {
    const job = this.jobs.get(id);
    return job && this.view(job);
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((j) => this.view(j)).reverse();
  }

  /** Asks a running job to stop; false when it is not running. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.status !== 'running') return false;
    job.controller.abort(new Error('cancelled'));
    job.stage = 'cancelling';
    return true;
  }

  private finish(job: Job, status: JobStatus, patch: Partial<JobView>) {
    Object.assign(job, patch, { status, finishedAt: new Date().toISOString(), etaS: 0 });
    if (status === 'done') job.progress = 100;
    job.stage = status;
  }

  private forgetOld() {
    const finished = [...this.jobs.values()].filter((j) => j.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, this.jobs.size - this.keep))) this.jobs.delete(j.id);
  }

  private view({ controller: _c, started: _s, ...rest }: Job): JobView {
    return { ...rest };
  }
}

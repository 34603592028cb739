import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { inScope, type Scope } from '../auth/scope';
import { AppError } from '../http/errors';
import { failRunningJobs, findJob, forgetOldJobs, insertJob, listJobs, updateJob, type JobRecord } from './jobs.repo';

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

/** Who started a job: `user:<id>` or `token:<id>`, and that principal's area (null: every area). */
export interface JobOwner {
  id: string;
  areaCode: string | null;
}

/**
 * Whose jobs a caller sees: its own (`owner`: `user:<id>` or `token:<id>`); with `ownersIn` (an
 * admin's scope) also those of the users and tokens whose area lies in it — an unbounded admin
 * sees every job, the server's own (no owner) included.
 */
export interface JobViewer {
  owner: string | null;
  ownersIn?: Scope;
}

/** Every job: for the server's own use (and what an admin of every area sees). */
export const ALL_JOBS: JobViewer = { owner: null, ownersIn: { areaCode: null, prefix: '' } };

const sees = (viewer: JobViewer, job: { owner: JobOwner | null }) =>
  viewer.ownersIn?.prefix === '' ||
  (job.owner !== null && (job.owner.id === viewer.owner || (!!viewer.ownersIn && job.owner.areaCode !== null && inScope(viewer.ownersIn, job.owner.areaCode))));

export interface JobContext {
  /** aborted by cancel(); long work checks it between steps (throwIfAborted) */
  signal: AbortSignal;
  progress(pct: number, stage?: string): void;
  /**
   * Records the job as done, with `result`, inside the transaction that writes its work: a crash
   * after that commit cannot leave the job marked running (and later `interrupted`) though its
   * work was kept. The job's final result, once `run` returns, replaces this one.
   */
  commit(trx: Knex.Transaction, result: unknown): Promise<void>;
}

interface Job extends JobView {
  /** who started it, null for the server's own jobs */
  owner: JobOwner | null;
  controller: AbortController;
  started: number;
  /** the write of this job's row under way, if any; `dirty`: the state changed since it began */
  writing: Promise<void> | null;
  dirty: boolean;
  lastWrite: number;
  lastWriteOk: boolean;
}

/** Progress is written to the jobs table at most this often (and on every change of stage). */
export const PROGRESS_WRITE_MS = 500;
/** A job's final state is written again on failure (the database away), waiting up to this long between tries… */
const FINAL_RETRY_MAX_MS = 30_000;
/** …for this long in all; past it the row stays `running` and the next start marks it interrupted. */
const FINAL_RETRY_FOR_MS = 10 * 60_000;

/**
 * Long-running work (partitions of a street or district) with progress, ETA and cancel.
 * With a database (`JobRegistry.open`), every job is a row of `jobs`: its status, progress (written
 * at most every PROGRESS_WRITE_MS and on each change of stage), stage, result and error outlive
 * the process, and opening the registry marks the jobs a stopped process left running as failed
 * with the code `interrupted` (their work is written in one transaction, so none of it was kept).
 * One server per database is assumed: a second one starting would mark the first's jobs too.
 * Without a database (`new JobRegistry()`) jobs live in this process only.
 */
export class JobRegistry {
  private jobs = new Map<string, Job>();

  constructor(private readonly knex?: Knex, private readonly keep = 200) {}

  /**
   * The registry of a server starting on `knex`: the jobs left running by a previous process are
   * marked failed (`interrupted`) and finished ones past the newest 1,000 forgotten.
   */
  static async open(knex: Knex, opts: { onInterrupted?: (ids: string[]) => void } = {}): Promise<JobRegistry> {
    const interrupted = await failRunningJobs(knex);
    if (interrupted.length) opts.onInterrupted?.(interrupted);
    await forgetOldJobs(knex, 1000);
    return new JobRegistry(knex);
  }

  /**
   * Starts `run` on the next turn; the job's row is written first, so a GET finds it at once.
   * `owner` (null: the server's own) is who may see it besides admins of its area.
   */
  async start(kind: string, run: (ctx: JobContext) => Promise<unknown>, owner: JobOwner | null): Promise<JobView> {
    const controller = new AbortController();
    const job: Job = {
      id: randomUUID(), kind, owner, status: 'running', progress: 0, stage: 'queued', etaS: null,
      startedAt: new Date().toISOString(), finishedAt: null, result: null, error: null,
      controller, started: Date.now(), writing: null, dirty: false, lastWrite: Date.now(), lastWriteOk: true,
    };
    if (this.knex) await insertJob(this.knex, record(job), owner?.id ?? null);
    this.jobs.set(job.id, job);
    this.forgetOld();
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (pct, stage) => {
        if (job.status !== 'running') return;
        job.progress = Math.max(job.progress, Math.min(99.9, pct));
        const newStage = stage !== undefined && stage !== job.stage;
        if (stage) job.stage = stage;
        const elapsed = (Date.now() - job.started) / 1000;
        job.etaS = job.progress >= 1 ? Math.round((elapsed * (100 - job.progress)) / job.progress) : null;
        if (newStage || Date.now() - job.lastWrite >= PROGRESS_WRITE_MS) void this.persist(job);
      },
      commit: async (trx, result) => {
        if (!this.knex) return;
        await updateJob(trx, { ...record(job), status: 'done', progress: 100, stage: 'done', finishedAt: new Date().toISOString(), result, error: null });
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
          return this.finish(job, 'failed', { error: { code: 'internal', message: 'the job failed on an internal error (details in the server log)' } });
        },
      );
    });
    return this.view(job);
  }

  /** A job of this process, else the stored one (of an earlier process); undefined when the viewer may not see it. */
  async get(id: string, viewer: JobViewer): Promise<JobView | undefined> {
    const job = this.jobs.get(id);
    if (job) return sees(viewer, job) ? this.view(job) : undefined;
    const stored = this.knex && (await findJob(this.knex, id, viewer));
    return stored && storedView(stored);
  }

  /** The newest jobs the viewer may see (at most `keep`), newest first; those of this process as it knows them. */
  async list(viewer: JobViewer): Promise<JobView[]> {
    const mine = [...this.jobs.values()].reverse().filter((j) => sees(viewer, j));
    if (!this.knex) return mine.map((j) => this.view(j));
    const stored = await listJobs(this.knex, this.keep, viewer);
    return stored.map((s) => {
      const job = this.jobs.get(s.id);
      return job ? this.view(job) : storedView(s);
    });
  }

  /** Asks a running job of this process to stop; false when it is not running here. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.status !== 'running') return false;
    job.controller.abort(new Error('cancelled'));
    job.stage = 'cancelling';
    void this.persist(job);
    return true;
  }

  private async finish(job: Job, status: JobStatus, patch: Partial<JobView>) {
    Object.assign(job, patch, { status, finishedAt: new Date().toISOString(), etaS: 0 });
    if (status === 'done') job.progress = 100;
    job.stage = status;
    // the final state matters more than progress: it is tried again while the database is away
    const t0 = Date.now();
    for (let wait = 1000; ; wait = Math.min(2 * wait, FINAL_RETRY_MAX_MS)) {
      if (await this.persist(job)) return;
      if (Date.now() - t0 > FINAL_RETRY_FOR_MS) {
        console.error(`job ${job.id}: its final state (${status}) could not be written; the next start marks it interrupted`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }

  /**
   * Writes the job's row, one write at a time per job: a change while one is under way is written
   * once it is done, with the state as it is then. Answers whether the last write succeeded; a
   * failure (the database away) is logged, and the job runs on.
   */
  private async persist(job: Job): Promise<boolean> {
    if (!this.knex) return true;
    if (job.writing) {
      job.dirty = true; // the write under way writes again when it is done
      await job.writing;
      return job.lastWriteOk;
    }
    const knex = this.knex;
    job.writing = (async () => {
      do {
        job.dirty = false;
        job.lastWrite = Date.now();
        try {
          // progress is written only while the row is running: see updateJob
          await updateJob(knex, record(job), { onlyIfRunning: job.status === 'running' });
          job.lastWriteOk = true;
        } catch (e) {
          job.lastWriteOk = false;
          console.error(`job ${job.id}: writing its state failed: ${(e as Error).message}`);
        }
      } while (job.dirty);
      job.writing = null;
    })();
    await job.writing;
    return job.lastWriteOk;
  }

  private forgetOld() {
    const finished = [...this.jobs.values()].filter((j) => j.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, this.jobs.size - this.keep))) this.jobs.delete(j.id);
  }

  private view(job: Job): JobView {
    return { ...record(job), etaS: job.etaS };
  }
}

function record(job: Job): JobRecord {
  const { id, kind, status, progress, stage, startedAt, finishedAt, result, error } = job;
  return { id, kind, status, progress, stage, startedAt, finishedAt, result, error };
}

/** A job of an earlier process: finished ones have no time left; a running one's ETA is unknown here. */
const storedView = (s: JobRecord): JobView => ({ ...s, etaS: s.status === 'running' ? null : 0 });

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { ALL_JOBS, JobRegistry, type JobContext, type JobView } from '../../server/jobs/job-registry';
import { INTERRUPTED } from '../../server/jobs/jobs.repo';
import { createTestDb } from '../helpers/db';

let db: Db;
beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => { await db?.close(); });

const row = async (id: string) => (await db.knex('jobs').where({ id }).first()) as { status: string; stage: string; progress: number; error_code: string | null; result: unknown } | undefined;
const until = async (what: () => Promise<boolean>, ms = 5000) => {
  for (const t0 = Date.now(); !(await what()); ) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
/** A job that runs until `release` is called; `started` resolves with its context once it runs. */
function heldJob() {
  let release!: (v: unknown) => void;
  let ran!: (ctx: JobContext) => void;
  const started = new Promise<JobContext>((r) => { ran = r; });
  const finished = new Promise((r) => { release = r; });
  const run = (ctx: JobContext) => { ran(ctx); return finished; };
  return { run, started, release: (v: unknown) => release(v) };
}

describe('JobRegistry on a database', () => {
  it('when a job is started, then its row is there before it runs, follows its stages and ends with its result', async () => {
    const jobs = await JobRegistry.open(db.knex);
    const held = heldJob();
    const job = await jobs.start('test', held.run, null);
    expect((await row(job.id))?.status).toBe('running');
    const ctx = await held.started;
    ctx.progress(40, 'second stage');
    await until(async () => (await row(job.id))?.stage === 'second stage');
    held.release({ answer: 42 });
    await until(async () => (await row(job.id))?.status === 'done');
    expect(await row(job.id)).toMatchObject({ status: 'done', progress: 100, error_code: null });
    const again = await JobRegistry.open(db.knex);
    expect(await again.get(job.id, ALL_JOBS)).toMatchObject({ status: 'done', progress: 100, result: { answer: 42 }, error: null, etaS: 0 });
    expect((await again.list(ALL_JOBS)).map((j) => j.id)).toContain(job.id);
  });

  it('when progress is reported many times a second in one stage, then the row is written at most every 500 ms', async () => {
    const jobs = await JobRegistry.open(db.knex);
    const held = heldJob();
    const job = await jobs.start('test', held.run, null);
    const ctx = await held.started;
    ctx.progress(1, 'counting');
    await until(async () => (await row(job.id))?.stage === 'counting');
    ctx.progress(50, 'counting');
    await new Promise((r) => setTimeout(r, 100));
    expect((await row(job.id))?.progress).toBe(1); // not yet written: within 500 ms of the last write
    expect((await jobs.get(job.id, ALL_JOBS))?.progress).toBe(50); // the process knows
    await new Promise((r) => setTimeout(r, 500));
    ctx.progress(60, 'counting');
    await until(async () => (await row(job.id))?.progress === 60);
    held.release(null);
    await until(async () => (await row(job.id))?.status === 'done');
  });

  it('when a server stops while a job runs, then the next one to open the database marks the job failed, interrupted, and answers it', async () => {
    const first = await JobRegistry.open(db.knex);
    const held = heldJob();
    const job = await first.start('partition', held.run, null); // never released: the "process" stops here
    await held.started;
    const ids: string[][] = [];
    const second = await JobRegistry.open(db.knex, { onInterrupted: (i) => ids.push(i) });
    expect(ids).toEqual([[job.id]]);
    const view = (await second.get(job.id, ALL_JOBS)) as JobView;
    expect(view).toMatchObject({ status: 'failed', stage: 'failed', error: INTERRUPTED, etaS: 0 });
    expect(view.finishedAt).not.toBeNull();
    expect(INTERRUPTED).toEqual({ code: 'interrupted', message: 'the server stopped while this job ran; nothing it was writing was kept — start it again' });
    expect(second.cancel(job.id)).toBe(false);
  });

  it('when a job commits its work, then the row says done in that transaction, and a rolled-back one leaves it running', async () => {
    const jobs = await JobRegistry.open(db.knex);
    const held = heldJob();
    const job = await jobs.start('test', held.run, null);
    const ctx = await held.started;
    await expect(db.knex.transaction(async (trx) => {
      await ctx.commit(trx, { planId: 1 });
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect((await row(job.id))?.status).toBe('running');
    await db.knex.transaction((trx) => ctx.commit(trx, { planId: 2 }));
    expect((await row(job.id))?.status).toBe('done');
    ctx.progress(70, 'late'); // a progress write after the commit does not set it back
    await new Promise((r) => setTimeout(r, 100));
    expect(await row(job.id)).toMatchObject({ status: 'done', stage: 'done' });
    held.release({ planId: 2, seconds: 1 });
    await until(async () => JSON.stringify((await row(job.id))?.result).includes('seconds'));
  });
});

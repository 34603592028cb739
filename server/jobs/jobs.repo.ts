import type { Knex } from 'knex';
import { scopeCondition } from '../auth/scope';
import type { JobStatus, JobView, JobViewer } from './job-registry';

/** What a job's row holds: its view without the ETA, which only the running process can tell. */
export type JobRecord = Omit<JobView, 'etaS'>;

/** The code and message of a job a stopped process left running. */
export const INTERRUPTED = {
  code: 'interrupted',
  message: 'the server stopped while this job ran; nothing it was writing was kept — start it again',
} as const;

interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  stage: string;
  started_at: Date | string;
  finished_at: Date | string | null;
  result: unknown;
  error_code: string | null;
  error_message: string | null;
}

const COLUMNS = ['id', 'kind', 'status', 'progress', 'stage', 'started_at', 'finished_at', 'result', 'error_code', 'error_message'];

const iso = (t: Date | string) => new Date(t).toISOString();
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function fromRow(r: JobRow): JobRecord {
  return {
    id: r.id, kind: r.kind, status: r.status, progress: Number(r.progress), stage: r.stage,
    startedAt: iso(r.started_at), finishedAt: r.finished_at === null ? null : iso(r.finished_at),
    result: r.result === null ? null : json(r.result),
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
  };
}

function toRow(job: JobRecord) {
  return {
    status: job.status, progress: job.progress, stage: job.stage, finished_at: job.finishedAt,
    // jsonb from a JSON text: the same on pg and PGlite, whatever the result holds
    result: job.result === null || job.result === undefined ? null : JSON.stringify(job.result),
    error_code: job.error?.code ?? null, error_message: job.error?.message ?? null, updated_at: new Date().toISOString(),
  };
}

export async function insertJob(knex: Knex, job: JobRecord, owner: string | null): Promise<void> {
  await knex('jobs').insert({ id: job.id, kind: job.kind, started_at: job.startedAt, owner, ...toRow(job) });
}

/**
 * The jobs the viewer may see: its own and, for an admin, those of the users and tokens (as they
 * are now) whose area lies in its scope; an unbounded admin's: every job.
 */
function seenBy(q: Knex.QueryBuilder, viewer: JobViewer) {
  const scope = viewer.ownersIn;
  if (scope?.prefix === '') return q;
  return q.where((w) => {
    w.where({ owner: viewer.owner });
    if (scope) {
      w.orWhereRaw(`owner in (select 'user:' || u.id from users u where ${scopeCondition('u.area_code', scope)}
                              union all select 'token:' || t.id from api_tokens t where ${scopeCondition('t.area_code', scope)})`);
    }
  });
}

/**
 * Writes a job's state. A progress write (`onlyIfRunning`) changes nothing once the row is no
 * longer running: a job marked done inside the transaction that wrote its work is not set back
 * by a progress write that waited for that transaction.
 */
export async function updateJob(knex: Knex | Knex.Transaction, job: JobRecord, opts: { onlyIfRunning?: boolean } = {}): Promise<void> {
  const q = knex('jobs').where({ id: job.id });
  if (opts.onlyIfRunning) q.andWhere({ status: 'running' });
  await q.update(toRow(job));
}

/** The job, when there is one with that id the viewer may see. */
export async function findJob(knex: Knex, id: string, viewer: JobViewer): Promise<JobRecord | undefined> {
  const row = await knex('jobs').select(COLUMNS).where({ id }).modify(seenBy, viewer).first();
  return row && fromRow(row as JobRow);
}

/** The newest `limit` jobs the viewer may see, newest first. */
export async function listJobs(knex: Knex, limit: number, viewer: JobViewer): Promise<JobRecord[]> {
  const rows = await knex('jobs').select(COLUMNS).modify(seenBy, viewer).orderBy('started_at', 'desc').limit(limit);
  return (rows as JobRow[]).map(fromRow);
}

/** Marks every job still `running` as failed with INTERRUPTED; answers their ids. */
export async function failRunningJobs(knex: Knex): Promise<string[]> {
  const now = new Date().toISOString();
  const rows = await knex('jobs').where({ status: 'running' })
    .update({ status: 'failed', stage: 'failed', finished_at: now, updated_at: now, error_code: INTERRUPTED.code, error_message: INTERRUPTED.message }, ['id']);
  return (rows as { id: string }[]).map((r) => r.id);
}

/** Deletes finished jobs past the newest `keep`. */
export async function forgetOldJobs(knex: Knex, keep: number): Promise<void> {
  await knex('jobs').whereNot({ status: 'running' })
    .whereNotIn('id', knex('jobs').select('id').orderBy('started_at', 'desc').limit(keep))
    .delete();
}

/**
 * Crash test b: the server SIGKILLed while a partition job writes its draft plan (the one
 * transaction of 85–100 %), started again: the job answers failed, code interrupted; no plan,
 * grid or unit of it was kept; the published plans tile as before; and the partition started
 * again runs to its end.
 */
import type { JobView } from '../../server/jobs/job-registry';
import { INTERRUPTED } from '../../server/jobs/jobs.repo';
import { planTableCounts, sameCounts, showCounts } from './invariants';
import { api, openTransactions, seconds, startCrashServer, waitFor, type CrashRun } from './support';

/** 龙潭街道, the street of the demo with the most communities (22): about 15 s of partitioning on PostgreSQL, 4 s of it writing. */
const STREET = '320113006000';
/** The job is killed once its progress passed this: inside the write transaction, some communities' grids written. */
const KILL_AT_PROGRESS = 88;

type Topology = { counts: Record<string, number> };

/** Topology counts (gaps, overlaps, …) of every published plan, by plan id. */
async function publishedTopology(run: CrashRun): Promise<Map<number, Record<string, number>>> {
  const { rows } = await run.knex.raw(`select id from grid_plans where status = 'published' order by id`);
  const out = new Map<number, Record<string, number>>();
  for (const { id } of rows as { id: number }[]) {
    const t = await api<Topology>(run, `/api/plans/${id}/topology`);
    if (t.status !== 200) throw new Error(`GET /api/plans/${id}/topology answered ${t.status}: ${JSON.stringify(t.body)}`);
    out.set(id, t.body.counts);
  }
  return out;
}

const showTopology = (t: Map<number, Record<string, number>>) =>
  [...t].map(([id, c]) => `plan ${id}: ${Object.entries(c).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(' ') || 'clean'}`).join('; ');

export async function partitionCrash(run: CrashRun): Promise<void> {
  const { checks } = run;
  const planName = `crash ${Date.now().toString(36)}`;
  const tablesBefore = await planTableCounts(run.knex);
  const topologyBefore = await publishedTopology(run);
  const { rows: [comprehensive] } = await run.knex.raw(
    `select p.id from grid_plans p join grid_layers l on l.id = p.layer_id where l.kind = 'comprehensive' and p.status = 'published'`);

  const started = await api<JobView>(run, '/api/planning/partition', { method: 'POST', body: JSON.stringify({ areaCode: STREET, plan: planName }) });
  if (started.status !== 202) {
    checks.check('partition: the job starts (202)', false, `${started.status} ${JSON.stringify(started.body)}`);
    return;
  }
  const { id } = started.body;
  const t0 = performance.now();
  const writing = await waitFor(`job ${id} to pass ${KILL_AT_PROGRESS} %`, async () => {
    const job = (await api<JobView>(run, `/api/jobs/${id}`)).body;
    if (job.status !== 'running') throw new Error(`the job ended (${job.status}) before it could be killed at ${KILL_AT_PROGRESS} %: ${JSON.stringify(job.error)}`);
    return job.progress >= KILL_AT_PROGRESS ? job : undefined;
  }, 300_000, 50).catch((e: Error) => e);
  if (writing instanceof Error) {
    checks.fail(`partition: the server was killed while the job wrote its plan`, writing);
    return;
  }
  const open = (await openTransactions(run)).filter((t) => /grid/i.test(t.query));
  const { rows: [stored] } = await run.knex.raw('select status, progress, stage from jobs where id = ?', [id]);
  await run.server.kill('SIGKILL');
  const tKill = performance.now();
  checks.check(`partition: SIGKILL after ${seconds(tKill - t0)}, the job at ${writing.progress.toFixed(1)} % (${writing.stage}), its write transaction open (${open.length} session: ${open[0]?.state ?? 'none'}, ${open[0] ? seconds(1000 * open[0].xactS) : ''} old)`,
    writing.stage === 'writing' && open.length === 1, JSON.stringify({ writing, open }));
  checks.check(`partition: the job's row followed it while it ran (${stored?.status} at ${Number(stored?.progress).toFixed(1)} %, ${stored?.stage})`,
    stored?.status === 'running' && Number(stored.progress) >= 85 && stored.stage === 'writing', JSON.stringify(stored));

  await waitFor('the killed server\'s transaction to end', async () => ((await openTransactions(run)).length === 0 ? true : undefined), 60_000, 200).catch(() => undefined);
  const tStart = performance.now();
  run.server = await startCrashServer(run.dbUrl);
  checks.check(`partition: the server starts again on the same database (${seconds(performance.now() - tStart)})`, run.server.running());
  checks.check('partition: the restarted server says it marked the job interrupted', run.server.output().includes(id), run.server.output().split('\n').slice(-10).join('\n'));

  const job = await api<JobView>(run, `/api/jobs/${id}`);
  checks.check(`partition: GET /api/jobs/${id.slice(0, 8)}… answers the job failed, code interrupted, after the restart`,
    job.status === 200 && job.body.status === 'failed' && job.body.error?.code === INTERRUPTED.code && job.body.error?.message === INTERRUPTED.message && job.body.finishedAt !== null,
    `${job.status} ${JSON.stringify(job.body)}`);
  const list = await api<JobView[]>(run, '/api/jobs');
  checks.check('partition: GET /api/jobs lists it, failed', list.status === 200 && list.body.some((j) => j.id === id && j.status === 'failed'), JSON.stringify(list.body).slice(0, 300));

  const tablesAfter = await planTableCounts(run.knex);
  checks.check(`partition: nothing of the plan was kept (${showCounts(tablesAfter)})`, sameCounts(tablesBefore, tablesAfter),
    `before ${showCounts(tablesBefore)}; after ${showCounts(tablesAfter)}`);
  const { rows: [{ named }] } = await run.knex.raw('select count(*)::int as named from grid_plans where name = ?', [planName]);
  checks.check(`partition: no plan named '${planName}'`, named === 0, `${named} plans`);
  const topologyAfter = await publishedTopology(run);
  const cleanComprehensive = topologyAfter.get(comprehensive?.id)?.gap === 0 && topologyAfter.get(comprehensive?.id)?.overlap === 0;
  checks.check(`partition: the published plans tile as before, the comprehensive one with no gap or overlap (${showTopology(topologyAfter)})`,
    JSON.stringify([...topologyBefore]) === JSON.stringify([...topologyAfter]) && cleanComprehensive,
    `before ${showTopology(topologyBefore)}; after ${showTopology(topologyAfter)}`);

  // started again, the partition runs to its end and its plan tiles the street
  const tAgain = performance.now();
  const again = await api<JobView>(run, '/api/planning/partition', { method: 'POST', body: JSON.stringify({ areaCode: STREET, plan: planName }) });
  const done = again.status === 202
    ? await waitFor('the partition started again to end', async () => {
      const j = (await api<JobView>(run, `/api/jobs/${again.body.id}`)).body;
      return j.status === 'running' ? undefined : j;
    }, 300_000, 250).catch((e: Error) => e)
    : new Error(`${again.status} ${JSON.stringify(again.body)}`);
  if (done instanceof Error || done.status !== 'done') {
    checks.fail('partition: started again after the restart, the job ends done', done instanceof Error ? done : new Error(JSON.stringify(done)));
    return;
  }
  const planId = (done.result as { planId: number }).planId;
  const topology = await api<Topology>(run, `/api/plans/${planId}/topology`);
  const counts = topology.body.counts ?? {};
  const tablesDone = await planTableCounts(run.knex);
  checks.check(`partition: started again, the job ends done (${seconds(performance.now() - tAgain)}), its draft plan ${planId} tiles the street: no gap, overlap or grid across a community (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')})`,
    topology.status === 200 && counts.gap === 0 && counts.overlap === 0 && counts.across_parent === 0 && counts.outside_parent === 0
      && tablesDone.grid_plans === tablesBefore.grid_plans + 1 && tablesDone.draft_plans === tablesBefore.draft_plans + 1,
    `${topology.status} ${JSON.stringify(topology.body).slice(0, 300)}; tables ${showCounts(tablesDone)}`);
}

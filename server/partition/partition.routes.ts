import { scopeOfRequest } from '../auth/principal';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { jsonBody } from '../http/body-limits';
import { badRequest } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { vertexLimitProblem } from '../geo/vertex-count';
import { partitionRequest } from '../planning/planning.schema';
import { jobOwner } from '../jobs/job-viewer';
import { communitiesUnder, requirePartitionInScope } from './partition.repo';
import { partitionArea } from './partition.service';

export function partitionRoutes({ db, jobs, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  router.use('/planning', jsonBody(config.JSON_LIMIT_MB));
  add({ method: 'post', path: '/planning/partition', access: 'plans:edit', summary: 'Partitions a community, street or district into a draft plan of comprehensive, dedicated and micro grids; answers 202 with the job', tag: 'planning', status: 202 }, async (req, res) => {
    const request = parseOr400(partitionRequest, req.body ?? {}, 'body');
    for (const [i, f] of (request.dedicated?.features ?? []).entries()) {
      const problem = vertexLimitProblem((f as { geometry?: unknown } | null)?.geometry, config.MAX_VERTICES);
      if (problem) throw badRequest('too_many_vertices', `dedicated feature ${i}: ${problem}`, { feature: i, maxVertices: config.MAX_VERTICES });
    }
    await requirePartitionInScope(db.knex, request, scopeOfRequest(req));
    await communitiesUnder(db.knex, request.areaCode); // a missing area is a 404 now, not a failed job
    const job = await jobs.start('partition', (ctx) => partitionArea(db, request, ctx), jobOwner(req));
    res.status(202).location(`/api/jobs/${job.id}`).json(job);
  });
  return router;
}

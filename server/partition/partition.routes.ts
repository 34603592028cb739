import express from 'express';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { parseOr400 } from '../http/validate';
import { partitionRequest } from '../planning/planning.schema';
import { communitiesUnder } from './partition.repo';
import { partitionArea } from './partition.service';

export function partitionRoutes({ db, jobs }: AppDeps) {
  const { router, add } = apiRouter('/api');
  router.use('/planning', express.json({ limit: '20mb' }));
  add({ method: 'post', path: '/planning/partition', summary: 'Partitions a community, street or district into a draft plan of comprehensive, dedicated and micro grids; answers 202 with the job', tag: 'planning', status: 202 }, async (req, res) => {
    const request = parseOr400(partitionRequest, req.body ?? {}, 'body');
    await communitiesUnder(db.knex, request.areaCode); // a missing area is a 404 now, not a failed job
    const job = jobs.start('partition', (ctx) => partitionArea(db, request, ctx));
    res.status(202).location(`/api/jobs/${job.id}`).json(job);
  });
  return router;
}

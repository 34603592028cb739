import { z } from 'zod';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { AppError, notFound } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { jobViewer } from './job-viewer';

const jobId = z.object({ id: z.uuid() });

export function jobRoutes({ jobs }: AppDeps) {
  const { router, add } = apiRouter('/api');
  add({ method: 'get', path: '/jobs', access: 'jobs:read', summary: "The newest jobs (kept across restarts), newest first: the caller's own, an admin's every job", tag: 'jobs' }, async (req, res) => {
    res.json(await jobs.list(jobViewer(req)));
  });
  add({ method: 'get', path: '/jobs/:id', access: 'jobs:read', summary: "A job's status, progress (percent), ETA and result; one a restart interrupted is failed with the code interrupted", tag: 'jobs' }, async (req, res) => {
    const { id } = parseOr400(jobId, req.params, 'path');
    const job = await jobs.get(id, jobViewer(req));
    if (!job) throw notFound(`job ${id}`);
    res.json(job);
  });
  add({ method: 'post', path: '/jobs/:id/cancel', access: 'jobs:read', summary: 'Cancels a running job; what it was writing is rolled back', tag: 'jobs', status: 202 }, async (req, res) => {
    const { id } = parseOr400(jobId, req.params, 'path');
    const viewer = jobViewer(req);
    const job = await jobs.get(id, viewer);
    if (!job) throw notFound(`job ${id}`);
    if (!jobs.cancel(id)) throw new AppError(409, 'job_not_running', `job ${id} is ${job.status}, not running`);
    res.status(202).json(await jobs.get(id, viewer));
  });
  return router;
}

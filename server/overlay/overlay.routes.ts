import { z } from 'zod';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { notFound } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { alignment } from './alignment.repo';

const alignmentQuery = z.object({
  comprehensive: z.coerce.number().int().positive().describe('plan id of the comprehensive grids'),
  overlay: z.coerce.number().int().positive().describe('plan id of the overlay layer (police, emergency, …)'),
});

export function overlayRoutes({ db }: AppDeps) {
  const { router, add } = apiRouter('/api');
  add({ method: 'get', path: '/overlay/alignment', summary: 'How an overlay plan aligns with comprehensive grids: shares per grid, grids inside / split per overlay grid, layer figures', tag: 'overlay', query: alignmentQuery }, async (req, res) => {
    const q = parseOr400(alignmentQuery, req.query);
    for (const id of [q.comprehensive, q.overlay]) {
      const { rows } = await db.knex.raw('select 1 from grid_plans where id = ?', [id]);
      if (!rows.length) throw notFound(`plan ${id}`);
    }
    res.json(await alignment(db.knex, q.comprehensive, q.overlay));
  });
  return router;
}

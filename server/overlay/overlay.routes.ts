import { z } from 'zod';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { notFound } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { alignment } from './alignment.repo';
import { crosswalk, crosswalkCsv } from './crosswalk';

const alignmentQuery = z.object({
  comprehensive: z.coerce.number().int().positive().describe('plan id of the comprehensive grids'),
  overlay: z.coerce.number().int().positive().describe('plan id of the overlay layer (police, emergency, …)'),
});

const crosswalkQuery = z.object({
  comprehensive: z.coerce.number().int().positive().describe('plan id of the comprehensive grids'),
  overlays: z.string().regex(/^\d+(,\d+)*$/, 'a comma-separated list of plan ids').transform((s) => s.split(',').map(Number))
    .describe('plan ids of the overlay layers, comma-separated'),
  format: z.enum(['json', 'csv']).default('json'),
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
  add({ method: 'get', path: '/overlay/crosswalk', summary: 'Fusion crosswalk (多网融合): per comprehensive grid, the grid of each overlay layer that covers it, or "split"', tag: 'overlay', query: crosswalkQuery }, async (req, res) => {
    const q = parseOr400(crosswalkQuery, req.query);
    const layers: { planId: number; name: string }[] = [];
    for (const id of [q.comprehensive, ...q.overlays]) {
      const { rows } = await db.knex.raw('select l.name from grid_plans p join grid_layers l on l.id = p.layer_id where p.id = ?', [id]);
      if (!rows.length) throw notFound(`plan ${id}`);
      if (id !== q.comprehensive) layers.push({ planId: id, name: rows[0].name });
    }
    const rows = await crosswalk(db.knex, q.comprehensive, q.overlays);
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`crosswalk-${q.comprehensive}.csv`).send(crosswalkCsv(rows, layers));
      return;
    }
    res.json({ layers, rows });
  });
  return router;
}

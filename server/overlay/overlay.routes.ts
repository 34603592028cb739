import { z } from 'zod';
import { scopeOfRequest } from '../auth/principal';
import type { Scope } from '../auth/scope';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { jsonBody } from '../http/body-limits';
import { notFound } from '../http/errors';
import { parseOr400 } from '../http/validate';
import { planHead } from '../plans/plans.repo';
import { alignment } from './alignment.repo';
import { crosswalk, crosswalkCsv } from './crosswalk';
import { generateLayer, generateLayerBody } from './generate-layer';
import { acceptProposal, proposeAlignment } from './proposal';

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

const balanceFields = {
  balance: z.enum(['households']).optional().describe('balance the workload (households) across overlay grids'),
  tolerance: z.coerce.number().min(0.01).max(1).default(0.2).describe('with balance: aim for mean × (1 ± tolerance) households per overlay grid'),
};
const proposalQuery = alignmentQuery.extend(balanceFields);
const acceptBody = alignmentQuery.extend({ name: z.string().trim().min(1).max(200).optional(), ...balanceFields });
const proposalOptions = (q: { balance?: 'households'; tolerance: number }) => (q.balance ? { balance: { tolerance: q.tolerance } } : {});

export function overlayRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  router.use(['/overlay/proposal', '/overlay/generate'], jsonBody(config.JSON_LIMIT_MB));
  /** 404 for a plan that does not exist or is not visible in the scope; the analyses then hold the scope's comprehensive grids only. */
  const requirePlans = async (scope: Scope, ...ids: number[]) => {
    for (const id of ids) {
      if (!(await planHead(db.knex, id, scope))) throw notFound(`plan ${id}`);
    }
  };
  add({ method: 'get', path: '/overlay/alignment', access: 'overlay:read', summary: 'How an overlay plan aligns with comprehensive grids: shares per grid, grids inside / split per overlay grid, layer figures', tag: 'overlay', query: alignmentQuery }, async (req, res) => {
    const q = parseOr400(alignmentQuery, req.query);
    const scope = scopeOfRequest(req);
    await requirePlans(scope, q.comprehensive, q.overlay);
    res.json(await alignment(db.knex, q.comprehensive, q.overlay, scope));
  });
  add({ method: 'get', path: '/overlay/proposal', access: 'overlay:read', summary: 'Aligned proposal: each comprehensive grid whole in one overlay grid (most households), overlay grids contiguous, workload optionally balanced; which grids change', tag: 'overlay', query: proposalQuery }, async (req, res) => {
    const q = parseOr400(proposalQuery, req.query);
    const scope = scopeOfRequest(req);
    await requirePlans(scope, q.comprehensive, q.overlay);
    const proposal = await proposeAlignment(db.knex, q.comprehensive, q.overlay, scope, proposalOptions(q));
    res.json({ ...proposal, changed: proposal.rows.filter((r) => r.changed).length, overlayGrids: new Set(proposal.rows.map((r) => r.proposed)).size });
  });
  add({ method: 'post', path: '/overlay/proposal/accept', access: 'overlay:edit', summary: "Accepts the aligned proposal as a new draft plan of the overlay's layer (each overlay grid the union of its comprehensive grids)", tag: 'overlay', status: 201 }, async (req, res) => {
    const body = parseOr400(acceptBody, req.body ?? {}, 'body');
    const scope = scopeOfRequest(req);
    await requirePlans(scope, body.comprehensive, body.overlay);
    const name = body.name ?? `aligned ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`;
    const proposal = await proposeAlignment(db.knex, body.comprehensive, body.overlay, scope, proposalOptions(body));
    const { planId, check } = await acceptProposal(db.knex, body.comprehensive, body.overlay, proposal, name, scope);
    res.status(201).json({ planId, changed: proposal.rows.filter((r) => r.changed).length, workload: proposal.workload, check });
  });
  add({ method: 'post', path: '/overlay/generate', access: 'overlay:edit', summary: 'Generates an emergency, safety or departmental layer as unions of whole comprehensive grids: per community, per street, or a target count balanced by households', tag: 'overlay', status: 201 }, async (req, res) => {
    const body = parseOr400(generateLayerBody, req.body ?? {}, 'body');
    res.status(201).json(await generateLayer(db.knex, body, scopeOfRequest(req)));
  });
  add({ method: 'get', path: '/overlay/crosswalk', access: 'overlay:read', summary: 'Fusion crosswalk (多网融合): per comprehensive grid, the grid of each overlay layer that covers it, or "split"', tag: 'overlay', query: crosswalkQuery }, async (req, res) => {
    const q = parseOr400(crosswalkQuery, req.query);
    const scope = scopeOfRequest(req);
    await requirePlans(scope, q.comprehensive, ...q.overlays);
    const { rows: named } = await db.knex.raw('select p.id, l.name from grid_plans p join grid_layers l on l.id = p.layer_id where p.id = any(?::int[])', [q.overlays]);
    const layers = q.overlays.map((planId) => ({ planId, name: named.find((r: { id: number }) => r.id === planId).name as string }));
    const rows = await crosswalk(db.knex, q.comprehensive, q.overlays, scope);
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`crosswalk-${q.comprehensive}.csv`).send(crosswalkCsv(rows, layers));
      return;
    }
    res.json({ layers, rows });
  });
  return router;
}

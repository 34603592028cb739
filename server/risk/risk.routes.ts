import type { Request } from 'express';
import { getResolution } from 'h3-js';
import { scopeOfRequest, seesDetails } from '../auth/principal';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { parseOr400 } from '../http/validate';
import { gridRisk, gridTimeline } from './grid-risk';
import { eventRange, windowSums } from './heatmap.repo';
import { heatmap, resolveWindow, type HeatmapAccess } from './heatmap.service';
import { DEFAULT_RISK_MODEL } from './risk-model';
import { cellParams, gridsRiskQuery, heatmapQuery, timelineQuery, windowQuery } from './risk.schema';

export function riskRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  // events:read shows small counts; the scope decides which events count
  const access = (req: Request): Required<HeatmapAccess> => ({ details: seesDetails(req), suppressBelow: config.SUPPRESS_BELOW, scope: scopeOfRequest(req) });

  add({ method: 'get', path: '/heatmap', access: 'risk:read', summary: 'H3 heatmap of events: counts, risk index or Gi* hot spots per cell for a bbox, time window and event types, at a resolution from the zoom; column-wise', tag: 'risk', query: heatmapQuery }, async (req, res) => {
    res.json(await heatmap(db.knex, parseOr400(heatmapQuery, req.query), access(req), { cacheCells: config.HEATMAP_CACHE_CELLS }));
  });

  add({ method: 'get', path: '/heatmap/range', access: 'risk:read', summary: "First and last day with events in the caller's area and the event types with their counts (for time sliders and filters)", tag: 'risk' }, async (req, res) => {
    res.json(await eventRange(db.knex, scopeOfRequest(req)));
  });

  add({ method: 'get', path: '/heatmap/cells/:cell', access: 'risk:read', summary: "One cell's events over a window by type and severity (hidden under the small-count threshold without detail access)", tag: 'risk', query: windowQuery }, async (req, res) => {
    const { cell } = parseOr400(cellParams, req.params, 'path');
    const q = parseOr400(windowQuery, req.query);
    const { details, suppressBelow, scope } = access(req);
    const window = await resolveWindow(db.knex, q, scope);
    const sums = await windowSums(db.knex, getResolution(cell), window, { each: q.types ?? null }, [cell], scope, { countsOnly: true });
    const byType = Object.fromEntries(sums.map((s) => [s.type, s.n.reduce((a, b) => a + b, 0)]));
    const bySeverity = [0, 1, 2, 3, 4].map((i) => sums.reduce((t, s) => t + s.n[i], 0));
    const events = bySeverity.reduce((a, b) => a + b, 0);
    if (!details && events < suppressBelow) {
      res.json({ cell, window, suppressed: true });
      return;
    }
    res.json({ cell, window, events, byType, bySeverity });
  });

  add({ method: 'get', path: '/risk/grids', access: 'risk:read', summary: 'Grids ranked by risk (events with decay plus hazard proximity) within their street and district, with a 0–100 risk index and safety index (平安指数)', tag: 'risk', query: gridsRiskQuery }, async (req, res) => {
    const q = parseOr400(gridsRiskQuery, req.query);
    const scope = scopeOfRequest(req);
    const window = await resolveWindow(db.knex, q, scope);
    res.json({ window, model: DEFAULT_RISK_MODEL, ...(await gridRisk(db.knex, window, q, DEFAULT_RISK_MODEL, scope)) });
  });

  add({ method: 'get', path: '/risk/grids/:code/timeline', access: 'risk:read', summary: "A grid's events per day, week or month and type", tag: 'risk', query: timelineQuery }, async (req, res) => {
    const q = parseOr400(timelineQuery, req.query);
    const scope = scopeOfRequest(req);
    res.json(await gridTimeline(db.knex, String(req.params.code), await resolveWindow(db.knex, q, scope), q.bucket, q.types, scope));
  });
  return router;
}

import express from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppDeps } from './deps';
import { errorHandler, notFound } from './http/errors';
import { rateLimit } from './http/rate-limit';
import { requestContext } from './http/request-context';
import { signedInOrPublic } from './http/api-router';
import { authenticator } from './auth/authenticate';
import { authRoutes } from './auth/auth.routes';
import { rejectNulInUrl } from './http/reject-nul';
import { securityHeaders } from './http/security-headers';
import { healthRoutes } from './health/health.routes';
import { areaRoutes } from './areas/areas.routes';
import { importRoutes } from './import/import.routes';
import { tileRoutes } from './tiles/tiles.routes';
import { openapiRoutes } from './openapi/openapi.routes';
import { jobRoutes } from './jobs/jobs.routes';
import { partitionRoutes } from './partition/partition.routes';
import { hazardRoutes } from './hazards/hazards.routes';
import { overlayRoutes } from './overlay/overlay.routes';
import { reachRoutes } from './reach/reach.routes';
import { eventRoutes } from './events/events.routes';
import { riskRoutes } from './risk/risk.routes';
import { planRoutes } from './plans/plans.routes';
import { editingRoutes } from './editing/editing.routes';
import { ogcRoutes } from './ogc/ogc.routes';
import { exportRoutes } from './export/export.routes';
import { auditRoutes } from './audit/audit.routes';

/** Builds the Express app without listening, so tests can bind it to port 0. */
export function buildApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.use(securityHeaders({ basemapUrl: deps.config.BASEMAP_URL }));
  const auth = authenticator(deps.db.knex);
  app.use(['/api', '/ogc', '/tiles'], requestContext, rejectNulInUrl, auth.middleware);
  // tiles and the client's files are not counted: one map view loads dozens of tiles at once
  if (deps.config.RATE_LIMIT_PER_MINUTE > 0) app.use(['/api', '/ogc'], rateLimit({ perMinute: deps.config.RATE_LIMIT_PER_MINUTE }));
  app.use(['/api', '/ogc', '/tiles'], signedInOrPublic);
  app.use('/api', healthRoutes(deps));
  app.use('/api', authRoutes(deps, auth));
  app.use('/api', exportRoutes(deps)); // before areaRoutes: /api/areas/export is not an area code
  app.use('/api', areaRoutes(deps));
  app.use('/api/import', importRoutes(deps));
  app.use('/api', jobRoutes(deps));
  app.use('/api', partitionRoutes(deps));
  app.use('/api', hazardRoutes(deps));
  app.use('/api', overlayRoutes(deps));
  app.use('/api', reachRoutes(deps));
  app.use('/api', eventRoutes(deps));
  app.use('/api', riskRoutes(deps));
  app.use('/api', planRoutes(deps));
  app.use('/api', editingRoutes(deps));
  app.use('/api', auditRoutes(deps));
  app.use('/api', openapiRoutes());
  app.use('/tiles', tileRoutes(deps));
  app.use('/ogc', ogcRoutes(deps));
  app.use('/api', (req, _res, next) => next(notFound(`route ${req.method} /api${req.path}`)));

  const clientDir = path.resolve('dist/client');
  if (existsSync(clientDir)) app.use(express.static(clientDir));
  app.use(errorHandler);
  return app;
}

import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { tileSources } from '../tiles/sources';

export function healthRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  add({ method: 'get', path: '/health', access: 'public', summary: 'Service and database status', tag: 'meta' }, async (_req, res) => {
    const { rows } = await db.knex.raw('select postgis_lib_version() as postgis');
    res.json({ status: 'ok', backend: db.backend, postgis: rows[0].postgis });
  });
  add({ method: 'get', path: '/client-config', access: 'public', summary: 'Settings the web client needs (basemap URL)', tag: 'meta' }, async (_req, res) => {
    res.json({ basemapUrl: config.BASEMAP_URL ?? null });
  });
  add({ method: 'get', path: '/sources', access: 'areas:read', summary: 'Vector tile sources (TileJSON-like)', tag: 'tiles' }, async (_req, res) => {
    res.json(tileSources.map((s) => ({
      id: s.id, layer: s.id, geometry: s.geometry, minzoom: s.minzoom, maxzoom: s.maxzoom,
      tiles: [`/tiles/${s.id}/{z}/{x}/{y}.mvt`],
    })));
  });
  return router;
}

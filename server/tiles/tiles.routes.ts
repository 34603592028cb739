import { createHash } from 'node:crypto';
import { scopeOfRequest } from '../auth/principal';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { AppError, badRequest, notFound } from '../http/errors';
import { findTileSource, tileSources } from './sources';
import { isValidTile } from './tile-math';
import { createTileService } from './tiles.service';

export function tileRoutes({ db, config }: AppDeps) {
  const tiles = createTileService(db, { cacheBytes: config.TILE_CACHE_MB * 2 ** 20 });
  const { router, add } = apiRouter('/tiles');
  const doc = { method: 'get', path: '/:source/:z/:x/:y.mvt', access: 'areas:read', summary: 'Mapbox Vector Tile of a source (see /api/sources)', tag: 'tiles', produces: 'application/vnd.mapbox-vector-tile' } as const;
  add(doc, async (req, res) => {
    const src = findTileSource(String(req.params.source));
    if (!src) throw notFound(`tile source '${req.params.source}' (known: ${tileSources.map((s) => s.id).join(', ')})`);
    const t = { z: Number(req.params.z), x: Number(req.params.x), y: Number(req.params.y) };
    if (!isValidTile(t)) throw badRequest('bad_tile', `tile ${t.z}/${t.x}/${t.y} does not exist: z must be 0–24 and x, y in 0..2^z-1`);
    if (t.z < src.minzoom || t.z > src.maxzoom) {
      throw new AppError(404, 'zoom_out_of_range', `source '${src.id}' has tiles from zoom ${src.minzoom} to ${src.maxzoom}, not ${t.z}`);
    }
    const body = await tiles.tile(src, t, scopeOfRequest(req));
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    // private: a tile holds what the caller's scope holds, so no shared cache may serve it to another
    res.set({ ETag: etag, 'Cache-Control': 'private, max-age=60, must-revalidate', Vary: 'Authorization, Cookie' });
    if (req.get('If-None-Match')?.split(/\s*,\s*/).includes(etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/vnd.mapbox-vector-tile').send(body);
  });
  return router;
}

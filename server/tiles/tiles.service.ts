import type { Scope } from '../auth/scope';
import { dataVersion } from '../db/data-versions';
import type { Db } from '../db/knex';
import type { TileSource } from './sources';
import { createTileCache, type VersionedTile } from './tile-cache';
import { encodeWithPostgis, encodeWithVtPbf, postgisHasMvt } from './tiles.repo';
import type { TileAddress } from './tile-math';

export type TileEncoder = 'postgis' | 'vt-pbf';

/** A tile's cache key: the scope counts only for sources that filter by it (barriers are the same for all). */
const tileKey = (src: TileSource, t: TileAddress, scope: Scope) =>
  `${src.id}/${t.z}/${t.x}/${t.y}${src.scopeColumn ? `@${scope.prefix}` : ''}`;

/**
 * Tiles of one database: picks the encoder once (ST_AsMVT where PostGIS has it, else vt-pbf) and
 * keeps encoded tiles in memory, exact: each request reads the current `tiles` data version and is
 * served a cached tile only if it was drawn under that version.
 */
export function createTileService(db: Db, opts: { cacheBytes: number }) {
  let encoder: Promise<TileEncoder> | undefined;
  // a probe that failed (the database away) is not kept: the next tile probes again
  const pickEncoder = () => (encoder ??= postgisHasMvt(db.knex).then((ok): TileEncoder => (ok ? 'postgis' : 'vt-pbf'), (e: unknown) => { encoder = undefined; throw e; }));
  const cache = createTileCache(opts.cacheBytes);
  /**
   * Encodings under way, by key and the version their requests read: a request that read the same
   * version may share one, as its statement runs after that read and so draws that version or a
   * newer one, committed while the request waited.
   */
  const pending = new Map<string, Promise<VersionedTile>>();

  const encode = async (src: TileSource, t: TileAddress, scope: Scope): Promise<VersionedTile> => {
    const which = await pickEncoder();
    return which === 'postgis' ? encodeWithPostgis(db.knex, src, t, scope) : encodeWithVtPbf(db.knex, src, t, scope);
  };

  return {
    encoder: pickEncoder,
    /** The tile of what lies in the scope, as the database holds it now. */
    async tile(src: TileSource, t: TileAddress, scope: Scope): Promise<Buffer> {
      const key = tileKey(src, t, scope);
      const version = await dataVersion(db.knex, 'tiles');
      const cached = cache.get(key, version);
      if (cached) return cached;
      const pendingKey = `${key}#${version}`;
      let encoding = pending.get(pendingKey);
      if (!encoding) {
        // cached under the version its own statement read, never the one read above
        encoding = encode(src, t, scope).then((tile) => { cache.set(key, tile); return tile; })
          .finally(() => pending.delete(pendingKey));
        pending.set(pendingKey, encoding);
      }
      return (await encoding).body;
    },
  };
}

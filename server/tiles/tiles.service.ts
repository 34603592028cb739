import type { Scope } from '../auth/scope';
import type { Db } from '../db/knex';
import type { TileSource } from './sources';
import { encodeWithPostgis, encodeWithVtPbf, postgisHasMvt } from './tiles.repo';
import type { TileAddress } from './tile-math';

export type TileEncoder = 'postgis' | 'vt-pbf';

/** Picks the encoder once per database: ST_AsMVT where PostGIS has it, else vt-pbf. */
export function createTileService(db: Db) {
  let encoder: Promise<TileEncoder> | undefined;
  // a probe that failed (the database away) is not kept: the next tile probes again
  const pickEncoder = () => (encoder ??= postgisHasMvt(db.knex).then((ok): TileEncoder => (ok ? 'postgis' : 'vt-pbf'), (e: unknown) => { encoder = undefined; throw e; }));
  return {
    encoder: pickEncoder,
    /** The tile of what lies in the scope (no cache here: a tile is per scope). */
    async tile(src: TileSource, t: TileAddress, scope: Scope): Promise<Buffer> {
      const which = await pickEncoder();
      return which === 'postgis' ? encodeWithPostgis(db.knex, src, t, scope) : encodeWithVtPbf(db.knex, src, t, scope);
    },
  };
}

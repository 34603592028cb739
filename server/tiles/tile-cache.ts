/** An encoded tile and the `tiles` data version (server/db/data-versions.ts) of the snapshot it was drawn from. */
export interface VersionedTile {
  body: Buffer;
  version: number;
}

/** Rough bytes a cached entry costs beyond its body (key, map slot, objects). */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * A least-recently-used cache of encoded tiles holding at most `maxBytes` (bodies plus a fixed
 * overhead per entry; 0 keeps nothing). An entry answers only a lookup under the version it was
 * computed under, so a tile drawn before the latest edit is never served.
 */
export function createTileCache(maxBytes: number) {
  // a Map iterates in insertion order: re-inserting on each hit keeps the least recently used first
  const entries = new Map<string, VersionedTile>();
  let bytes = 0;
  const cost = (tile: VersionedTile) => tile.body.length + ENTRY_OVERHEAD_BYTES;
  const remove = (key: string, tile: VersionedTile) => {
    entries.delete(key);
    bytes -= cost(tile);
  };

  return {
    get size() { return entries.size; },
    get bytes() { return bytes; },

    /** The body cached for `key` if it was computed under `version`. */
    get(key: string, version: number): Buffer | undefined {
      const tile = entries.get(key);
      if (!tile || tile.version !== version) return undefined;
      entries.delete(key);
      entries.set(key, tile);
      return tile.body;
    },

    /** Keeps `tile` unless the entry there is of a newer version (a slower miss finishing late); evicts the least recently used past the budget. */
    set(key: string, tile: VersionedTile): void {
      const old = entries.get(key);
      if (old && old.version > tile.version) return;
      if (old) remove(key, old);
      if (cost(tile) > maxBytes) return;
      entries.set(key, tile);
      bytes += cost(tile);
      for (const [k, t] of entries) {
        if (bytes <= maxBytes) break;
        remove(k, t);
      }
    },
  };
}

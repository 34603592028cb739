/** A NUL (U+0000), or a UTF-16 surrogate without its pair: neither can be stored in PostgreSQL text or jsonb. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where a value holds text the database cannot store — a NUL character or an unpaired
 * surrogate, in a string or in a key at any depth — named from `path`, e.g. `note` or
 * `attributes.remark`; undefined when there is none. Such a value is refused with the others of
 * its row or feature, instead of failing the whole insert.
 * @example unstorableTextAt({ note: 'a\u0000b' }, 'properties') === "properties.note"
 */
export function unstorableTextAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return at;
    const found = unstorableTextAt(v, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The reason given for such a value. */
export const unstorableTextReason = (where: string) =>
  `${JSON.stringify(where)} holds a NUL character or an unpaired surrogate (U+0000, U+D800–U+DFFF), which the database cannot store`;

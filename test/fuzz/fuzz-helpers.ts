/**
 * Shared pieces of the property-based fuzz tests (fast-check): the fixed seed, byte-level
 * mutations, awkward values, and row counts of the tables a request may write.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Db } from '../../server/db/knex';

/** Every property runs from this seed, so a failure reproduces; fast-check prints it with the counterexample. */
export const FUZZ_SEED = 6;

/**
 * fast-check settings of one property: the fixed seed and `numRuns` runs (times FUZZ_SCALE, 1 by
 * default, to fuzz longer by hand). A failure is reported as found, unshrunk: each run is an HTTP
 * round trip, and shrinking one takes minutes.
 */
export const fuzzParams = (numRuns: number): fc.Parameters<unknown> => ({
  seed: FUZZ_SEED,
  numRuns: Math.max(1, Math.round(numRuns * Number(process.env.FUZZ_SCALE ?? 1))),
  endOnFailure: true,
});

/** Row counts of `tables`, in one query. */
export async function countRows(db: Db, tables: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await db.knex.raw(`select ${tables.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`);
  return rows[0];
}

/** The server still answers after a fuzzed request. */
export async function expectHealthy(url: (path: string) => string) {
  const res = await fetch(url('/api/health'));
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

/** Numbers a coordinate should never be: not finite, far out of range, or not numbers at all. */
export const weirdNumber = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom<unknown>('NaN', 'Infinity', '-Infinity', '1e400', 1e308, -1e308, 5e-324, 200, -200, 95, -95, 0, 181, 91, '118.9', '', null, true, [], {}, [118.9, 32.1]),
    fc.double(),
    fc.integer(),
  );

/**
 * Strings that have broken databases and parsers: NUL, lone surrogates, quotes, separators,
 * BOMs, line breaks, right-to-left marks, very long ones, and arbitrary Unicode.
 */
export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '"', '""', "'", '\\', '\\u0000', ',', ';', '\t', '\r\n', '\n', '\ufeff', '\u2028',
      '\u202e', '😀', '名称', 'NaN', 'null', 'undefined', '<script>', "'; drop table events; --", '%00', 'x'.repeat(20_000)),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );

/** Any JSON-ish value a property could wrongly hold. */
export const wrongValue = (): fc.Arbitrary<unknown> => fc.oneof(nastyString(), weirdNumber(), fc.jsonValue({ maxDepth: 2 }));

export type ByteMutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; flips: { at: number; byte: number }[] }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'encoding'; as: 'utf16le' | 'latin1' | 'utf16le-bom' }
  | { kind: 'bom' };

const position = fc.double({ min: 0, max: 1, noNaN: true });

/** A mutation of an upload's bytes; `none` about half the time, so the structured mutations are seen as such. */
export const byteMutation = (): fc.Arbitrary<ByteMutation> =>
  fc.oneof(
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 6 },
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({ kind: fc.constant('flip' as const), flips: fc.array(fc.record({ at: position, byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('overwrite' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('encoding' as const), as: fc.constantFrom('utf16le' as const, 'latin1' as const, 'utf16le-bom' as const) }),
    fc.constant({ kind: 'bom' as const }),
  );

/** Applies a byte mutation (positions are fractions of the length). */
export function mutateBytes(input: Uint8Array | string, m: ByteMutation): Uint8Array {
  const bytes = typeof input === 'string' ? new Uint8Array(Buffer.from(input, 'utf8')) : input;
  const at = (f: number) => Math.min(bytes.length, Math.floor(f * bytes.length));
  switch (m.kind) {
    case 'none':
      return bytes;
    case 'truncate':
      return bytes.slice(0, at(m.at));
    case 'flip': {
      const out = bytes.slice();
      for (const f of m.flips) if (out.length) out[Math.min(out.length - 1, at(f.at))] = f.byte;
      return out;
    }
    case 'insert':
      return concat(bytes.subarray(0, at(m.at)), m.bytes, bytes.subarray(at(m.at)));
    case 'overwrite': {
      const out = bytes.slice();
      out.set(m.bytes.subarray(0, Math.max(0, out.length - at(m.at))), at(m.at));
      return out;
    }
    case 'encoding': {
      const text = Buffer.from(bytes).toString('utf8');
      const encoded = new Uint8Array(Buffer.from(text, m.as === 'latin1' ? 'latin1' : 'utf16le'));
      return m.as === 'utf16le-bom' ? concat(new Uint8Array([0xff, 0xfe]), encoded) : encoded;
    }
    case 'bom':
      return concat(new Uint8Array([0xef, 0xbb, 0xbf]), bytes);
  }
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Picks an element by a fraction-free index (wraps around); undefined for an empty array. */
export const pick = <T>(items: readonly T[], i: number): T | undefined => (items.length ? items[i % items.length] : undefined);

/** A deterministic shuffle of `items` from a seed (fast-check's generated number). */
export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

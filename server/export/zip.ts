import { zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/**
 * A zip archive of `entries`, deflated (fflate stores an entry instead where deflating would
 * not pay, and flags non-ASCII names as UTF-8, so Chinese names survive).
 *
 * @example zip([{ name: 'a.txt', data: new TextEncoder().encode('hi') }]) // → Buffer starting "PK\x03\x04"
 */
export function zip(entries: ZipEntry[], modified = new Date()): Buffer {
  const files: Zippable = Object.fromEntries(entries.map((e) => [e.name, [e.data, { mtime: modified }]]));
  return Buffer.from(zipSync(files, { level: 6 }));
}

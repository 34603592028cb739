/** One column of a dBASE table. */
export interface DbfField {
  /** at most 10 ASCII characters (longer names are cut, as GDAL does) */
  name: string;
  /** C text, N number (written with `decimals` places), L logical */
  type: 'C' | 'N' | 'L';
  /** width in bytes; for C the default is the longest value's UTF-8 length (1–254) */
  length?: number;
  decimals?: number;
}

const encoder = new TextEncoder();

/** The UTF-8 bytes of `s`, cut to at most `max` bytes without splitting a character. */
export function utf8Prefix(s: string, max: number): Uint8Array {
  const bytes = encoder.encode(s);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back off continuation bytes
  return bytes.subarray(0, end);
}

/**
 * A dBASE III table (the .dbf of a shapefile): text in UTF-8 (say so in a .cpg), numbers
 * right-aligned with fixed decimals, logicals T/F, nulls as blanks.
 *
 * @example writeDbf([{ name: 'name', type: 'C' }], [['西北社区']]) // 1 record, field width 12 bytes
 */
export function writeDbf(fields: DbfField[], records: unknown[][], modified = new Date()): Uint8Array {
  const cols = fields.map((f, i) => {
    const name = f.name.slice(0, 10);
    if (!/^[\x20-\x7e]+$/.test(name)) throw new Error(`dbf field name '${f.name}' must be ASCII`);
    let length = f.length;
    if (f.type === 'L') length = 1;
    if (length === undefined && f.type === 'C') {
      length = Math.max(1, ...records.map((r) => (r[i] === null || r[i] === undefined ? 0 : encoder.encode(String(r[i])).length)));
    }
    if (length === undefined) length = 18;
    return { name, type: f.type, length: Math.min(Math.max(length, 1), 254), decimals: f.type === 'N' ? (f.decimals ?? 0) : 0 };
  });
  const headerLength = 32 + 32 * cols.length + 1;
  const recordLength = 1 + cols.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(headerLength + recordLength * records.length + 1);
  const view = new DataView(out.buffer);

  view.setUint8(0, 0x03); // dBASE III without memo
  view.setUint8(1, modified.getFullYear() - 1900);
  view.setUint8(2, modified.getMonth() + 1);
  view.setUint8(3, modified.getDate());
  view.setUint32(4, records.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  cols.forEach((c, i) => {
    const at = 32 + 32 * i;
    out.set(encoder.encode(c.name), at); // zero-padded to 11 bytes by the fresh array
    view.setUint8(at + 11, c.type.charCodeAt(0));
    view.setUint8(at + 16, c.length);
    view.setUint8(at + 17, c.decimals);
  });
  view.setUint8(headerLength - 1, 0x0d);

  let at = headerLength;
  for (const record of records) {
    out[at++] = 0x20; // not deleted
    cols.forEach((c, i) => {
      out.fill(0x20, at, at + c.length);
      const v = record[i];
      if (v !== null && v !== undefined) {
        if (c.type === 'C') {
          out.set(utf8Prefix(String(v), c.length), at);
        } else if (c.type === 'L') {
          out[at] = v ? 0x54 : 0x46; // T / F
        } else {
          const n = Number(v);
          if (Number.isFinite(n)) {
            const text = n.toFixed(c.decimals);
            if (text.length > c.length) throw new Error(`value ${text} does not fit dbf field ${c.name} (width ${c.length})`);
            out.set(encoder.encode(text.padStart(c.length, ' ')), at);
          }
        }
      }
      at += c.length;
    });
  }
  out[at] = 0x1a; // end of file
  return out;
}

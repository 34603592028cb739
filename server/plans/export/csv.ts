/** One CSV cell (RFC 4180): quoted when it holds a comma, quote, line break or edge spaces; null is empty. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A CSV file: a UTF-8 byte-order mark (so spreadsheet software reads Chinese text as UTF-8),
 * a header row, CRLF line ends.
 *
 * @example toCsv(['code', 'name'], [['G1', '西北, 一']]) // "\uFEFFcode,name\r\nG1,\"西北, 一\"\r\n"
 */
export function toCsv(header: string[], rows: unknown[][]): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

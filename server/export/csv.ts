/** The UTF-8 byte-order mark that starts a CSV file, so spreadsheet software reads Chinese text as UTF-8. */
export const CSV_BOM = '\uFEFF';

/** One CSV cell (RFC 4180): quoted when it holds a comma, quote, line break or edge spaces; null is empty. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One CSV line with its CRLF end.
 *
 * @example csvLine(['G1', '西北, 一', null]) // 'G1,"西北, 一",\r\n'
 */
export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

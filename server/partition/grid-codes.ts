/**
 * Serial numbers in reading order — west→east along a row, rows north→south — for grids
 * given by their centres [lng, lat]. Returns each grid's 1-based serial.
 */
export function readingOrder(centres: [number, number][]): number[] {
  const k = centres.length;
  const rows = Math.max(1, Math.round(Math.sqrt(k)));
  const perRow = Math.ceil(k / rows);
  const byLat = [...centres.keys()].sort((a, b) => centres[b][1] - centres[a][1] || centres[a][0] - centres[b][0]);
  const serial = new Array<number>(k);
  let next = 1;
  for (let r = 0; r < rows; r++) {
    const row = byLat.slice(r * perRow, (r + 1) * perRow).sort((a, b) => centres[a][0] - centres[b][0]);
    for (const i of row) serial[i] = next++;
  }
  return serial;
}

/** Dedicated grids take serials from 901 so their codes mark them (综合网格 001–899). */
export const DEDICATED_SERIAL_START = 901;

/** A 15-digit grid code: the community's 12 digits and a 3-digit serial. */
export function gridCode(communityCode: string, serial: number): string {
  if (serial < 1 || serial > 999) throw new Error(`community ${communityCode}: grid serial ${serial} is outside 001–999`);
  return communityCode + String(serial).padStart(3, '0');
}

/** A 17-digit micro-grid code: its grid's 15 digits and a 2-digit serial. */
export function microCode(grid: string, serial: number): string {
  if (serial < 1 || serial > 99) throw new Error(`grid ${grid}: micro-grid serial ${serial} is outside 01–99`);
  return grid + String(serial).padStart(2, '0');
}

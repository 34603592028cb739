import { DEDICATED_SERIAL_START, gridCode } from '../partition/grid-codes';

/** Serial ranges of the last three digits of a 15-digit grid code, by grid kind. */
export const SERIAL_RANGES = {
  comprehensive: { min: 1, max: 899 },
  dedicated: { min: DEDICATED_SERIAL_START, max: 999 },
} as const;

export type EditableKind = keyof typeof SERIAL_RANGES;

/**
 * The next free 15-digit grid code of a community: one past the highest serial of that kind
 * in use, or, when that runs past the range, the lowest gap. Micro-grid codes (17 digits) and
 * other communities' codes in `codesInUse` are ignored.
 *
 * @example nextFreeCode('320113002001', 'comprehensive', ['320113002001001', '320113002001003']) // → '320113002001004'
 * @throws when every serial of the range is taken
 */
export function nextFreeCode(communityCode: string, kind: EditableKind, codesInUse: Iterable<string>): string {
  const { min, max } = SERIAL_RANGES[kind];
  const used = new Set<number>();
  for (const c of codesInUse) {
    if (c.length === 15 && c.startsWith(communityCode)) used.add(Number(c.slice(12)));
  }
  const inRange = [...used].filter((s) => s >= min && s <= max);
  let serial = inRange.length ? Math.max(...inRange) + 1 : min;
  if (serial > max) {
    serial = min;
    while (serial <= max && used.has(serial)) serial++;
  }
  if (serial > max) throw new Error(`community ${communityCode} has no free ${kind} serial left in ${min}–${max}`);
  return gridCode(communityCode, serial);
}

import { AppError } from '../http/errors';

/** "unit 7", "units 7, 8 and 9" */
export function listed(noun: string, items: (string | number)[]): string {
  if (items.length === 1) return `${noun} ${items[0]}`;
  const shown = items.slice(0, 10).map(String);
  const more = items.length > 10 ? ` and ${items.length - 10} more` : '';
  return more
    ? `${noun}s ${shown.join(', ')}${more}`
    : `${noun}s ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * A 500 for a geometry query that answered no row where it must answer one. PGlite's PostGIS
 * swallows some GEOS errors (e.g. a floating-point overlay's topology exception) and returns an
 * empty result instead of failing (electric-sql/pglite#916), so every query the editor's checks
 * rely on is shaped to return exactly one row, and an empty answer stops the edit here.
 */
export const engineFailed = (doing: string) =>
  new AppError(500, 'geometry_engine_failed', `the geometry engine gave no answer while ${doing}; nothing was changed`, { doing });

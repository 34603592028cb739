import { AppError } from '../http/errors';
import type { FeatureError } from './import.schema';

/** How many errors a response lists; `total` still counts all of them. */
const MAX_LISTED_ERRORS = 100;

/** "feature 3 (id 'g-17'): Self-intersection at POINT(118.9 32.1)" */
export function describeError(e: FeatureError): string {
  const where = e.index === null ? '' : `feature ${e.index}${e.id === null ? '' : ` (id '${e.id}')`}: `;
  const at = e.location ? ` at ${e.location}` : '';
  const detail = e.detail ? ` (${e.detail})` : '';
  return `${where}${e.reason}${at}${detail}`;
}

/** The error for a rejected upload: the message names the first failure, details list them all. */
export function featureErrors(errors: FeatureError[], status = 400, code = 'invalid_features'): AppError {
  const more = errors.length > 1 ? `; and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}` : '';
  return new AppError(status, code, describeError(errors[0]) + more, {
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    total: errors.length,
  });
}

/** A problem with the upload as a whole (not a zip, wrong CRS, ...), in the same response shape. */
export function fileError(status: number, code: string, message: string): AppError {
  return featureErrors([{ index: null, id: null, reason: message }], status, code);
}

import type { AreaLevel } from '../api/types';

/** From this zoom on, communities are labelled and clicked; below it, streets. */
export const COMMUNITY_FOCUS_ZOOM = 12;

/** The area level that the map labels and inspects at a zoom. */
export function focusLevelAt(zoom: number): Extract<AreaLevel, 'street' | 'community'> {
  return zoom >= COMMUNITY_FOCUS_ZOOM ? 'community' : 'street';
}

/** A centroid in degrees. */
export interface LngLat {
  lng: number;
  lat: number;
}

/**
 * Which of the two parts of a split grid keeps the grid's code: the one whose centroid lies
 * further west, or, when the centroids are further apart north–south than east–west (a cut
 * running roughly east–west), the one further north. Distances are compared in metres, so a
 * degree of longitude counts cos(latitude) of a degree of latitude.
 *
 * @returns 0 when `a` keeps the code, 1 when `b` does
 * @example keeperOf({ lng: 118.90, lat: 32.1 }, { lng: 118.91, lat: 32.1 }) // → 0 (a is west)
 */
export function keeperOf(a: LngLat, b: LngLat): 0 | 1 {
  const eastM = (b.lng - a.lng) * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  const northM = b.lat - a.lat;
  if (Math.abs(eastM) >= Math.abs(northM)) return eastM >= 0 ? 0 : 1;
  return northM <= 0 ? 0 : 1;
}

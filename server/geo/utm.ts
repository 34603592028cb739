/** EPSG code of the WGS 84 / UTM zone holding a position (326zz north, 327zz south): metres for buffers and areas. */
export function utmSrid(lng: number, lat: number): number {
  const zone = Math.min(60, Math.max(1, Math.floor((lng + 180) / 6) + 1));
  return (lat >= 0 ? 32600 : 32700) + zone;
}

import type { Geometry } from 'geojson';
import gcoord from 'gcoord';
import type { ImportCrs } from './import.schema';
import { mapPositions } from './positions';

type Simple = Exclude<Geometry, { type: 'GeometryCollection' }>;

const SHIFTED = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/**
 * The geometry in WGS84, 2-D: GCJ-02 (AMap, Tencent) and BD-09 (Baidu) positions are converted
 * with gcoord; WGS84 and CGCS2000 (the same to within centimetres) are kept. A Z or M value is
 * dropped because every stored geometry is 2-D.
 */
export function reprojectToWgs84<G extends Simple>(geometry: G, crs: ImportCrs): G {
  if (crs === 'gcj02' || crs === 'bd09') {
    const from = SHIFTED[crs];
    return mapPositions(geometry, ([x, y]) => gcoord.transform([x, y], from, gcoord.WGS84) as [number, number]);
  }
  return mapPositions(geometry, ([x, y]) => [x, y]);
}

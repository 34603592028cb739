// The parts of two untyped packages that the import uses.

declare module 'geojson-validation' {
  /** With trace=true: the list of problems, empty when valid. */
  export function isFeature(feature: unknown, trace: true): string[];
}

declare module 'shpjs' {
  /** Geometries of a .shp; reprojected with proj4 when a .prj is given (we never pass one). */
  export function parseShp(shp: Uint8Array | ArrayBuffer | DataView, prj?: string): (import('geojson').Geometry | null)[];
  /** Records of a .dbf, decoded with the encoding named by `cpg` (a TextDecoder label). */
  export function parseDbf(dbf: Uint8Array | ArrayBuffer | DataView, cpg?: string): Record<string, unknown>[];
}

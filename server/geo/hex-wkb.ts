/**
 * Geometries passed between queries as hex EWKB (SRID 4326): exact, unlike GeoJSON text.
 * In SQL: `?::geometry` reads one, `ST_AsHexEWKB(g)` writes one.
 */
export type HexWkb = string;

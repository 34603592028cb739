import type { Feature, FeatureCollection, Geometry, Point } from 'geojson';

/** Levels of the administrative hierarchy the map shows, coarse to fine. */
export type AreaLevel = 'district' | 'street' | 'community';

export type SourceId = 'areas' | 'grids' | 'barriers' | 'address_points';

export interface HealthStatus {
  status: 'ok';
  backend: 'embedded' | 'postgres';
  postgis: string;
}

export interface ClientConfig {
  /** MapLibre style URL of a basemap on the site's own network; null = plain background. */
  basemapUrl: string | null;
}

/** One vector tile source as listed by `GET /api/sources`. */
export interface TileSourceInfo {
  id: SourceId;
  /** Name of the layer inside each MVT tile (same as `id`). */
  layer: string;
  geometry: 'polygon' | 'line' | 'point';
  minzoom: number;
  maxzoom: number;
  /** Tile URL templates, relative to the server's origin. */
  tiles: string[];
}

export interface AreaProperties {
  /** 12-digit statistical code. */
  code: string;
  name: string;
  level: AreaLevel;
  parent_code: string | null;
}

export interface AreaStats {
  households: number;
  population: number;
  addressPoints: number;
  areaM2: number;
}

export interface AreaDetailProperties extends AreaProperties {
  stats: AreaStats;
  /** Number of areas one level down. */
  children: number;
}

export type AreaCollection = FeatureCollection<Geometry, AreaProperties>;
export type AreaLabelCollection = FeatureCollection<Point, AreaProperties>;
export type AreaDetail = Feature<Geometry, AreaDetailProperties>;

import type { FeatureCollection, Geometry, MultiPolygon, Point } from 'geojson';
import type { RESPONSE_POINT_KINDS } from '../../../server/db/migrations/004_response_points';
import type { RingExposure } from '../../../server/hazards/hazards.schema';
import type { ReachAnswer } from '../../../server/reach/reach.schema';

// The server's modules are the contract; only their types reach the client bundle.
export type { RingExposure };
export type { GridOutside } from '../../../server/reach/reach.schema';

/** GET /api/hazards: a hazard source with the ring distances of its type, metres. */
export interface HazardProperties {
  id: number;
  ext_id: string | null;
  type: string;
  level: string | null;
  name: string | null;
  ringsM: number[];
}

export type HazardCollection = FeatureCollection<Geometry, HazardProperties>;

/** Households, population and grids within each ring, counted in the grids of plan `planId`. */
interface Exposure {
  planId: number | null;
  rings: RingExposure[];
}

/** GET /api/hazards/:id/exposure */
export interface HazardExposure extends Exposure {
  hazard: { id: number; type: string; name: string | null };
}

/** POST /api/hazards/what-if */
export interface WhatIfExposure extends Exposure {
  point: [number, number];
}

export type ResponsePointKind = (typeof RESPONSE_POINT_KINDS)[number];

/** GET /api/response-points */
export interface ResponsePointProperties {
  id: number;
  ext_id: string | null;
  kind: ResponsePointKind;
  name: string | null;
}

export type ResponsePointCollection = FeatureCollection<Point, ResponsePointProperties>;

export type ReachMode = 'auto' | 'road' | 'straight';

export interface ReachQuery {
  minutes: number[];
  mode: ReachMode;
  /** the server's default for the mode when absent */
  speedKmh?: number;
  plan?: number;
}

/** One reach area per time, each containing the shorter ones. */
export type ReachAreas = FeatureCollection<MultiPolygon, { minutes: number; areaM2: number }>;

/** GET /api/reach */
export type Reach = Omit<ReachAnswer, 'areas'> & { areas: ReachAreas };

import type { Knex } from 'knex';
import { sharedBoundaries, type MultiPolygonCoords, type SharedBoundary } from '../partition/shared-boundaries';

/** Pairs of a plan's grids (indices into `codes`) with the metres of boundary they share. */
export async function gridAdjacency(knex: Knex, planId: number, codes: string[]): Promise<SharedBoundary[]> {
  const { rows } = await knex.raw(`select code, ST_AsGeoJSON(geom, 10)::json->'coordinates' as coords from grids where plan_id = ? and code = any(?::text[])`, [planId, codes]);
  const coords = new Map<string, MultiPolygonCoords>(rows.map((r: { code: string; coords: MultiPolygonCoords }) => [r.code, r.coords]));
  return sharedBoundaries(codes.map((c) => coords.get(c)!));
}

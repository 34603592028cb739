import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import { gridEntityId, type AuditEntry } from './audit.repo';

/**
 * A grid as the audit trail records it before and after a change: its figures and, instead of
 * the geometry (kilobytes per grid), a digest of it and its vertex count — enough to see whether
 * and how much the shape changed, and that an undo brought back the very same geometry (the
 * plan's edit history, GET /api/plans/:id/edits, keeps the geometries themselves).
 */
export interface GridState {
  code: string;
  kind: string;
  name: string | null;
  households: number;
  population: number;
  /** on the spheroid, rounded to 0.01 m² */
  areaM2: number;
  vertices: number;
  /** SHA-256 of the geometry's EWKB, hex */
  geomSha256: string;
}

export type GridStates = Map<string, GridState & { areaCode: string | null }>;

/** The states of those of `codes` that are comprehensive or dedicated grids of the plan now. */
export async function gridStates(k: Knex, planId: number, codes: string[]): Promise<GridStates> {
  const unique = [...new Set(codes)];
  if (!unique.length) return new Map();
  const { rows } = await k.raw(
    `select code, kind, name, area_code::text as area_code, households, population,
            round(ST_Area(geom::geography)::numeric, 2)::float8 as area_m2, ST_NPoints(geom) as vertices,
            encode(sha256(ST_AsEWKB(geom)), 'hex') as digest
       from grids where plan_id = ? and code in (${unique.map(() => '?').join(', ')}) and kind in ('comprehensive', 'dedicated')
      order by code`,
    [planId, ...unique],
  );
  return new Map((rows as Record<string, unknown>[]).map((r) => [r.code as string, {
    code: r.code as string, kind: r.kind as string, name: (r.name as string | null) ?? null,
    households: Number(r.households), population: Number(r.population), areaM2: Number(r.area_m2),
    vertices: Number(r.vertices), geomSha256: r.digest as string, areaCode: (r.area_code as string | null) ?? null,
  }]));
}

const stateOf = (s: (GridState & { areaCode: string | null }) | undefined): GridState | null => {
  if (!s) return null;
  const { code, kind, name, households, population, areaM2, vertices, geomSha256 } = s;
  return { code, kind, name, households, population, areaM2, vertices, geomSha256 };
};

/**
 * One entry per grid whose state differs between `before` and `after` (a grid only after was
 * made, e.g. by a split: before null; one only before was removed, e.g. by a merge: after null).
 */
export function gridChangeEntries(planId: number, action: string, before: GridStates, after: GridStates): AuditEntry[] {
  const codes = [...new Set([...before.keys(), ...after.keys()])].sort();
  return codes.flatMap((code) => {
    const b = before.get(code), a = after.get(code);
    if (isDeepStrictEqual(stateOf(b), stateOf(a))) return [];
    return [{ action, entity: 'grid', entityId: gridEntityId(planId, code), areaCode: (a ?? b)!.areaCode, before: stateOf(b), after: stateOf(a) }];
  });
}

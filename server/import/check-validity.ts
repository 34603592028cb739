import type { Geometry } from 'geojson';
import type { Knex } from 'knex';
import type { Problem } from './check-structure';

const BATCH = 1000;
/** ST_CollectionExtract's type for each geometry family, so a repair keeps the family. */
const FAMILY: Record<string, 1 | 2 | 3> = {
  Point: 1, MultiPoint: 1, LineString: 2, MultiLineString: 2, Polygon: 3, MultiPolygon: 3,
};

export interface ValidityResult {
  problems: Map<number, Problem>;
  /** Valid replacements (ST_MakeValid), when repairing. */
  repaired: Map<number, Geometry>;
}

/**
 * Checks geometries with PostGIS ST_IsValidDetail (self-intersections, ring self-touches, too
 * few points ... with their location). With `repair`, an invalid geometry is replaced by
 * ST_MakeValid's result restricted to its own family; one that leaves nothing stays a problem.
 * Points are skipped: once their numbers are finite they are valid.
 */
export async function checkValidity(
  knex: Knex,
  geometries: { key: number; geometry: Geometry }[],
  repair: boolean,
  onBatch?: (done: number) => void,
): Promise<ValidityResult> {
  const result: ValidityResult = { problems: new Map(), repaired: new Map() };
  const items = geometries.filter((g) => FAMILY[g.geometry.type] !== 1);
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH).map((g) => ({ i: g.key, family: FAMILY[g.geometry.type], g: g.geometry }));
    const { rows } = await knex.raw(
      `select i, reason, location, case when not ST_IsEmpty(fixed) then ST_AsGeoJSON(fixed, 15) end as fixed
       from (select i, (d).reason as reason, ST_AsText((d).location, 9) as location,
               case when ? then ST_CollectionExtract(ST_MakeValid(geom), family) end as fixed
             from (select i, family, geom, ST_IsValidDetail(geom) as d
                   from (select i, family, ST_GeomFromGeoJSON(g::text) as geom
                         from json_to_recordset(?::json) as t(i int, family int, g json)) s) v
             where not (d).valid) w`,
      [repair, JSON.stringify(batch)],
    );
    for (const r of rows as { i: number; reason: string; location: string | null; fixed: string | null }[]) {
      if (r.fixed !== null) {
        result.repaired.set(r.i, JSON.parse(r.fixed));
        continue;
      }
      const detail = repair ? 'ST_MakeValid leaves nothing of this geometry type' : 'pass repair=true to fix it with ST_MakeValid';
      result.problems.set(r.i, { reason: r.reason, detail, ...(r.location ? { location: r.location } : {}) });
    }
    onBatch?.(Math.min(start + BATCH, items.length));
  }
  return result;
}

import type { Knex } from 'knex';
import type { HexWkb } from '../geo/hex-wkb';
import { queryRows } from './query-rows';
import { GRID_SIZE_DEG } from './precision';

export interface LabelledSeed {
  label: string;
  lng: number;
  lat: number;
}

/**
 * Splits a parent polygon among labels: each label gets parent ∩ (union of the Voronoi cells of
 * its seeds). Cells are built in metres (UTM 50N) and cut from the parent in 4326 on the shared
 * precision grid, so the parts keep the parent's own vertices and tile it exactly. Seeds must be
 * distinct points.
 */
export async function partitionByVoronoi(knex: Knex, parent: HexWkb, seeds: LabelledSeed[]): Promise<Map<string, HexWkb>> {
  const rows = await queryRows<{ label: string; wkb: HexWkb }>(
    knex,
    `with parent as (select ?::geometry as g),
          seeds as (
            select label, ST_Transform(ST_SetSRID(ST_MakePoint(lng, lat), 4326), 32650) as g
              from json_to_recordset(?::json) as s(label text, lng float8, lat float8)
          ),
          cells as (
            select (ST_Dump(ST_VoronoiPolygons(ST_Collect(g), 0, (select ST_Expand(ST_Transform(g, 32650), 20000) from parent)))).geom as g
              from seeds
          ),
          regions as (
            select s.label, ST_Union(ST_Transform(c.g, 4326), ?::float8) as g
              from cells c join seeds s on ST_Contains(c.g, s.g) group by s.label
          )
     select label, ST_AsHexEWKB(g) as wkb from (
       select r.label, ST_Multi(ST_CollectionExtract(ST_Intersection(p.g, r.g, ?::float8), 3)) as g from regions r, parent p
     ) parts where not ST_IsEmpty(g)`,
    [parent, JSON.stringify(seeds), GRID_SIZE_DEG, GRID_SIZE_DEG],
  );
  const parts = new Map(rows.map((r) => [r.label, r.wkb]));
  const missing = seeds.filter((s) => !parts.has(s.label)).map((s) => s.label);
  if (missing.length) throw new Error(`no part of the parent for ${missing.join(', ')}`);
  return parts;
}

import type { Knex } from 'knex';
import type { HexWkb } from '../geo/hex-wkb';
import { oneRow } from '../db/rows';
import { sharedBoundaries, type MultiPolygonCoords } from './shared-boundaries';

/** An atomic unit of a partition: a barrier-bounded block, or one building's cell of a split block. */
export interface Unit {
  /** 0-based index within its community */
  id: number;
  /** the block it lies in; units of different blocks are separated by a barrier */
  blockId: number;
  /** the dedicated footprint it lies in (index into the footprints given), else null */
  footprint: number | null;
  households: number;
  population: number;
  areaM2: number;
  /** [lng, lat] of a point inside it */
  anchor: [number, number];
  geom: HexWkb;
}

/** Two units sharing a boundary of `lengthM` metres (> 0); `barrier` when it runs along a barrier. */
export interface UnitEdge {
  a: number;
  b: number;
  lengthM: number;
  barrier: boolean;
}

export interface CommunityUnits {
  units: Unit[];
  edges: UnitEdge[];
}

/**
 * Cuts a community into atomic units in PostGIS (one query):
 * 1. blocks: the community outline, the barriers and any dedicated footprints inside it,
 *    noded and polygonized ("依地划格": grids are made of whole blocks where they can be);
 * 2. a block with households in two or more buildings is split into
 *    building cells: its outline and the Voronoi edges of its address points, noded and
 *    polygonized, so a cut through it runs along the gaps between buildings, never through one;
 * 3. what polygonize leaves out (an invalid ring where lines nearly coincide), when it adds up
 *    to more than 1e-9 of the community, goes to the unit it borders most: the units tile the
 *    community exactly, and so will grids made of them;
 * 4. each address point is counted in exactly one unit (the lowest id covering it).
 * Edges are the pairs of units sharing a boundary of positive length (matched in TypeScript:
 * see sharedBoundaries).
 */
export async function communityUnits(
  knex: Knex,
  communityCode: string,
  opts: { footprints: HexWkb[] },
): Promise<CommunityUnits> {
  const row = await oneRow<{ result: unknown }>(knex, UNITS_SQL, { code: communityCode, footprints: opts.footprints }, `cutting community ${communityCode} into units`);
  const raw = (row.result as { units: RawUnit[] | null }).units;
  if (!raw?.length) throw new Error(`community ${communityCode}: no units (is its geometry empty?)`);
  const units: Unit[] = raw.map((u, id) => ({
    id, blockId: u.block_id, footprint: u.footprint === null ? null : u.footprint - 1,
    households: u.households, population: u.population, areaM2: u.area_m2,
    anchor: [u.x, u.y], geom: u.geom,
  }));
  const edges = sharedBoundaries(raw.map((u) => u.coords)).map(({ a, b, lengthM }) => ({
    a, b, lengthM, barrier: units[a].blockId !== units[b].blockId,
  }));
  return { units, edges };
}

/**
 * Overlays run in fixed precision (snap-rounding to 1e-11°, about a micrometre): GEOS's floating
 * overlay falls back through exceptions, which the embedded (WASM) PostGIS cannot catch — it
 * answers no rows instead; fixed precision never needs the fallback.
 */
export const GRID = 1e-11;

interface RawUnit { block_id: number; footprint: number | null; households: number; population: number; area_m2: number; x: number; y: number; geom: HexWkb; coords: MultiPolygonCoords }

const UNITS_SQL = `
with c as (select geom from admin_areas where code = :code),
fp as (
  select ord as footprint, ST_Multi(ST_CollectionExtract(ST_Intersection(f::geometry, c.geom, ${GRID}), 3)) as geom
  from c, unnest(:footprints::text[]) with ordinality as t(f, ord)
  where ST_Intersects(f::geometry, c.geom)
),
cuts as (
  select ST_Intersection(b.geom, c.geom, ${GRID}) as g from barriers b, c where b.geom && c.geom and ST_Intersects(b.geom, c.geom)
  union all
  select ST_Boundary(fp.geom) from fp
),
linework as (
  select ST_Union(ST_Boundary(c.geom), coalesce((select ST_Union(ST_CollectionExtract(g, 2), ${GRID}) from cuts), 'SRID=4326;LINESTRING EMPTY'::geometry), ${GRID}) as g from c
),
faces as (select (ST_Dump(ST_Polygonize(g))).geom from linework),
blocks as (
  select row_number() over (order by ST_XMin(f.geom), ST_YMin(f.geom))::int as block_id, f.geom,
         (select min(fp.footprint) from fp where ST_Covers(fp.geom, ST_PointOnSurface(f.geom)))::int as footprint
  from faces f, c where ST_Covers(c.geom, ST_PointOnSurface(f.geom))
),
pts as (
  select distinct on (p.id) p.id, p.households, coalesce(p.population, 0) as population, p.geom, b.block_id
  from c join address_points p on p.geom && c.geom join blocks b on b.geom && p.geom and ST_Covers(b.geom, p.geom)
  order by p.id, b.block_id
),
block_load as (
  select b.block_id, sum(p.households) as households, count(distinct ST_AsBinary(p.geom)) as sites
  from blocks b join pts p using (block_id) group by b.block_id
),
to_split as (select block_id from block_load where households > 0 and sites >= 2),
cells as (
  select b.block_id, b.footprint, f.geom
  from blocks b join to_split using (block_id),
  lateral (
    select ST_Union(ST_Boundary(b.geom), ST_VoronoiLines(ST_Collect(p.geom), 0, b.geom), ${GRID}) as lines
    from pts p where p.block_id = b.block_id
  ) v,
  lateral ST_Dump(ST_Polygonize(ARRAY[v.lines])) f
  where ST_Covers(b.geom, ST_PointOnSurface(f.geom))
),
pieces as (
  select block_id, footprint, geom from blocks where block_id not in (select block_id from to_split)
  union all
  select block_id, footprint, geom from cells
),
raw_units as (
  select row_number() over (order by block_id, ST_XMin(geom), ST_YMin(geom))::int as id, * from pieces
),
gaps as (
  select row_number() over () as gap_id, d.geom from c,
  lateral ST_Dump(ST_Difference(c.geom, (select ST_Union(geom, ${GRID}) from raw_units), ${GRID})) d
  where ST_Dimension(d.geom) = 2
    -- faces tile exactly unless polygonize dropped one; only then is the (slow) union worth it
    and (select abs(sum(ST_Area(geom)) - ST_Area(c.geom)) from raw_units) > 1e-9 * ST_Area(c.geom)
),
gap_owner as (
  select distinct on (g.gap_id) g.gap_id, g.geom, u.id
  from gaps g join raw_units u on u.geom && ST_Expand(g.geom, 1e-6)
  order by g.gap_id, ST_Area(ST_Intersection(u.geom, ST_Buffer(g.geom, 1e-7), ${GRID})) desc, u.id
),
units as (
  select u.id, u.block_id, u.footprint,
         ST_Multi(ST_CollectionExtract(coalesce(ST_Union(u.geom, (select ST_Union(o.geom, ${GRID}) from gap_owner o where o.id = u.id), ${GRID}), u.geom), 3)) as geom
  from raw_units u
),
unit_pts as (
  select distinct on (p.id) p.id, p.households, p.population, u.id as unit_id
  from pts p join units u on u.block_id = p.block_id and u.geom && p.geom and ST_Covers(u.geom, p.geom)
  order by p.id, u.id
),
loads as (select unit_id, sum(households)::int as households, sum(population)::int as population from unit_pts group by unit_id)
select json_build_object(
  'units', (select json_agg(json_build_object(
      'id', u.id, 'block_id', u.block_id, 'footprint', u.footprint,
      'households', coalesce(l.households, 0), 'population', coalesce(l.population, 0),
      'area_m2', ST_Area(u.geom::geography), 'x', ST_X(ST_PointOnSurface(u.geom)), 'y', ST_Y(ST_PointOnSurface(u.geom)),
      'geom', ST_AsHexEWKB(u.geom), 'coords', ST_AsGeoJSON(u.geom, 10)::json->'coordinates') order by u.id)
    from units u left join loads l on l.unit_id = u.id where not ST_IsEmpty(u.geom))
) as result`;

import type { Knex } from 'knex';
import { scopeCondition, type Scope } from '../auth/scope';
import { planVisibleSql } from '../plans/plans.repo';
import { DEFAULT_TARGETS } from '../planning/planning.schema';
import { geometryEngineFailed as engineFailed, oneRow } from '../db/rows';
import type { ListUnitsQuery } from './editing.schema';

/** `?, ?, ?` for an `in (…)` list; callers never pass an empty list. */
const marks = (xs: readonly unknown[]) => {
  if (xs.length === 0) throw new Error('empty in-list');
  return xs.map(() => '?').join(', ');
};

const EDITABLE = `('comprehensive', 'dedicated')`;
const num = (v: unknown) => Number(v);

/**
 * Grid size (degrees, ≈0.1 mm) of the fixed-precision overlays the checks run: snap-rounded
 * overlay cannot fail on nearly coincident edges the way floating-point overlay can.
 */
export const CHECK_GRID_DEG = 1e-9;

/**
 * SQL for m² per square degree at latitude `latDeg` (an SQL expression, degrees): metres per
 * degree of latitude times metres per degree of longitude on WGS84.
 */
const m2PerDeg2 = (latDeg: string) =>
  `((111132.954 - 559.822 * cos(2 * radians(${latDeg})) + 1.175 * cos(4 * radians(${latDeg})))
    * (111412.84 * cos(radians(${latDeg})) - 93.5 * cos(3 * radians(${latDeg}))))`;

/**
 * SQL for the area in m² of a lon/lat polygon measured in the plane of its coordinates and
 * scaled at its own latitude. For sliver checks: the zero-width slivers floating-point overlay
 * leaves along shared edges have collinear vertices in lon/lat and measure ~0 here, while as a
 * geography their straight edges become geodesics and they measure tens of m².
 */
export const planarM2 = (geom: string) => `(ST_Area(${geom}) * ${m2PerDeg2(`ST_Y(ST_Centroid(${geom}))`)})`;

export interface PlanRow {
  id: number;
  status: string;
}

/**
 * The plan and its version, row-locked until the transaction ends so edits of one plan run one
 * at a time (each writes the plan's version, so they would queue on the row anyway).
 */
export async function lockPlan(trx: Knex.Transaction, planId: number): Promise<(PlanRow & { version: number }) | undefined> {
  const { rows } = await trx.raw(`select id, status, version from grid_plans where id = ? for update`, [planId]);
  return rows[0] && { id: num(rows[0].id), status: rows[0].status, version: num(rows[0].version) };
}

/**
 * The versions of those of `codes` that exist, their rows locked in id order (the order every
 * write locks grids in, so two writes never wait on each other crosswise).
 */
export async function lockGrids(trx: Knex.Transaction, planId: number, codes: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(codes)];
  if (!unique.length) return new Map();
  const { rows } = await trx.raw(
    `select code, version from grids where plan_id = ? and code in (${marks(unique)}) order by id for update`,
    [planId, ...unique],
  );
  return new Map(rows.map((r: { code: string; version: unknown }) => [r.code, num(r.version)]));
}

/**
 * Raises the plan's version by one and gives `codes` (the grids a write left) that version;
 * returns it. In the write's transaction, after its changes.
 */
export async function bumpVersions(trx: Knex.Transaction, planId: number, codes: string[]): Promise<number> {
  const { rows } = await trx.raw(`update grid_plans set version = version + 1 where id = ? returning version`, [planId]);
  const version = num(rows[0].version);
  if (codes.length) await trx.raw(`update grids set version = ? where plan_id = ? and code in (${marks(codes)})`, [version, planId, ...codes]);
  return version;
}

/** The plan, or undefined when there is none or it is not visible in the scope. */
export async function getPlan(k: Knex, planId: number, scope: Scope): Promise<PlanRow | undefined> {
  const { rows } = await k.raw(
    `select p.id, p.status from grid_plans p join grid_layers l on l.id = p.layer_id where p.id = ? and ${planVisibleSql(scope)}`, [planId]);
  return rows[0] && { id: num(rows[0].id), status: rows[0].status };
}

export interface GridRow {
  code: string;
  kind: string;
  area_code: string | null;
  /** polygons of the grid's MultiPolygon of 1 m² or more (not counting slivers) */
  parts: number;
}

export async function gridsByCode(k: Knex, planId: number, codes: string[]): Promise<GridRow[]> {
  const { rows } = await k.raw(
    `select code, kind, area_code,
            (select count(*)::int from ST_Dump(geom) d where ${planarM2('d.geom')} >= 1) as parts
       from grids where plan_id = ? and code in (${marks(codes)}) order by code`,
    [planId, ...codes],
  );
  return rows.map((r: GridRow) => ({ ...r, parts: num(r.parts) }));
}

/** Every grid code of a plan, micro-grids included. */
export async function planCodes(k: Knex, planId: number): Promise<string[]> {
  const { rows } = await k.raw(`select code from grids where plan_id = ?`, [planId]);
  return rows.map((r: { code: string }) => r.code);
}

/** Units in the scope (by their community) as rows with a `geojson` column, for a FeatureCollection. */
export async function listUnits(k: Knex, planId: number, q: ListUnitsQuery, scope: Scope) {
  const where = ['plan_id = ?', scopeCondition('area_code', scope)];
  const params: Knex.RawBinding[] = [planId];
  if (q.grid) where.push('grid_code = ?'), params.push(q.grid);
  if (q.area) where.push('area_code = ?'), params.push(q.area);
  if (q.bbox) {
    where.push('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)');
    params.push(q.bbox.minLng, q.bbox.minLat, q.bbox.maxLng, q.bbox.maxLat);
  }
  const { rows } = await k.raw(
    `select id, grid_code, area_code, households, population, ST_AsGeoJSON(geom, 7) as geojson
       from grid_units where ${where.join(' and ')} order by id`,
    params,
  );
  return rows.map((r: Record<string, unknown>) => ({ ...r, id: num(r.id) })) as Record<string, unknown>[];
}

export interface UnitRow {
  id: number;
  grid_code: string;
  area_code: string;
}

export async function unitsById(k: Knex, planId: number, ids: number[]): Promise<UnitRow[]> {
  const { rows } = await k.raw(
    `select id, grid_code, area_code from grid_units where plan_id = ? and id in (${marks(ids)}) order by id`,
    [planId, ...ids],
  );
  return rows.map((r: UnitRow) => ({ ...r, id: num(r.id) }));
}

/** All units of one community in a plan, with their grid. */
export async function communityUnits(k: Knex, planId: number, areaCode: string): Promise<UnitRow[]> {
  const { rows } = await k.raw(
    `select id, grid_code, area_code from grid_units where plan_id = ? and area_code = ? order by id`,
    [planId, areaCode],
  );
  return rows.map((r: UnitRow) => ({ ...r, id: num(r.id) }));
}

/**
 * Pairs of units of one community that share a boundary longer than 0.01 m (the partitioner's
 * own test of adjacency; a shared corner is not enough).
 */
export async function communityAdjacency(k: Knex, planId: number, areaCode: string): Promise<[number, number][]> {
  const r = await oneRow<{ pairs: [unknown, unknown][] }>(k,
    `select coalesce(json_agg(json_build_array(e.a, e.b) order by e.a, e.b), '[]') as pairs from (
       select a.id as a, b.id as b,
              ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom), ${CHECK_GRID_DEG}), 2)::geography) as len
         from grid_units a
         join grid_units b on b.plan_id = a.plan_id and b.area_code = a.area_code and a.id < b.id and a.geom && b.geom
        where a.plan_id = ? and a.area_code = ? and ST_Intersects(a.geom, b.geom)) e
      where e.len > 0.01`,
    [planId, areaCode], `finding which units of community ${areaCode} border each other`);
  return r.pairs.map(([a, b]) => [num(a), num(b)] as [number, number]);
}

/** Length in metres (geography) of the boundary two grids share (0 when they meet at a corner or not at all). */
export async function sharedBoundaryM(k: Knex, planId: number, a: string, b: string): Promise<number> {
  const r = await oneRow<{ m: unknown }>(k,
    `select coalesce(ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(x.geom), ST_Boundary(y.geom), ${CHECK_GRID_DEG}), 2)::geography), 0) as m
       from grids x, grids y where x.plan_id = ? and x.code = ? and y.plan_id = x.plan_id and y.code = ?`,
    [planId, a, b], `measuring the boundary grids ${a} and ${b} share`);
  return num(r.m);
}

export async function moveUnits(k: Knex, planId: number, ids: number[], toGrid: string): Promise<void> {
  await k.raw(`update grid_units set grid_code = ? where plan_id = ? and id in (${marks(ids)})`, [toGrid, planId, ...ids]);
}

export async function reassignGrid(k: Knex, planId: number, fromGrid: string, toGrid: string): Promise<void> {
  await k.raw(`update grid_units set grid_code = ? where plan_id = ? and grid_code = ?`, [toGrid, planId, fromGrid]);
}

export async function deleteGrid(k: Knex, planId: number, code: string): Promise<void> {
  await k.raw(`delete from grids where plan_id = ? and code = ?`, [planId, code]);
}

export interface Piece {
  /** hex EWKB, passed back to SQL as `?::geometry` without loss */
  hex: string;
  lng: number;
  lat: number;
  /** planar (sliver-proof) area, m² */
  areaM2: number;
}

/** The polygons ST_Split makes of a grid cut by a GeoJSON line. */
export async function splitGridGeometry(k: Knex, planId: number, code: string, lineGeoJson: string): Promise<Piece[]> {
  const { rows } = await k.raw(
    `select ST_AsHexEWKB(p.geom) as hex, ST_X(ST_Centroid(p.geom)) as lng, ST_Y(ST_Centroid(p.geom)) as lat,
            ${planarM2('p.geom')} as area_m2
       from grids g
       cross join lateral ST_Dump(ST_Split(g.geom, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)))) p
      where g.plan_id = ? and g.code = ?
      order by p.path`,
    [lineGeoJson, planId, code],
  );
  if (!rows.length) throw engineFailed(`cutting grid ${code} along the line`); // ST_Split answers at least the grid itself
  return rows.map((r: Record<string, unknown>) => ({ hex: r.hex as string, lng: num(r.lng), lat: num(r.lat), areaM2: num(r.area_m2) }));
}

export interface UnitSide {
  id: number;
  /** 0: the part keeping the grid's code, 1: the new grid */
  side: 0 | 1;
  /** the unit's polygons on that side, hex EWKB MultiPolygon */
  hex: string;
}

/**
 * Each unit of a grid cut by the line (ST_Split), its pieces grouped by the side of the cut
 * they lie on (1 inside the new grid's part, else 0, slivers included): a unit the line misses
 * comes back once, a unit it crosses once per side.
 */
export async function splitUnitsBySide(k: Knex, planId: number, code: string, lineGeoJson: string, newPartHex: string): Promise<UnitSide[]> {
  const { rows } = await k.raw(
    `select u.id, s.side,
            ST_AsHexEWKB(ST_Multi(case when count(*) = 1 then ST_GeometryN(ST_Collect(p.geom), 1)
                                      else ST_CollectionExtract(ST_Union(p.geom), 3) end)) as hex
       from grid_units u
       cross join lateral ST_Dump(ST_Split(u.geom, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)))) p
       cross join lateral (select case when ST_Covers(?::geometry, ST_PointOnSurface(p.geom)) then 1 else 0 end as side) s
      where u.plan_id = ? and u.grid_code = ?
      group by u.id, s.side
      order by u.id, s.side`,
    [lineGeoJson, newPartHex, planId, code],
  );
  const { rows: [{ n }] } = await k.raw(`select count(*)::int as n from grid_units where plan_id = ? and grid_code = ?`, [planId, code]);
  if (new Set(rows.map((r: { id: unknown }) => num(r.id))).size !== n) throw engineFailed(`cutting the units of grid ${code} along the line`);
  return rows.map((r: Record<string, unknown>) => ({ id: num(r.id), side: num(r.side) as 0 | 1, hex: r.hex as string }));
}

/**
 * Households and population of the address points in each of a unit's two pieces
 * (ST_Covers), a point on the cut counted once, on side 0.
 */
export async function recountSides(k: Knex, side0Hex: string, side1Hex: string): Promise<{ households: number; population: number }[]> {
  const r = await oneRow<Record<string, unknown>>(k,
    `select coalesce(sum(x.households) filter (where x.side = 0), 0)::int as h0, coalesce(sum(x.population) filter (where x.side = 0), 0)::int as p0,
            coalesce(sum(x.households) filter (where x.side = 1), 0)::int as h1, coalesce(sum(x.population) filter (where x.side = 1), 0)::int as p1
       from (select distinct on (a.id) a.id, a.households, a.population, s.side
               from (values (0, ?::geometry), (1, ?::geometry)) s(side, geom)
               join address_points a on ST_Covers(s.geom, a.geom)
              order by a.id, s.side) x`,
    [side0Hex, side1Hex], 'counting the address points of a cut unit');
  return [{ households: num(r.h0), population: num(r.p0) }, { households: num(r.h1), population: num(r.p1) }];
}

/** A copy of unit `fromId` on `grid` with the given geometry and figures; returns the new id. */
export async function insertUnitPiece(
  k: Knex, fromId: number, grid: string, hex: string, figures: { households: number; population: number },
): Promise<number> {
  const { rows } = await k.raw(
    `insert into grid_units (plan_id, grid_code, area_code, households, population, geom)
     select plan_id, ?, area_code, ?, ?, ?::geometry from grid_units where id = ? returning id`,
    [grid, figures.households, figures.population, hex, fromId],
  );
  return num(rows[0].id);
}

export async function deleteUnits(k: Knex, planId: number, ids: number[]): Promise<void> {
  await k.raw(`delete from grid_units where plan_id = ? and id in (${marks(ids)})`, [planId, ...ids]);
}

/** A new grid like `fromCode` (kind, community, properties), unnamed; its geometry is recomputed from its units. */
export async function insertGridLike(k: Knex, planId: number, fromCode: string, code: string, hex: string): Promise<void> {
  await k.raw(
    `insert into grids (plan_id, code, kind, area_code, name, properties, households, population, geom)
     select plan_id, ?, kind, area_code, null, properties, 0, 0, ST_Multi(?::geometry) from grids where plan_id = ? and code = ?`,
    [code, hex, planId, fromCode],
  );
}

/** Grids whose union of units is not a valid polygon, with GEOS's reason. */
export async function invalidUnions(k: Knex, planId: number, codes: string[]): Promise<{ code: string; reason: string }[]> {
  const r = await oneRow<{ invalid: { code: string; reason: string }[] }>(k,
    `select coalesce(json_agg(json_build_object('code', code, 'reason', reason) order by code) filter (where reason <> 'Valid Geometry'), '[]') as invalid
       from (select grid_code as code, ST_IsValidReason(ST_Multi(ST_CollectionExtract(ST_Union(geom), 3))) as reason
               from grid_units where plan_id = ? and grid_code in (${marks(codes)}) group by grid_code) v`,
    [planId, ...codes], `uniting the units of grids ${codes.join(', ')}`);
  return r.invalid;
}

/**
 * Geometry = ST_Multi(ST_Union(units)), households/population = sums of the units (also in
 * properties when kept there). Should the floating-point union fail silently for some grid,
 * those grids are united once more on the CHECK_GRID_DEG grid before giving up.
 */
export async function recomputeGrids(k: Knex, planId: number, codes: string[]): Promise<void> {
  const update = (only: string[], gridSize: string) => k.raw(
    `update grids g
        set geom = u.geom, households = u.households, population = u.population,
            properties = g.properties || jsonb_strip_nulls(jsonb_build_object(
              'households', case when g.properties -> 'households' is not null then u.households end,
              'population', case when g.properties -> 'population' is not null then u.population end))
       from (select grid_code, ST_Multi(ST_CollectionExtract(ST_Union(geom${gridSize}), 3)) as geom,
                    sum(households)::int as households, sum(population)::int as population
               from grid_units where plan_id = ? and grid_code in (${marks(only)}) group by grid_code) u
      where g.plan_id = ? and g.code = u.grid_code
      returning g.code`,
    [planId, ...only, planId],
  );
  const { rows } = await update(codes, '');
  const missing = codes.filter((c) => !rows.some((r: { code: string }) => r.code === c));
  if (!missing.length) return;
  const { rows: again } = await update(missing, `, ${CHECK_GRID_DEG}`);
  if (again.length !== missing.length) throw engineFailed(`uniting the units of grids ${missing.join(', ')}`);
}

/** Deletes the micro-grids of the given grids; returns how many. */
export async function deleteMicroGrids(k: Knex, planId: number, parentCodes: string[]): Promise<number> {
  const { rows } = await k.raw(
    `delete from grids where plan_id = ? and kind = 'micro' and parent_grid_code in (${marks(parentCodes)}) returning code`,
    [planId, ...parentCodes],
  );
  return rows.length;
}

export interface TilingReport {
  communityM2: number;
  /** area of (union of grids) △ community, m² */
  symDiffM2: number;
  overlaps: { a: string; b: string; areaM2: number }[];
  invalid: { code: string; reason: string }[];
}

/**
 * How well a community's comprehensive and dedicated grids tile it: the symmetric difference
 * between their union and the community (its admin_areas polygon, else the union of its
 * units), overlaps between pairs of grids above 0.01 m², invalid grids. Overlays run on the
 * CHECK_GRID_DEG grid; areas are planar in lon/lat scaled at the community's latitude, so
 * zero-width slivers measure ~0.
 */
export async function tilingReport(k: Knex, planId: number, areaCode: string): Promise<TilingReport> {
  const doing = `checking the tiling of community ${areaCode}`;
  const cover = await oneRow<Record<string, unknown>>(k,
    `select ST_Area(c.geom::geography) as community_m2, f.m2_per_deg2,
            coalesce(ST_Area(ST_CollectionExtract(ST_SymDifference(c.geom, u.geom, ${CHECK_GRID_DEG}), 3)) * f.m2_per_deg2,
                     ST_Area(c.geom::geography)) as symdiff_m2
       from (select coalesce((select geom from admin_areas where code = ?),
                             (select ST_Multi(ST_Union(geom, ${CHECK_GRID_DEG})) from grid_units where plan_id = ? and area_code = ?)) as geom) c
       cross join (select ST_Union(geom, ${CHECK_GRID_DEG}) as geom from grids where plan_id = ? and area_code = ? and kind in ${EDITABLE}) u
       cross join lateral (select ${m2PerDeg2('ST_Y(ST_Centroid(c.geom))')} as m2_per_deg2) f`,
    [areaCode, planId, areaCode, planId, areaCode], doing);
  const { overlaps } = await oneRow<{ overlaps: Record<string, unknown>[] }>(k,
    `select coalesce(json_agg(json_build_object('a', a, 'b', b, 'areaM2', area_m2) order by a, b) filter (where area_m2 > 0.01), '[]') as overlaps from (
       select x.code as a, y.code as b,
              ST_Area(ST_CollectionExtract(ST_Intersection(x.geom, y.geom, ${CHECK_GRID_DEG}), 3)) * ? as area_m2
         from grids x join grids y on y.plan_id = x.plan_id and y.area_code = x.area_code and x.code < y.code and x.geom && y.geom
        where x.plan_id = ? and x.area_code = ? and x.kind in ${EDITABLE} and y.kind in ${EDITABLE}
          and ST_Relate(x.geom, y.geom, '2********')) o`,
    [num(cover.m2_per_deg2), planId, areaCode], doing);
  const { invalid } = await oneRow<{ invalid: { code: string; reason: string }[] }>(k,
    `select coalesce(json_agg(json_build_object('code', code, 'reason', ST_IsValidReason(geom)) order by code) filter (where not ST_IsValid(geom)), '[]') as invalid
       from grids where plan_id = ? and area_code = ? and kind in ${EDITABLE}`,
    [planId, areaCode], doing);
  return {
    communityM2: num(cover.community_m2),
    symDiffM2: num(cover.symdiff_m2),
    overlaps: overlaps.map((o) => ({ a: o.a as string, b: o.b as string, areaM2: num(o.areaM2) })),
    invalid,
  };
}

export interface FigureRow {
  code: string;
  kind: string;
  households: number;
  population: number;
  area_m2: number;
  perimeter_m: number;
  target_min: number;
  target_max: number;
}

const jsonNumber = (expr: string) => `case when jsonb_typeof(${expr}) = 'number' then (${expr})::float8 end`;
/** The grid's properties.target_min/max (the partitioner writes them), else the plan's urban range, else the default. */
const target = (bound: 'min' | 'max') => `coalesce(${jsonNumber(`g.properties -> 'target_${bound}'`)},
  ${jsonNumber(`p.params #> '{urban,${bound}}'`)}, ${DEFAULT_TARGETS.urban[bound]}) as target_${bound}`;

/** Households, population, area and perimeter on the spheroid, household targets. */
export async function figureRows(k: Knex, planId: number, codes: string[]): Promise<FigureRow[]> {
  const { rows } = await k.raw(
    `select g.code, g.kind, g.households, g.population, ST_Area(g.geom::geography) as area_m2,
            ST_Perimeter(g.geom::geography) as perimeter_m, ${target('min')}, ${target('max')}
       from grids g join grid_plans p on p.id = g.plan_id
      where g.plan_id = ? and g.code in (${marks(codes)}) and g.kind in ${EDITABLE} order by g.code`,
    [planId, ...codes],
  );
  return rows.map((r: Record<string, unknown>) => ({
    code: r.code as string, kind: r.kind as string,
    households: num(r.households), population: num(r.population),
    area_m2: num(r.area_m2), perimeter_m: num(r.perimeter_m),
    target_min: num(r.target_min), target_max: num(r.target_max),
  }));
}

// ---- snapshots --------------------------------------------------------------------------

/**
 * Whole rows, geometry as hex EWKB: what an edit replaced or wrote. Without grids' `version`:
 * a snapshot is content, and whatever a restore writes gets the plan's next version.
 */
export interface Snapshot {
  grids: Record<string, unknown>[];
  units: Record<string, unknown>[];
}

const asJsonRows = (alias: string) =>
  `coalesce(jsonb_agg((to_jsonb(${alias}) - 'geom' - 'version') || jsonb_build_object('geom', ST_AsHexEWKB(${alias}.geom)) order by ${alias}.id), '[]'::jsonb)`;

/** The rows of the given grids, of their micro-grids and of their units. */
export async function snapshot(k: Knex, planId: number, codes: string[]): Promise<Snapshot> {
  const { rows: [g] } = await k.raw(
    `select ${asJsonRows('g')} as rows from grids g
      where g.plan_id = ? and (g.code in (${marks(codes)}) or g.parent_grid_code in (${marks(codes)}))`,
    [planId, ...codes, ...codes],
  );
  const { rows: [u] } = await k.raw(
    `select ${asJsonRows('u')} as rows from grid_units u where u.plan_id = ? and u.grid_code in (${marks(codes)})`,
    [planId, ...codes],
  );
  return { grids: g.rows, units: u.rows };
}

/**
 * Replaces the rows of snapshot `current` (and any of `target`'s) by `target`'s, ids and
 * geometry exactly; the grids written get `version`.
 */
export async function restoreSnapshot(k: Knex, planId: number, current: Snapshot, target: Snapshot, version: number): Promise<void> {
  const codes = [...new Set([...current.grids, ...target.grids].map((g) => g.code as string))];
  const unitIds = [...new Set([...current.units, ...target.units].map((u) => num(u.id)))];
  if (codes.length) await k.raw(`delete from grids where plan_id = ? and code in (${marks(codes)})`, [planId, ...codes]);
  if (unitIds.length) await k.raw(`delete from grid_units where plan_id = ? and id in (${marks(unitIds)})`, [planId, ...unitIds]);
  if (target.grids.length) {
    const grids = target.grids.map((g) => ({ ...g, version }));
    await k.raw(`insert into grids select * from jsonb_populate_recordset(null::grids, ?::jsonb)`, [JSON.stringify(grids)]);
  }
  if (target.units.length) {
    await k.raw(`insert into grid_units select * from jsonb_populate_recordset(null::grid_units, ?::jsonb)`, [JSON.stringify(target.units)]);
  }
}

// ---- history ----------------------------------------------------------------------------

export interface EditRow {
  id: number;
  seq: number;
  op: Record<string, unknown> & { op: string };
  before: Snapshot;
  after: Snapshot;
  undone: boolean;
  created_at: string;
}

const toEditRow = (r: Record<string, unknown>): EditRow => ({
  ...(r as unknown as EditRow),
  id: num(r.id),
  seq: num(r.seq),
  created_at: new Date(r.created_at as string).toISOString(),
});

/** One past the highest seq the plan ever used, so seqs are never reused after a redo stack is dropped. */
export async function nextSeq(k: Knex, planId: number): Promise<number> {
  const { rows } = await k.raw(`select coalesce(max(seq), 0) + 1 as seq from grid_plan_edits where plan_id = ?`, [planId]);
  return num(rows[0].seq);
}

/** Drops the redo stack (edits undone and not redone); returns how many. */
export async function discardUndone(k: Knex, planId: number): Promise<number> {
  const { rows } = await k.raw(`delete from grid_plan_edits where plan_id = ? and undone returning seq`, [planId]);
  return rows.length;
}

export async function insertEdit(
  k: Knex, planId: number, seq: number, op: Record<string, unknown>, before: Snapshot, after: Snapshot,
): Promise<EditRow> {
  const { rows } = await k.raw(
    `insert into grid_plan_edits (plan_id, seq, op, before, after) values (?, ?, ?::jsonb, ?::jsonb, ?::jsonb)
     returning id, seq, op, undone, created_at`,
    [planId, seq, JSON.stringify(op), JSON.stringify(before), JSON.stringify(after)],
  );
  return toEditRow({ ...rows[0], before, after });
}

/** The edit undo would revert: the latest not undone. */
export async function lastDone(k: Knex, planId: number): Promise<EditRow | undefined> {
  const { rows } = await k.raw(
    `select id, seq, op, before, after, undone, created_at from grid_plan_edits
      where plan_id = ? and not undone order by seq desc limit 1`,
    [planId],
  );
  return rows[0] && toEditRow(rows[0]);
}

/** The edit redo would re-apply: the earliest undone (the one undone last). */
export async function firstUndone(k: Knex, planId: number): Promise<EditRow | undefined> {
  const { rows } = await k.raw(
    `select id, seq, op, before, after, undone, created_at from grid_plan_edits
      where plan_id = ? and undone order by seq asc limit 1`,
    [planId],
  );
  return rows[0] && toEditRow(rows[0]);
}

export async function setUndone(k: Knex, editId: number, undone: boolean): Promise<void> {
  await k.raw(`update grid_plan_edits set undone = ? where id = ?`, [undone, editId]);
}

export interface EditListRow {
  seq: number;
  op: Record<string, unknown> & { op: string };
  undone: boolean;
  created_at: string;
  before_grids: string[];
  after_grids: string[];
}

/**
 * A plan's edits in order, with the grid codes each replaced and wrote (no geometry): those that
 * replaced or wrote a grid in the scope.
 */
export async function listEdits(k: Knex, planId: number, scope: Scope): Promise<EditListRow[]> {
  const codes = (side: string) =>
    `(select coalesce(jsonb_agg(g ->> 'code' order by g ->> 'code'), '[]'::jsonb)
        from jsonb_array_elements(e.${side} -> 'grids') g where g ->> 'kind' <> 'micro') as ${side}_grids`;
  const { rows } = await k.raw(
    `select e.seq, e.op, e.undone, e.created_at, ${codes('before')}, ${codes('after')}
       from grid_plan_edits e
      where e.plan_id = ? ${scope.prefix === '' ? '' : `and exists (
              select 1 from jsonb_array_elements((e.before -> 'grids') || (e.after -> 'grids')) g
               where ${scopeCondition("(g ->> 'area_code')", scope)})`}
      order by e.seq`,
    [planId],
  );
  return rows.map((r: Record<string, unknown>) => ({
    ...(r as unknown as EditListRow), seq: num(r.seq), created_at: new Date(r.created_at as string).toISOString(),
  }));
}

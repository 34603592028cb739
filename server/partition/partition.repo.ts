import type { Knex } from 'knex';
import { areaVisible, inScope, outOfScope, type Scope } from '../auth/scope';
import { recordAudit } from '../audit/audit.repo';
import type { HexWkb } from '../geo/hex-wkb';
import { AppError, badRequest, notFound } from '../http/errors';
import { planHead } from '../plans/plans.repo';
import { GRID } from './units.repo';

/** How far a grid's vertices may snap to join units that GRID left touching at points only. */
const MERGE_TOLERANCE_DEG = 1e-9;

export interface Community { code: string; name: string }

/**
 * What a partition request may touch in the caller's scope: the area partitioned must lie in it
 * and the layer written (by name, when it exists) be visible in it (else 403 out_of_scope, naming
 * the area); the dedicated layer and the base plan read must be visible (else 404).
 */
export async function requirePartitionInScope(
  knex: Knex, req: { areaCode: string; layer: string; dedicatedLayerId?: number; basedOn?: number }, scope: Scope,
): Promise<void> {
  if (scope.prefix === '') return;
  if (!inScope(scope, req.areaCode)) throw outOfScope(scope, req.areaCode, `partitioning area ${req.areaCode}`);
  const { rows: [layer] } = await knex.raw('select id, area_code from grid_layers where name = ?', [req.layer]);
  if (layer && !areaVisible(scope, layer.area_code)) throw outOfScope(scope, layer.area_code, `layer ${layer.id} (${req.layer})`);
  if (req.dedicatedLayerId !== undefined) {
    const { rows: [dedicated] } = await knex.raw('select area_code from grid_layers where id = ?', [req.dedicatedLayerId]);
    if (!dedicated || !areaVisible(scope, dedicated.area_code)) throw notFound(`layer ${req.dedicatedLayerId}`);
  }
  if (req.basedOn !== undefined && !(await planHead(knex, req.basedOn, scope))) throw notFound(`plan ${req.basedOn}`);
}

/** The area and the communities under it (itself when it is one), west to east. */
export async function communitiesUnder(knex: Knex, areaCode: string): Promise<{ area: { code: string; name: string; level: string }; communities: Community[] }> {
  const { rows: areas } = await knex.raw('select code, name, level from admin_areas where code = ?', [areaCode]);
  if (!areas.length) throw notFound(`area ${areaCode}`);
  const { rows } = await knex.raw(
    `with recursive t as (select code from admin_areas where code = ?
       union all select a.code from admin_areas a join t on a.parent_code = t.code)
     select a.code, a.name from admin_areas a join t using (code) where a.level = 'community' order by ST_XMin(a.geom), a.code`,
    [areaCode],
  );
  if (!rows.length) throw badRequest('no_communities', `area ${areaCode} (${areas[0].name}) has no communities to partition`);
  return { area: areas[0], communities: rows };
}

/**
 * Dedicated-unit footprints as hex EWKB polygons: drawn features, or the newest plan of a
 * dedicated layer. A feature that is not a valid (Multi)Polygon is a 400 naming it.
 */
export async function footprintsFrom(knex: Knex, source: { layerId?: number; features?: unknown[] }): Promise<{ geom: HexWkb; name: string | null; unitType: string | null }[]> {
  if (source.layerId !== undefined) {
    const { rows: layers } = await knex.raw('select kind from grid_layers where id = ?', [source.layerId]);
    if (!layers.length) throw notFound(`layer ${source.layerId}`);
    if (layers[0].kind !== 'dedicated') throw badRequest('not_dedicated_layer', `layer ${source.layerId} is a ${layers[0].kind} layer, not a dedicated one`);
    const { rows } = await knex.raw(
      `select ST_AsHexEWKB(g.geom) as geom, g.name, g.properties->>'unit_type' as unit_type from grids g
       where g.plan_id = (select id from grid_plans where layer_id = ? order by (status = 'published') desc, id desc limit 1)`,
      [source.layerId],
    );
    return rows.map((r: { geom: HexWkb; name: string | null; unit_type: string | null }) => ({ geom: r.geom, name: r.name, unitType: r.unit_type }));
  }
  const out = [];
  for (const [i, f] of (source.features ?? []).entries()) {
    const feature = f as { geometry?: { type?: string }; properties?: { name?: string; unitType?: string } };
    const type = feature?.geometry?.type;
    if (type !== 'Polygon' && type !== 'MultiPolygon') throw badRequest('invalid_footprint', `dedicated feature ${i}: geometry must be a Polygon or MultiPolygon, got ${type ?? 'none'}`);
    const { rows } = await knex.raw(
      `with g as (select ST_SetSRID(ST_GeomFromGeoJSON(?), 4326) as g)
       select ST_IsValid(g) as valid, ST_IsValidReason(g) as reason, ST_AsHexEWKB(ST_Multi(g)) as geom from g`,
      [JSON.stringify(feature.geometry)],
    ).catch((e: Error) => { throw badRequest('invalid_footprint', `dedicated feature ${i}: ${e.message}`); });
    if (!rows[0].valid) throw badRequest('invalid_footprint', `dedicated feature ${i}: ${rows[0].reason}`);
    out.push({ geom: rows[0].geom, name: feature.properties?.name ?? null, unitType: feature.properties?.unitType ?? null });
  }
  return out;
}

/** The layer's id, creating a layer of that name and kind when there is none. */
export async function ensureLayer(trx: Knex.Transaction, name: string, areaCode: string | null, kind = 'comprehensive'): Promise<number> {
  const { rows } = await trx.raw('select id, kind from grid_layers where name = ?', [name]);
  if (rows.length) {
    if (rows[0].kind !== kind) throw badRequest('wrong_layer_kind', `layer '${name}' holds ${rows[0].kind} grids, not ${kind} ones`);
    return rows[0].id;
  }
  const { rows: created } = await trx.raw(`insert into grid_layers (name, kind, area_code) values (?, ?, ?) returning id`, [name, kind, areaCode]);
  await recordAudit(trx, { action: 'layer.create', entity: 'layer', entityId: String(created[0].id), areaCode, after: { id: created[0].id, name, kind, areaCode } });
  return created[0].id;
}

/**
 * A new draft plan of the layer; its audit entry (plan.create) holds the plan and `summary`, what
 * the caller knows of what it is about to write (a partition's grid counts and households).
 */
export async function createPlan(trx: Knex.Transaction, p: { layerId: number; name: string; areaCode: string | null; params: unknown; basedOn?: number; summary?: Record<string, unknown> }): Promise<number> {
  const { rows: clash } = await trx.raw('select 1 from grid_plans where layer_id = ? and name = ?', [p.layerId, p.name]);
  if (clash.length) throw new AppError(409, 'plan_exists', `the layer already has a plan named '${p.name}'`);
  if (p.basedOn !== undefined) {
    const { rows } = await trx.raw('select layer_id from grid_plans where id = ?', [p.basedOn]);
    if (!rows.length) throw notFound(`plan ${p.basedOn}`);
    if (rows[0].layer_id !== p.layerId) throw badRequest('based_on_other_layer', `plan ${p.basedOn} belongs to another layer`);
  }
  const { rows } = await trx.raw(
    `insert into grid_plans (layer_id, name, area_code, params, based_on) values (?, ?, ?, ?::jsonb, ?) returning id`,
    [p.layerId, p.name, p.areaCode, JSON.stringify(p.params), p.basedOn ?? null],
  );
  await recordAudit(trx, {
    action: 'plan.create', entity: 'plan', entityId: String(rows[0].id), areaCode: p.areaCode,
    after: { id: rows[0].id, layerId: p.layerId, name: p.name, status: 'draft', areaCode: p.areaCode, params: p.params, basedOn: p.basedOn ?? null, ...p.summary },
  });
  return rows[0].id;
}

export interface GridRow {
  code: string;
  kind: 'comprehensive' | 'dedicated' | 'micro';
  name: string | null;
  parentGridCode: string | null;
  households: number;
  population: number;
  properties: Record<string, unknown>;
}

/**
 * Writes one community's units and the grids made of them: each grid's geometry is the union
 * of its units, so the grids tile the community exactly as the units do.
 */
export async function insertCommunityGrids(
  trx: Knex.Transaction,
  planId: number,
  communityCode: string,
  units: { geom: HexWkb; households: number; population: number; grid: string; micro: string | null }[],
  grids: GridRow[],
): Promise<void> {
  await trx.raw(
    `insert into grid_units (plan_id, grid_code, area_code, households, population, geom)
     select ?, u.grid, ?, u.households, u.population, u.geom::geometry
     from unnest(?::text[], ?::int[], ?::int[], ?::text[]) as u(geom, households, population, grid)`,
    [planId, communityCode, units.map((u) => u.geom), units.map((u) => u.households), units.map((u) => u.population), units.map((u) => u.grid)],
  );
  await trx.raw(
    `insert into grids (plan_id, code, kind, area_code, name, properties, households, population, parent_grid_code, geom)
     select ?, g.code, g.kind, ?, g.name, g.properties::jsonb, g.households, g.population, g.parent, ST_Multi(ST_Union(u.geom, ${GRID}))
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[]) as g(code, kind, name, properties, households, population, parent)
     join unnest(?::text[], ?::text[], ?::text[]) as m(geom, grid, micro) on m.grid = g.code or m.micro = g.code
     cross join lateral (select m.geom::geometry as geom) u
     group by g.code, g.kind, g.name, g.properties, g.households, g.population, g.parent`,
    [
      planId, communityCode,
      grids.map((g) => g.code), grids.map((g) => g.kind), grids.map((g) => g.name), grids.map((g) => JSON.stringify(g.properties)),
      grids.map((g) => g.households), grids.map((g) => g.population), grids.map((g) => g.parentGridCode),
      units.map((u) => u.geom), units.map((u) => u.grid), units.map((u) => u.micro),
    ] as Knex.RawBinding[],
  );
  // Snap-rounding at GRID can leave two units that share an edge touching only at its ends
  // (one side has a vertex a hundred-billionth of a degree off the other's straight edge), so
  // the union falls into two parts. Snapping such a grid to itself within 0.1 mm puts that
  // vertex on both sides and the parts join; kept only where it does.
  await trx.raw(
    `update grids g set geom = m.geom
     from (
       select id, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Snap(geom, geom, ${MERGE_TOLERANCE_DEG})), 3)) as geom
       from grids where plan_id = ? and area_code = ? and kind <> 'micro' and ST_NumGeometries(geom) > 1
     ) m
     where g.id = m.id and ST_NumGeometries(m.geom) < ST_NumGeometries(g.geom) and ST_IsValid(m.geom)`,
    [planId, communityCode],
  );
}

/** Grids of `planId` equal (to 1 m² of symmetric difference) to a grid of `basePlanId` in the same community. */
export async function unchangedSince(trx: Knex.Transaction, planId: number, basePlanId: number): Promise<Map<string, string>> {
  const { rows } = await trx.raw(
    `select n.code as new_code, b.code as base_code from grids n
     join grids b on b.plan_id = ? and b.area_code = n.area_code and b.kind = n.kind and b.geom && n.geom
       and abs(ST_Area(b.geom::geography) - ST_Area(n.geom::geography)) < 1
       and ST_Area(ST_SymDifference(b.geom, n.geom)::geography) < 1
     where n.plan_id = ? and n.kind in ('comprehensive', 'dedicated')`,
    [basePlanId, planId],
  );
  return new Map(rows.map((r: { new_code: string; base_code: string }) => [r.new_code, r.base_code]));
}

/** Renames grids (and their units and micro-grids) of a plan: old code → new code. */
export async function renameGrids(trx: Knex.Transaction, planId: number, renames: Map<string, string>): Promise<void> {
  if (!renames.size) return;
  const [from, to] = [[...renames.keys()], [...renames.values()]];
  // Two steps, through a prefix no code has, so swapped codes never collide on the unique key.
  await trx.raw(`update grids set code = '~' || code, parent_grid_code = '~' || parent_grid_code where plan_id = ?`, [planId]);
  await trx.raw(`update grid_units set grid_code = '~' || grid_code where plan_id = ?`, [planId]);
  for (const column of ['code', 'parent_grid_code'] as const) {
    await trx.raw(
      `update grids g set ${column} = r.to_code from unnest(?::text[], ?::text[]) as r(from_code, to_code) where g.plan_id = ? and g.${column} = '~' || r.from_code`,
      [from, to, planId],
    );
  }
  await trx.raw(
    `update grids g set code = r.to_code || substr(g.code, 17) from unnest(?::text[], ?::text[]) as r(from_code, to_code)
     where g.plan_id = ? and g.kind = 'micro' and substr(g.code, 1, 16) = '~' || r.from_code`,
    [from, to, planId],
  );
  await trx.raw(`update grids set code = substr(code, 2) where plan_id = ? and code like '~%'`, [planId]);
  await trx.raw(`update grids set parent_grid_code = substr(parent_grid_code, 2) where plan_id = ? and parent_grid_code like '~%'`, [planId]);
  await trx.raw(
    `update grid_units u set grid_code = r.to_code from unnest(?::text[], ?::text[]) as r(from_code, to_code) where u.plan_id = ? and u.grid_code = '~' || r.from_code`,
    [from, to, planId],
  );
  await trx.raw(`update grid_units set grid_code = substr(grid_code, 2) where plan_id = ? and grid_code like '~%'`, [planId]);
}

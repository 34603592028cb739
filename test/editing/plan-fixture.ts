import type { Knex } from 'knex';
import { insertSquareDistrict } from '../helpers/areas-fixture';

/**
 * A hand-made draft plan over the test district's 西北社区 (≈1 km × 0.5 km), cut into a 4 × 4
 * lattice of square-ish units (≈250 m × 125 m), grouped into four grids:
 *
 * ```
 *   row 3   A A B B      A = …001 comprehensive (+ micro-grids …00101, …00102)
 *   row 2   A A B B      B = …002 comprehensive
 *   row 1   C C C D      C = …003 comprehensive (an L)
 *   row 0   C D D D      D = …901 dedicated (an L)
 *          col 0 1 2 3
 * ```
 * and 西南社区 below it cut into two units, each its own grid (E = …001 west, F = …002 east).
 * Every unit holds two address points (a quarter in from its SW and NE corners); unit (0,3)
 * holds a third at its centre. Units' households and population are the sums of their points.
 */
export const NW = '320113002001';
export const SW = '320113002002';
export const NE = '320113001001';
export const code = { A: `${NW}001`, B: `${NW}002`, C: `${NW}003`, D: `${NW}901`, E: `${SW}001`, F: `${SW}002` };

const layout = ['CDDD', 'CCCD', 'AABB', 'AABB']; // row 0 (south) first
const gridOf = (i: number, j: number) => code[layout[j][i] as 'A' | 'B' | 'C' | 'D'];

export interface Frame { x0: number; y0: number; dx: number; dy: number }
export interface UnitSpec { i: number; j: number; grid: string; households: number; population: number; box: [number, number, number, number] }

/** Corner x/y of lattice lines, in degrees: x = x0 + (i/4)·dx, y = y0 + (0.5 + j/8)·dy. */
export const latticeX = (o: Frame, i: number) => o.x0 + (i / 4) * o.dx;
export const latticeY = (o: Frame, j: number) => o.y0 + (0.5 + j / 8) * o.dy;

/** The 16 units of 西北社区 with their figures; the same for every plan built here. */
export function nwUnits(o: Frame): UnitSpec[] {
  const out: UnitSpec[] = [];
  for (let j = 0; j < 4; j++) {
    for (let i = 0; i < 4; i++) {
      const households = 20 + 4 * i + 10 * j + (i === 0 && j === 3 ? 7 : 0);
      out.push({ i, j, grid: gridOf(i, j), households, population: households * 3,
        box: [latticeX(o, i), latticeY(o, j), latticeX(o, i + 1), latticeY(o, j + 1)] });
    }
  }
  return out;
}

/** Households of a unit's points: [SW-quarter point, NE-quarter point, centre point]. */
export const pointHouseholds = (u: UnitSpec) => {
  const total = 20 + 4 * u.i + 10 * u.j;
  return [Math.floor(total / 2), total - Math.floor(total / 2), u.i === 0 && u.j === 3 ? 7 : 0];
};

/** The district, communities and the lattice's address points; once per database. */
export async function insertEditingWorld(knex: Knex): Promise<Frame> {
  const o = await insertSquareDistrict(knex);
  for (const u of nwUnits(o)) {
    const [x1, y1, x2, y2] = u.box;
    const [a, b, c] = pointHouseholds(u);
    const pts: [number, number, number][] = [[x1 + (x2 - x1) / 4, y1 + (y2 - y1) / 4, a], [x1 + (3 * (x2 - x1)) / 4, y1 + (3 * (y2 - y1)) / 4, b]];
    if (c) pts.push([latticeX(o, u.i + 0.5), latticeY(o, u.j + 0.5), c]); // exactly where a line drawn at(i + 0.5, …) passes
    for (const [x, y, h] of pts) {
      await knex.raw(`insert into address_points (households, population, area_code, geom) values (?, ?, ?, ST_SetSRID(ST_MakePoint(?, ?), 4326))`,
        [h, h * 3, NW, x, y]);
    }
  }
  return o;
}

export interface BuiltPlan {
  planId: number;
  /** unit id at lattice column i, row j of 西北社区 */
  unit: (i: number, j: number) => number;
  /** unit ids of 西南社区: west (grid E), east (grid F) */
  swUnits: [number, number];
  /** unit id of 东北社区's only unit, when built with `brokenNe` */
  neUnits: number[];
}

let planSerial = 0;

/**
 * A new draft plan holding the grids and units above. With `brokenNe`, 东北社区 gets two grids
 * of one unit each that cover only its western half, so its tiling is broken from the start.
 */
export async function buildPlan(knex: Knex, o: Frame, opts: { brokenNe?: boolean } = {}): Promise<BuiltPlan> {
  planSerial++;
  const { rows: [layer] } = await knex.raw(`insert into grid_layers (name, kind) values (?, 'comprehensive') returning id`, [`editing layer ${planSerial}`]);
  const { rows: [plan] } = await knex.raw(
    `insert into grid_plans (layer_id, name, status, area_code, params) values (?, ?, 'draft', '320113002000', ?::jsonb) returning id`,
    [layer.id, `editing plan ${planSerial}`, JSON.stringify({ urban: { min: 100, max: 200 } })],
  );
  const planId = Number(plan.id);
  const env = (b: [number, number, number, number]) => `ST_Multi(ST_MakeEnvelope(${b.join(', ')}, 4326))`;
  const insertUnit = async (grid: string, area: string, households: number, population: number, box: [number, number, number, number]) => {
    const { rows: [u] } = await knex.raw(
      `insert into grid_units (plan_id, grid_code, area_code, households, population, geom) values (?, ?, ?, ?, ?, ${env(box)}) returning id`,
      [planId, grid, area, households, population],
    );
    return Number(u.id);
  };
  const ids = new Map<string, number>();
  for (const u of nwUnits(o)) ids.set(`${u.i},${u.j}`, await insertUnit(u.grid, NW, u.households, u.population, u.box));
  const swWest = await insertUnit(code.E, SW, 40, 120, [o.x0, o.y0, o.x0 + o.dx / 2, o.y0 + o.dy / 2]);
  const swEast = await insertUnit(code.F, SW, 40, 120, [o.x0 + o.dx / 2, o.y0, o.x0 + o.dx, o.y0 + o.dy / 2]);
  const neUnits: number[] = [];
  if (opts.brokenNe) {
    const x = o.x0 + o.dx, y = o.y0 + o.dy / 2;
    neUnits.push(await insertUnit(`${NE}001`, NE, 10, 30, [x, y, x + o.dx / 2, y + o.dy / 4]));
    neUnits.push(await insertUnit(`${NE}002`, NE, 10, 30, [x, y + o.dy / 4, x + o.dx / 2, y + o.dy / 2]));
  }
  const kinds: Record<string, string> = { [code.D]: 'dedicated' };
  await knex.raw(
    `insert into grids (plan_id, code, kind, area_code, name, properties, households, population, geom)
     select plan_id, grid_code, case when grid_code = ? then 'dedicated' else 'comprehensive' end, area_code, '网格' || right(grid_code, 3),
            jsonb_build_object('target_min', 50, 'target_max', 150), sum(households), sum(population), ST_Multi(ST_Union(geom))
       from grid_units where plan_id = ? group by plan_id, grid_code, area_code`,
    [Object.keys(kinds)[0], planId],
  );
  // two micro-grids subdividing A: its northern and southern row
  for (const [suffix, j] of [['01', 3], ['02', 2]] as const) {
    await knex.raw(
      `insert into grids (plan_id, code, kind, area_code, parent_grid_code, households, population, geom)
       select plan_id, ?, 'micro', area_code, ?, sum(households), sum(population), ST_Multi(ST_Union(geom))
         from grid_units where plan_id = ? and id in (?, ?) group by plan_id, area_code`,
      [code.A + suffix, code.A, planId, ids.get(`0,${j}`)!, ids.get(`1,${j}`)!],
    );
  }
  return { planId, unit: (i, j) => ids.get(`${i},${j}`)!, swUnits: [swWest, swEast], neUnits };
}

/** Every grid and unit row of a plan with exact geometry (hex EWKB), and its edit count: equal ⇔ nothing written. */
export async function planState(knex: Knex, planId: number) {
  const { rows: grids } = await knex.raw(
    `select id::text, code, kind, area_code, name, properties, households, population, parent_grid_code, ST_AsHexEWKB(geom) as hex
       from grids where plan_id = ? order by code`, [planId]);
  const { rows: units } = await knex.raw(
    `select id::text, grid_code, area_code, households, population, ST_AsHexEWKB(geom) as hex from grid_units where plan_id = ? order by id`, [planId]);
  const { rows: [{ n }] } = await knex.raw(`select count(*)::int as n from grid_plan_edits where plan_id = ?`, [planId]);
  return { grids, units, edits: n as number };
}

/**
 * How well a community's comprehensive/dedicated grids tile it: the area of the symmetric
 * difference between their union and the community, and the summed pairwise overlap, in m².
 */
export async function tiling(knex: Knex, planId: number, community: string) {
  const { rows: [r] } = await knex.raw(
    `select ST_Area(a.geom::geography) as community_m2,
            ST_Area(ST_SymDifference(a.geom, u.geom)::geography) as symdiff_m2,
            ST_Equals(ST_SnapToGrid(a.geom, 1e-9), ST_SnapToGrid(u.geom, 1e-9)) as equal,
            (select coalesce(sum(ST_Area(ST_Intersection(x.geom, y.geom)::geography)), 0)
               from grids x join grids y on x.plan_id = y.plan_id and x.code < y.code
              where x.plan_id = ? and x.area_code = ? and y.area_code = ? and x.kind <> 'micro' and y.kind <> 'micro') as overlap_m2
       from admin_areas a,
            (select ST_Union(geom) as geom from grids where plan_id = ? and area_code = ? and kind <> 'micro') u
      where a.code = ?`,
    [planId, community, community, planId, community, community],
  );
  return { communityM2: Number(r.community_m2), symDiffM2: Number(r.symdiff_m2), equal: r.equal as boolean, overlapM2: Number(r.overlap_m2) };
}

/** Summed geodesic area of units, in m². */
export async function unitsAreaM2(knex: Knex, ids: number[]): Promise<number> {
  const { rows: [r] } = await knex.raw(`select sum(ST_Area(geom::geography)) as m2 from grid_units where id in (${ids.map(() => '?').join(', ')})`, ids);
  return Number(r.m2);
}

/** Households of lattice units, by (i, j). */
export const latticeHouseholds = (o: Frame, cells: [number, number][]) =>
  cells.reduce((s, [i, j]) => s + nwUnits(o).find((u) => u.i === i && u.j === j)!.households, 0);

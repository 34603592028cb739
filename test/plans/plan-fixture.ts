import type { Knex } from 'knex';

/**
 * Hand-made plans over the test district of test/helpers/areas-fixture.ts (2 × 1 km, four
 * communities of 1 × 0.5 km). Boxes are in district units: x 0..2 west→east, y 0..1 south→north,
 * 1 unit ≈ 1 km. The district's four address points sit at (0.5, 0.75) 120 households,
 * (0.5, 0.25) 80, (1.5, 0.75) 300 and (1.5, 0.25) 5.
 */
export const NW = '320113002001';
export const SW = '320113002002';
export const NE = '320113001001';
export const SE = '320113001002';
export const WEST_STREET = '320113002000';
export const EAST_STREET = '320113001000';
export const DISTRICT = '320113000000';

export interface Frame { x0: number; y0: number; dx: number; dy: number }
export type Box = [number, number, number, number];

export interface GridSpec {
  code: string;
  kind?: 'comprehensive' | 'dedicated' | 'micro';
  area: string;
  name?: string;
  /** one box, or several (unioned: adjacent boxes merge, apart ones make a multi-part grid) */
  boxes: Box[];
  /** default: the households of the address points the grid covers */
  households?: number;
  population?: number;
  parent?: string;
  properties?: Record<string, unknown>;
}

export interface PlanSpec {
  layer: string;
  name: string;
  status?: 'draft' | 'published' | 'archived';
  areaCode?: string | null;
  params?: Record<string, unknown>;
  grids: GridSpec[];
}

/** SQL for a box in district units, as an EPSG:4326 polygon. */
export const boxSql = (o: Frame, [x1, y1, x2, y2]: Box) =>
  `ST_MakeEnvelope(${o.x0 + x1 * o.dx}, ${o.y0 + y1 * o.dy}, ${o.x0 + x2 * o.dx}, ${o.y0 + y2 * o.dy}, 4326)`;

/** Area of the union of boxes on the spheroid, m², computed directly (not through the API). */
export async function boxesAreaM2(knex: Knex, o: Frame, boxes: Box[]): Promise<number> {
  const { rows } = await knex.raw(`select ST_Area(ST_Union(ARRAY[${boxes.map((b) => boxSql(o, b)).join(', ')}])::geography) as a`);
  return Number(rows[0].a);
}

/** Inserts the layer (once, by name) and one plan with its grids; returns the plan id. */
export async function insertPlan(knex: Knex, o: Frame, spec: PlanSpec): Promise<number> {
  const layer = await knex.raw('select id from grid_layers where name = ?', [spec.layer]);
  const layerId: number = layer.rows[0]?.id ??
    (await knex.raw(`insert into grid_layers (name, kind, area_code) values (?, 'comprehensive', ?) returning id`, [spec.layer, DISTRICT])).rows[0].id;
  const status = spec.status ?? 'draft';
  const { rows } = await knex.raw(
    `insert into grid_plans (layer_id, name, status, published_at, area_code, params)
     values (?, ?, ?, ${status === 'draft' ? 'null' : 'now()'}, ?, ?::jsonb) returning id`,
    [layerId, spec.name, status, spec.areaCode === undefined ? DISTRICT : spec.areaCode, JSON.stringify(spec.params ?? {})],
  );
  const planId = Number(rows[0].id);
  for (const g of spec.grids) {
    const geom = `ST_Multi(ST_Union(ARRAY[${g.boxes.map((b) => boxSql(o, b)).join(', ')}]))`;
    const covered = (col: string) => `(select coalesce(sum(p.${col}), 0)::int from address_points p where ST_Covers(${geom}, p.geom))`;
    await knex.raw(
      `insert into grids (plan_id, code, kind, area_code, name, properties, households, population, parent_grid_code, geom)
       values (?, ?, ?, ?, ?, ?::jsonb, ${g.households ?? covered('households')}, ${g.population ?? covered('population')}, ?, ${geom})`,
      [planId, g.code, g.kind ?? 'comprehensive', g.area, g.name ?? null, JSON.stringify(g.properties ?? {}), g.parent ?? null],
    );
  }
  return planId;
}

/** Each community cut at x = `cuts` (district units) into grids `<community>001`, `002`, … */
export function splitCommunities(cuts: { nw: number; sw: number; ne: number; se: number }, properties?: Record<string, unknown>): GridSpec[] {
  const rows: [string, string, number, number, number, number][] = [
    [NW, '西北', 0, 1, 0.5, cuts.nw],
    [SW, '西南', 0, 1, 0, cuts.sw],
    [NE, '东北', 1, 2, 0.5, cuts.ne],
    [SE, '东南', 1, 2, 0, cuts.se],
  ];
  return rows.flatMap(([area, name, x1, x2, y, cut]) => [
    { code: `${area}001`, area, name: `${name}一网格`, boxes: [[x1, y, cut, y + 0.5]] as Box[], properties },
    { code: `${area}002`, area, name: `${name}二网格`, boxes: [[cut, y, x2, y + 0.5]] as Box[], properties },
  ]);
}

import type { Knex } from 'knex';

/**
 * A hand-made district of 2 × 1 km split into two streets of 1 × 1 km, each split into two
 * communities, near Nanjing; plus 4 address points, one per community.
 */
export async function insertSquareDistrict(knex: Knex) {
  const x0 = 118.9, y0 = 32.1, dx = 0.0106, dy = 0.009; // ≈ 1 km each way at this latitude
  const box = (x: number, y: number, w: number, h: number) =>
    `ST_Multi(ST_MakeEnvelope(${x0 + x * dx}, ${y0 + y * dy}, ${x0 + (x + w) * dx}, ${y0 + (y + h) * dy}, 4326))`;
  const areas: [string, string, string, string | null, string][] = [
    ['320113000000', '测试区', 'district', null, box(0, 0, 2, 1)],
    ['320113001000', '东街道', 'street', '320113000000', box(1, 0, 1, 1)],
    ['320113002000', '西街道', 'street', '320113000000', box(0, 0, 1, 1)],
    ['320113002001', '西北社区', 'community', '320113002000', box(0, 0.5, 1, 0.5)],
    ['320113002002', '西南社区', 'community', '320113002000', box(0, 0, 1, 0.5)],
    ['320113001001', '东北社区', 'community', '320113001000', box(1, 0.5, 1, 0.5)],
    ['320113001002', '东南社区', 'community', '320113001000', box(1, 0, 1, 0.5)],
  ];
  for (const [code, name, level, parent, geom] of areas) {
    await knex.raw(`insert into admin_areas (code, name, level, parent_code, geom) values (?, ?, ?, ?, ${geom})`, [code, name, level, parent]);
  }
  const points: [number, number, number][] = [[0.5, 0.75, 120], [0.5, 0.25, 80], [1.5, 0.75, 300], [1.5, 0.25, 5]];
  for (const [x, y, households] of points) {
    await knex.raw(`insert into address_points (households, population, geom) values (?, ?, ST_SetSRID(ST_MakePoint(?, ?), 4326))`,
      [households, households * 3, x0 + x * dx, y0 + y * dy]);
  }
  return { x0, y0, dx, dy };
}

/** A published comprehensive plan with one grid per community (code = community code + '001'), so events get grid codes. */
export async function insertCommunityGridPlan(knex: Knex): Promise<number> {
  const { rows: [layer] } = await knex.raw(`insert into grid_layers (name, kind) values ('综合网格', 'comprehensive') returning id`);
  const { rows: [plan] } = await knex.raw(`insert into grid_plans (layer_id, name, status, published_at) values (?, 'v1', 'published', now()) returning id`, [layer.id]);
  await knex.raw(`insert into grids (plan_id, code, kind, area_code, name, geom) select ?, code || '001', 'comprehensive', code, name || '1号网格', geom from admin_areas where level = 'community'`, [plan.id]);
  return plan.id;
}

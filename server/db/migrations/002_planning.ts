import type { Knex } from 'knex';
import { runStatements } from './001_core_schema';

/**
 * Grid planning: plans remember the area they cover and how they were made; grids carry their
 * figures; the atomic units a partition was built from are kept so planners can repaint them.
 */
export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    alter table grid_plans add column area_code char(12) references admin_areas(code) on delete set null;
    alter table grid_plans add column params jsonb not null default '{}';
    alter table grid_plans add column based_on int references grid_plans(id) on delete set null;
    alter table grids add column households int not null default 0;
    alter table grids add column population int not null default 0;
    alter table grids add column parent_grid_code text;
    create index grids_plan_kind on grids (plan_id, kind);

    create table grid_units (
      id bigserial primary key,
      plan_id int not null references grid_plans(id) on delete cascade,
      grid_code text not null,
      area_code char(12) not null,
      households int not null default 0,
      population int not null default 0,
      geom geometry(MultiPolygon, 4326) not null
    );
    create index grid_units_plan_grid on grid_units (plan_id, grid_code);
    create index grid_units_geom on grid_units using gist (geom);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, `
    drop table grid_units;
    drop index grids_plan_kind;
    alter table grids drop column parent_grid_code, drop column population, drop column households;
    alter table grid_plans drop column based_on, drop column params, drop column area_code;
  `);
}

import type { Knex } from 'knex';

export const GRID_KINDS = ['comprehensive', 'dedicated', 'micro', 'police', 'emergency', 'safety', 'departmental'] as const;
export const AREA_LEVELS = ['district', 'street', 'community'] as const;
export const BARRIER_CLASSES = ['road', 'river', 'rail'] as const;

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(',');

/** Runs a script one statement at a time: PGlite's extended protocol takes one command per query. */
export async function runStatements(knex: Knex, script: string): Promise<void> {
  for (const stmt of script.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await knex.raw(stmt);
}

export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, `
    create table admin_areas (
      code char(12) primary key check (code ~ '^[0-9]{12}$'),
      name text not null,
      level text not null check (level in (${list(AREA_LEVELS)})),
      parent_code char(12) references admin_areas(code) on delete cascade,
      properties jsonb not null default '{}',
      geom geometry(MultiPolygon, 4326) not null,
      check (ST_IsValid(geom))
    );
    create index admin_areas_geom on admin_areas using gist (geom);
    create index admin_areas_parent on admin_areas (parent_code);

    create table grid_layers (
      id serial primary key,
      name text not null unique,
      kind text not null check (kind in (${list(GRID_KINDS)})),
      area_code char(12) references admin_areas(code) on delete set null,
      properties jsonb not null default '{}',
      created_at timestamptz not null default now()
    );

    create table grid_plans ( -- one version of a layer; drafts, publishing and diffs come later
      id serial primary key,
      layer_id int not null references grid_layers(id) on delete cascade,
      name text not null,
      status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
      created_at timestamptz not null default now(),
      published_at timestamptz,
      unique (layer_id, name)
    );
    create unique index grid_plans_one_published on grid_plans (layer_id) where status = 'published';

    create table grids (
      id bigserial primary key,
      plan_id int not null references grid_plans(id) on delete cascade,
      code text not null,
      kind text not null check (kind in (${list(GRID_KINDS)})),
      area_code char(12) references admin_areas(code) on delete set null,
      name text,
      properties jsonb not null default '{}',
      geom geometry(MultiPolygon, 4326) not null,
      check (ST_IsValid(geom)),
      unique (plan_id, code)
    );
    create index grids_geom on grids using gist (geom);

    create table address_points (
      id bigserial primary key,
      ext_id text unique,
      households int not null default 1 check (households >= 0),
      population int check (population >= 0),
      building_id text,
      area_code char(12) references admin_areas(code) on delete set null,
      properties jsonb not null default '{}',
      geom geometry(Point, 4326) not null
    );
    create index address_points_geom on address_points using gist (geom);

    create table barriers (
      id bigserial primary key,
      ext_id text unique,
      class text not null check (class in (${list(BARRIER_CLASSES)})),
      name text,
      properties jsonb not null default '{}',
      geom geometry(MultiLineString, 4326) not null
    );
    create index barriers_geom on barriers using gist (geom);

    create table hazard_sources (
      id bigserial primary key,
      ext_id text unique,
      type text not null,
      level text,
      name text,
      properties jsonb not null default '{}',
      geom geometry(Geometry, 4326) not null
    );
    create index hazard_sources_geom on hazard_sources using gist (geom);

    create table events (
      id bigserial primary key,
      external_id text unique,
      type text not null,
      severity smallint not null default 1,
      occurred_at timestamptz not null,
      reported_at timestamptz not null default now(),
      status text not null default 'received',
      source text,
      attributes jsonb not null default '{}',
      geom geometry(Point, 4326) not null
    );
    create index events_geom on events using gist (geom);
    create index events_occurred on events (occurred_at);

    create table imports (
      id serial primary key,
      target text not null,
      filename text,
      format text not null,
      crs text not null,
      feature_count int not null,
      created_at timestamptz not null default now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop table if exists imports, events, hazard_sources, barriers, address_points, grids, grid_plans, grid_layers, admin_areas cascade`);
}

import type { Knex } from 'knex';
import { latLngToCell } from 'h3-js';
import { PolygonIndex, type MultiPolygonCoords } from './polygon-index';

/** Resolution of the H3 cell stored with each event (≈ 9 m edge); coarser cells are its parents. */
export const EVENT_H3_RES = 12;

/** Where an event falls: its grids in each published layer, its areas, its H3 cell. */
export interface Assignment {
  gridCode: string | null;
  gridKind: 'comprehensive' | 'dedicated' | null;
  microCode: string | null;
  policeCode: string | null;
  emergencyCode: string | null;
  safetyCode: string | null;
  communityCode: string | null;
  streetCode: string | null;
  districtCode: string | null;
  /** H3 cell at EVENT_H3_RES, as the hex string h3-js uses */
  h3: string;
  /** in no comprehensive or dedicated grid */
  outside: boolean;
}

type Layer = 'grid' | 'micro' | 'police' | 'emergency' | 'safety' | 'community' | 'street' | 'district';

const publishedGrids = (...kinds: string[]) =>
  `select g.code as key, g.kind, ST_AsGeoJSON(g.geom, 9)::json->'coordinates' as coords from grids g join grid_plans p on p.id = g.plan_id
   where p.status = 'published' and g.kind in (${kinds.map((k) => `'${k}'`).join(', ')})`;
const areasOfLevel = (level: string) => `select code::text as key, ST_AsGeoJSON(geom, 9)::json->'coordinates' as coords from admin_areas where level = '${level}'`;

/** The grids of published plans and the admin areas, by layer: what events are assigned to. */
const LAYER_SQL: Record<Layer, string> = {
  grid: publishedGrids('comprehensive', 'dedicated'),
  micro: publishedGrids('micro'),
  police: publishedGrids('police'),
  emergency: publishedGrids('emergency'),
  safety: publishedGrids('safety'),
  community: areasOfLevel('community'),
  street: areasOfLevel('street'),
  district: areasOfLevel('district'),
};

/** Changes whenever a plan is published or archived, or areas change. */
const VERSION_SQL = `select (select coalesce(string_agg(id || ':' || coalesce(published_at::text, ''), ',' order by id), '') from grid_plans where status = 'published')
  || '|' || (select count(*) || ':' || coalesce(sum(length(code)), 0) from admin_areas) as v`;

/**
 * In-process assignment of events to every grid layer and admin level: one PolygonIndex per
 * layer, built from the published plans and the areas, rebuilt when `refresh` sees a plan
 * published or archived since. Assigning needs no database round trip.
 */
export class GridIndex {
  private constructor(
    readonly version: string,
    private readonly layers: Record<Layer, PolygonIndex>,
    private readonly kinds: Map<string, 'comprehensive' | 'dedicated'>,
  ) {}

  static async load(knex: Knex): Promise<GridIndex> {
    const { rows: [{ v }] } = await knex.raw(VERSION_SQL);
    const layers = {} as Record<Layer, PolygonIndex>;
    const kinds = new Map<string, 'comprehensive' | 'dedicated'>();
    for (const layer of Object.keys(LAYER_SQL) as Layer[]) {
      const { rows } = await knex.raw(LAYER_SQL[layer]);
      layers[layer] = new PolygonIndex(rows.map((r: { key: string; coords: MultiPolygonCoords }) => ({ key: r.key, coords: r.coords })));
      if (layer === 'grid') for (const r of rows as { key: string; kind: 'comprehensive' | 'dedicated' }[]) kinds.set(r.key, r.kind);
    }
    return new GridIndex(v, layers, kinds);
  }

  /** This index if still current, else a fresh one. */
  async refresh(knex: Knex): Promise<GridIndex> {
    const { rows: [{ v }] } = await knex.raw(VERSION_SQL);
    return v === this.version ? this : GridIndex.load(knex);
  }

  /** Grid and polygon counts per layer, for status pages and benchmarks. */
  sizes(): Record<Layer, number> {
    return Object.fromEntries(Object.entries(this.layers).map(([k, v]) => [k, v.size])) as Record<Layer, number>;
  }

  assign(lng: number, lat: number): Assignment {
    const l = this.layers;
    const gridCode = l.grid.locate(lng, lat);
    return {
      gridCode,
      gridKind: gridCode === null ? null : this.kinds.get(gridCode) ?? null,
      microCode: l.micro.locate(lng, lat),
      policeCode: l.police.locate(lng, lat),
      emergencyCode: l.emergency.locate(lng, lat),
      safetyCode: l.safety.locate(lng, lat),
      communityCode: l.community.locate(lng, lat),
      streetCode: l.street.locate(lng, lat),
      districtCode: l.district.locate(lng, lat),
      h3: latLngToCell(lat, lng, EVENT_H3_RES),
      outside: gridCode === null,
    };
  }
}

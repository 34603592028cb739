/**
 * The tile sources, Martin-style: one registry entry per source, id → table, columns,
 * geometry kind and zoom range. Identifiers here are constants, never user input.
 */
export interface TileSource {
  id: string;
  table: string;
  geometry: 'polygon' | 'line' | 'point';
  /** SQL expressions (over alias t) exported as feature properties, keyed by property name. */
  properties: Record<string, string>;
  minzoom: number;
  maxzoom: number;
  /** optional SQL filter over alias t */
  where?: string;
  /**
   * the area code column (over alias t) a caller's scope filters on; none: the source is public
   * infrastructure, the same for every scope (barriers)
   */
  scopeColumn?: string;
}

export const EXTENT = 4096;
export const BUFFER = 64;

export const tileSources: TileSource[] = [
  {
    id: 'areas',
    table: 'admin_areas',
    geometry: 'polygon',
    properties: { code: 't.code', name: 't.name', level: 't.level', parent_code: 't.parent_code' },
    scopeColumn: 't.code',
    minzoom: 0,
    maxzoom: 22,
  },
  {
    id: 'grids',
    table: 'grids',
    geometry: 'polygon',
    properties: { code: 't.code', kind: 't.kind', name: 't.name', area_code: 't.area_code', plan_id: 't.plan_id' },
    scopeColumn: 't.area_code',
    minzoom: 8,
    maxzoom: 22,
  },
  {
    id: 'barriers',
    table: 'barriers',
    geometry: 'line',
    properties: { class: 't.class', name: 't.name' },
    minzoom: 8,
    maxzoom: 22,
  },
  {
    id: 'address_points',
    table: 'address_points',
    geometry: 'point',
    properties: { households: 't.households', population: 't.population' },
    scopeColumn: 't.area_code',
    minzoom: 13,
    maxzoom: 22,
  },
];

export const findTileSource = (id: string) => tileSources.find((s) => s.id === id);

import type { Knex } from 'knex';
import type { DbfField } from './dbf';
import type { Envelope } from './envelope';
import type { GpkgGeometryType } from './geopackage';

export type ColumnType = 'text' | 'integer' | 'double' | 'boolean';
export type ColumnValue = string | number | boolean | null;

/** One attribute of an exported layer. */
export interface ExportColumn {
  /** the property name in GeoJSON, GeoPackage and CSV; the select list must give a column of that name */
  name: string;
  type: ColumnType;
  /** the dBASE field: `name` ≤ 10 ASCII characters (default: the column name), width, decimals */
  dbf?: Partial<DbfField>;
}

/**
 * A layer that can be exported: what it is called, its attribute columns and geometry type, and
 * the SQL that reads it in pages ordered by a unique key (keyset paging: `key > last` runs the
 * same on PGlite and PostgreSQL, and each page is one short query).
 */
export interface ExportLayer {
  /** base of the file name, e.g. '综合网格-2026' */
  name: string;
  /** the GeoJSON `name` and GeoPackage identifier, e.g. '综合网格 2026' */
  title: string;
  /** the GeoPackage table */
  table: string;
  description: string;
  geometryType: GpkgGeometryType;
  columns: ExportColumn[];
  sql: {
    /** select list naming each column (`g.code, g.name, …`) */
    select: string;
    /** from clause with joins and laterals */
    from: string;
    where: string;
    bindings: Knex.RawBinding[];
    /** a unique, ordered expression (`g.code`, `h.id`) */
    key: string;
    /** the EPSG:4326 geometry expression */
    geom: string;
    /** the GeoJSON feature id (a number), if the layer has one */
    featureId?: string;
  };
}

export interface ExportRow {
  featureId: number | null;
  /** one per column, typed as the column says */
  values: ColumnValue[];
  /** ISO WKB, little-endian */
  wkb: Buffer;
  /** null for an empty geometry */
  envelope: Envelope | null;
}

/** The dBASE field of a column: text → C (as wide as the longest value), integer → N(10), double → N(19,6), boolean → L. */
export function dbfField(c: ExportColumn): DbfField {
  const base: DbfField =
    c.type === 'text' ? { name: c.name, type: 'C' }
      : c.type === 'integer' ? { name: c.name, type: 'N', length: 10 }
        : c.type === 'double' ? { name: c.name, type: 'N', length: 19, decimals: 6 }
          : { name: c.name, type: 'L' };
  return { ...base, ...c.dbf };
}

function typed(type: ColumnType, v: unknown): ColumnValue {
  if (v === null || v === undefined) return null;
  if (type === 'integer' || type === 'double') return Number(v);
  if (type === 'boolean') return Boolean(v);
  return String(v);
}

/** Rows per query: small enough to stream, large enough that paging costs little. */
export const PAGE_ROWS = 1000;

/**
 * The layer's rows, page by page in key order. Rings are turned as the format wants: `ccw`
 * (exteriors counter-clockwise, RFC 7946) or `cw` (clockwise, as shapefiles require).
 */
export async function* layerPages(knex: Knex, layer: ExportLayer, rings: 'ccw' | 'cw', pageRows = PAGE_ROWS): AsyncGenerator<ExportRow[]> {
  const { select, from, where, bindings, key, geom, featureId } = layer.sql;
  const turn = rings === 'cw' ? 'ST_ForcePolygonCW' : 'ST_ForcePolygonCCW';
  let last: unknown;
  for (;;) {
    const after = last === undefined ? '' : `and ${key} > ?`;
    const { rows } = await knex.raw(
      `select ${key} as export_key, ${featureId ?? 'null'} as export_id, ${select},
              ST_AsBinary(${turn}(${geom}), 'NDR') as export_wkb, ST_IsEmpty(${geom}) as export_empty,
              ST_XMin(${geom}) as export_xmin, ST_YMin(${geom}) as export_ymin, ST_XMax(${geom}) as export_xmax, ST_YMax(${geom}) as export_ymax
         from ${from}
        where (${where}) ${after}
        order by ${key}
        limit ?`,
      [...bindings, ...(last === undefined ? [] : [last as Knex.RawBinding]), pageRows],
    );
    if (rows.length === 0) return;
    yield (rows as Record<string, unknown>[]).map((r) => ({
      featureId: r.export_id === null ? null : Number(r.export_id),
      values: layer.columns.map((c) => typed(c.type, r[c.name])),
      wkb: Buffer.from(r.export_wkb as Uint8Array),
      envelope: r.export_empty ? null : [Number(r.export_xmin), Number(r.export_ymin), Number(r.export_xmax), Number(r.export_ymax)],
    }));
    if (rows.length < pageRows) return;
    last = rows[rows.length - 1].export_key;
  }
}

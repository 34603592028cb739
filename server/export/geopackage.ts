import initSqlJs, { type SqlValue } from 'sql.js';
import { unionEnvelope, type Envelope } from './envelope';

let sqlJs: ReturnType<typeof initSqlJs> | undefined;

/** 'GPKG' read as a big-endian 32-bit integer: the SQLite application_id of a GeoPackage. */
export const GPKG_APPLICATION_ID = 0x47504b47;
/** GeoPackage 1.2.0 as SQLite user_version. */
export const GPKG_USER_VERSION = 10200;

const WGS84_DEFINITION =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

/** The geometry types of a GeoPackage feature table written here (GEOMETRY: any, mixed). */
export type GpkgGeometryType = 'MULTIPOLYGON' | 'POINT' | 'GEOMETRY';

export interface GpkgColumn {
  name: string;
  type: 'TEXT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN';
  notNull?: boolean;
}

export interface GpkgFeature {
  /** standard (ISO) WKB of the geometry, in EPSG:4326 */
  wkb: Uint8Array;
  /** [minX, minY, maxX, maxY]; null for an empty geometry */
  envelope: Envelope | null;
  values: SqlValue[];
}

/**
 * A GeoPackage geometry blob (OGC 12-128r15 §2.1.3): magic "GP", version 0, flags (little-endian
 * header, XY envelope, or empty), srs_id, envelope as minX, maxX, minY, maxY, then the WKB.
 */
export function gpkgGeometry(wkb: Uint8Array, srsId: number, envelope: Envelope | null): Uint8Array {
  const headerBytes = 8 + (envelope ? 32 : 0);
  const out = new Uint8Array(headerBytes + wkb.length);
  const view = new DataView(out.buffer);
  out[0] = 0x47; // G
  out[1] = 0x50; // P
  out[2] = 0; // version 1
  out[3] = envelope ? 0b0000_0011 : 0b0001_0001; // bit 0: little-endian; bits 1–3: envelope 1 = [minx,maxx,miny,maxy]; bit 4: empty
  view.setInt32(4, srsId, true);
  if (envelope) {
    const [minX, minY, maxX, maxY] = envelope;
    [minX, maxX, minY, maxY].forEach((v, i) => view.setFloat64(8 + 8 * i, v, true));
  }
  out.set(wkb, headerBytes);
  return out;
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/**
 * A GeoPackage 1.2 file with one feature table in EPSG:4326, written with sql.js:
 * application_id 'GPKG', the required gpkg_spatial_ref_sys rows (-1, 0, 4326), gpkg_contents with
 * the layer's extent and gpkg_geometry_columns. No spatial index (an optional extension).
 *
 * @example await writeGeopackage({ table: 'grids', identifier: '综合网格 v1', geometryType: 'MULTIPOLYGON', columns, features })
 */
export async function writeGeopackage(layer: {
  table: string;
  identifier: string;
  description?: string;
  geometryColumn?: string;
  geometryType: GpkgGeometryType;
  columns: GpkgColumn[];
  features: GpkgFeature[];
}): Promise<Uint8Array> {
  const SQL = await (sqlJs ??= initSqlJs());
  const db = new SQL.Database();
  const geom = layer.geometryColumn ?? 'geom';
  try {
    db.run(`PRAGMA application_id = ${GPKG_APPLICATION_ID}`);
    db.run(`PRAGMA user_version = ${GPKG_USER_VERSION}`);
    db.run(`CREATE TABLE gpkg_spatial_ref_sys (
      srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
      organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`);
    db.run(`CREATE TABLE gpkg_contents (
      table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
      last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
      CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`);
    db.run(`CREATE TABLE gpkg_geometry_columns (
      table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
      z TINYINT NOT NULL, m TINYINT NOT NULL,
      CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
      CONSTRAINT uk_gc_table_name UNIQUE (table_name),
      CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
      CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`);
    const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
    srs.run(['Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system']);
    srs.run(['Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system']);
    srs.run(['WGS 84 geodetic', 4326, 'EPSG', 4326, WGS84_DEFINITION, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid']);
    srs.free();

    const columns = layer.columns.map((c) => `${quote(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
    db.run(`CREATE TABLE ${quote(layer.table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, ${quote(geom)} ${layer.geometryType}, ${columns.join(', ')})`);

    const extent = unionEnvelope(layer.features.flatMap((f) => (f.envelope ? [f.envelope] : []))) ?? [null, null, null, null];
    db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 4326)', [
      layer.table, 'features', layer.identifier, layer.description ?? '', ...extent,
    ]);
    db.run('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, 4326, 0, 0)', [layer.table, geom, layer.geometryType]);

    const names = [geom, ...layer.columns.map((c) => c.name)].map(quote).join(', ');
    const insert = db.prepare(`INSERT INTO ${quote(layer.table)} (${names}) VALUES (${layer.columns.map(() => '?').concat('?').join(', ')})`);
    db.run('BEGIN');
    for (const f of layer.features) insert.run([gpkgGeometry(f.wkb, 4326, f.envelope), ...f.values]);
    db.run('COMMIT');
    insert.free();
    return db.export();
  } finally {
    db.close();
  }
}

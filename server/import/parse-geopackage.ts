import type { Feature, FeatureCollection, Geometry } from 'geojson';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';
import wkx from 'wkx';
import { AppError } from '../http/errors';
import { fileError } from './import-errors';

const ACCEPTED_SRS = new Set([4326, 4490]);
let sqlJs: ReturnType<typeof initSqlJs> | undefined;

/**
 * Reads the one feature table of a GeoPackage with sql.js. The layer's SRS must be EPSG:4326 or
 * EPSG:4490; anything that fails to read as a GeoPackage (truncated, not SQLite, no gpkg
 * tables) is a 400 'not a valid GeoPackage'.
 */
export async function parseGeopackage(bytes: Uint8Array): Promise<FeatureCollection> {
  const SQL = await (sqlJs ??= initSqlJs());
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    return readFeatures(db);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fileError(400, 'invalid_geopackage', `not a valid GeoPackage: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}

function readFeatures(db: Database): FeatureCollection {
  const layers = rows(db, `select c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id, s.srs_name
    from gpkg_contents c join gpkg_geometry_columns g on g.table_name = c.table_name
    left join gpkg_spatial_ref_sys s on s.srs_id = g.srs_id
    where c.data_type = 'features'`);
  if (layers.length === 0) throw fileError(400, 'invalid_geopackage', 'the GeoPackage holds no feature table');
  if (layers.length > 1) {
    const names = layers.map((l) => l.table_name).join(', ');
    throw fileError(400, 'invalid_geopackage', `the GeoPackage holds ${layers.length} feature tables (${names}); upload one per import`);
  }
  const layer = layers[0];
  const table = String(layer.table_name);
  const epsg = String(layer.organization ?? '').toUpperCase() === 'EPSG' ? Number(layer.organization_coordsys_id) : Number(layer.srs_id);
  if (!ACCEPTED_SRS.has(epsg)) {
    throw fileError(
      400,
      'crs_not_supported',
      `GeoPackage layer '${table}' is in EPSG:${epsg} (${layer.srs_name ?? 'unknown'}); only EPSG:4326 (WGS84) and EPSG:4490 (CGCS2000) can be imported — reproject the data first`,
    );
  }

  const geomColumn = String(layer.column_name);
  const pk = rows(db, `pragma table_info("${table.replace(/"/g, '""')}")`).find((c) => c.pk === 1)?.name;
  const features: Feature[] = rows(db, `select * from "${table.replace(/"/g, '""')}"`).map((row) => {
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (k !== geomColumn && k !== pk && v !== null) properties[k] = v;
    const blob = row[geomColumn];
    return { type: 'Feature', properties, geometry: blob instanceof Uint8Array ? readGpkgGeometry(blob) : null } as Feature;
  });
  return { type: 'FeatureCollection', features };
}

function rows(db: Database, sql: string): Record<string, SqlValue>[] {
  const [result] = db.exec(sql);
  if (!result) return [];
  return result.values.map((v) => Object.fromEntries(result.columns.map((c, i) => [c, v[i]])));
}

const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/**
 * A GeoPackage geometry blob: "GP", version, flags (bit 0 byte order, bits 1–3 envelope kind,
 * bit 4 empty), int32 srs_id, the envelope, then standard WKB.
 */
export function readGpkgGeometry(blob: Uint8Array): Geometry {
  if (blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('a geometry blob lacks the GP magic');
  const flags = blob[3];
  const envelope = ENVELOPE_BYTES[(flags >> 1) & 7];
  if (envelope === undefined) throw new Error('a geometry blob has an unknown envelope kind');
  const geometry = wkx.Geometry.parse(Buffer.from(blob.buffer, blob.byteOffset + 8 + envelope, blob.length - 8 - envelope)).toGeoJSON() as Geometry;
  const empty = (flags >> 4) & 1;
  return empty && geometry.type !== 'GeometryCollection' ? { ...geometry, coordinates: [] } as Geometry : geometry;
}

import type { Knex } from 'knex';
import { scopeCondition, type Scope } from '../auth/scope';
import { fromGeojsonVt, type TileFeature } from 'vt-pbf';
import type { Geometry } from 'geojson';
import { dataVersionSql } from '../db/data-versions';
import { isDatabaseUnavailable } from '../http/errors';
import { BUFFER, EXTENT, type TileSource } from './sources';
import type { VersionedTile } from './tile-cache';
import { simplifyToleranceM, tileBounds3857, type TileAddress } from './tile-math';

/**
 * Rows of a source inside the tile (plus its buffer) and the scope, projected to 3857 and
 * simplified for the zoom. The bbox test on the 4326 envelope lets the GiST index on geom do the
 * filtering.
 */
function sourceRows(knex: Knex, src: TileSource, t: TileAddress, scope: Scope) {
  const props = Object.entries(src.properties).map(([name, expr]) => `${expr} as "${name}"`).join(', ');
  const geom3857 = src.geometry === 'point'
    ? 'ST_Transform(t.geom, 3857)'
    : `ST_Simplify(ST_Transform(t.geom, 3857), ${simplifyToleranceM(t.z)}, true)`;
  const where = [src.where, src.scopeColumn && scope.prefix !== '' ? scopeCondition(src.scopeColumn, scope) : undefined]
    .filter(Boolean).map((w) => `and (${w})`).join(' ');
  return {
    sql: `select ${props}, ${geom3857} as g from ${src.table} t
          where t.geom && ST_Transform(ST_TileEnvelope(?, ?, ?, margin => ?), 4326) ${where}`,
    bindings: [t.z, t.x, t.y, BUFFER / EXTENT],
  };
}

/**
 * Both encoders read the `tiles` data version in the statement that reads the rows, hence from the
 * same snapshot: the tile is exactly that version's, and may be cached under it.
 */
const tilesVersion = dataVersionSql('tiles');

/** Encodes with PostGIS's own ST_AsMVT (needs PostGIS built with protobuf-c); only what lies in the scope. */
export async function encodeWithPostgis(knex: Knex, src: TileSource, t: TileAddress, scope: Scope): Promise<VersionedTile> {
  const rows = sourceRows(knex, src, t, scope);
  const names = Object.keys(src.properties).map((n) => `"${n}"`).join(', ');
  const { rows: [out] } = await knex.raw(
    `with src as (${rows.sql})
     select ST_AsMVT(q, ?, ${EXTENT}, 'geom') as tile, ${tilesVersion} as version from (
       select ${names}, ST_AsMVTGeom(src.g, ST_TileEnvelope(?, ?, ?), ${EXTENT}, ${BUFFER}, true) as geom from src
     ) q where q.geom is not null`,
    [...rows.bindings, src.id, t.z, t.x, t.y],
  );
  return { body: Buffer.from(out.tile ?? []), version: Number(out.version) };
}

/**
 * Encodes without ST_AsMVT (the embedded PostGIS lacks protobuf-c): PostGIS clips, moves the
 * geometry into tile units and snaps it to the integer grid; vt-pbf writes the protobuf. Only
 * what lies in the scope.
 */
export async function encodeWithVtPbf(knex: Knex, src: TileSource, t: TileAddress, scope: Scope): Promise<VersionedTile> {
  const rows = sourceRows(knex, src, t, scope);
  const b = tileBounds3857(t);
  const scale = EXTENT / b.sizeM;
  const bufferM = (BUFFER / EXTENT) * b.sizeM;
  const clip = src.geometry === 'point'
    ? `case when ST_Intersects(src.g, ST_Expand(ST_MakeEnvelope(?, ?, ?, ?, 3857), ?)) then src.g end`
    : `ST_ClipByBox2D(src.g, ST_Expand(ST_MakeEnvelope(?, ?, ?, ?, 3857), ?))`;
  const inTileUnits = `ST_SnapToGrid(ST_Affine(${clip}, ?, 0, 0, ?, ?, ?), 1)`;
  // MVT wants exterior rings with positive area in y-down tile units, which is CCW by the numbers
  const cleaned = src.geometry === 'polygon'
    ? `ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(${inTileUnits}), 3))`
    : inTileUnits;
  const names = Object.keys(src.properties).map((n) => `"${n}"`).join(', ');
  // the version row is joined to the features so that it comes back, with gj null, when there are none
  const { rows: out } = await knex.raw(
    `with src as (${rows.sql})
     select v.version, q.* from (select ${tilesVersion} as version) v left join (
       select ${names}, ST_AsGeoJSON(tg) as gj from (select ${names}, ${cleaned} as tg from src) f
       where tg is not null and not ST_IsEmpty(tg)
     ) q on true`,
    [...rows.bindings, b.minX, b.minY, b.maxX, b.maxY, bufferM, scale, -scale, -b.minX * scale, b.maxY * scale],
  );
  const features = out.filter((r: Record<string, unknown>) => r.gj !== null)
    .map((r: Record<string, unknown>) => toTileFeature(r, Object.keys(src.properties)));
  return { body: Buffer.from(fromGeojsonVt({ [src.id]: { features } }, { version: 2, extent: EXTENT })), version: Number(out[0].version) };
}

function toTileFeature(row: Record<string, unknown>, propertyNames: string[]): TileFeature {
  const g = JSON.parse(row.gj as string) as Geometry;
  const tags: TileFeature['tags'] = {};
  for (const n of propertyNames) {
    const v = row[n];
    if (v !== null && v !== undefined) tags[n] = typeof v === 'object' ? JSON.stringify(v) : (v as string | number);
  }
  switch (g.type) {
    case 'Point': return { type: 1, geometry: [g.coordinates], tags };
    case 'MultiPoint': return { type: 1, geometry: g.coordinates, tags };
    case 'LineString': return { type: 2, geometry: [g.coordinates], tags };
    case 'MultiLineString': return { type: 2, geometry: g.coordinates, tags };
    case 'Polygon': return { type: 3, geometry: g.coordinates, tags };
    case 'MultiPolygon': return { type: 3, geometry: g.coordinates.flat(), tags };
    default: throw new Error(`unexpected tile geometry ${g.type}`);
  }
}

/** Whether this PostGIS can write MVT itself; the embedded build cannot. */
export async function postgisHasMvt(knex: Knex): Promise<boolean> {
  try {
    await knex.raw(`select ST_AsMVTGeom('POINT(1 1)'::geometry, ST_MakeEnvelope(0, 0, 2, 2))`);
    return true;
  } catch (e) {
    if (isDatabaseUnavailable(e)) throw e; // no answer, rather than "no ST_AsMVT"
    return false;
  }
}

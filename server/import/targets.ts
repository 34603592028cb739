import { AREA_LEVELS, BARRIER_CLASSES, GRID_KINDS } from '../db/migrations/001_core_schema';
import { RESPONSE_POINT_KINDS } from '../db/migrations/004_response_points';
import { isObject, type GeometryType, type Problem } from './check-structure';
import type { ImportTarget } from './import.schema';

type Parsed = { value: unknown } | { error: string };

/** How one property of an upload maps onto a column. */
export interface PropertySpec {
  name: string;
  column: string;
  sqlType: 'text' | 'int';
  description: string;
  required?: boolean;
  /** Other accepted names, e.g. as a DBF truncates them to 10 bytes. */
  aliases?: string[];
  default?: unknown;
  /** The value must be the code of an admin area (parent_code: or of an area in the same upload). */
  referencesArea?: boolean;
  parse(v: unknown): Parsed;
}

export interface TargetSpec {
  target: ImportTarget;
  table: string;
  geometryTypes: readonly GeometryType[];
  /** Stored as the Multi- type (the column is MultiPolygon / MultiLineString). */
  multi: boolean;
  /** The column that identifies a feature: a duplicate in the upload or the table is an error. */
  key: 'code' | 'ext_id';
  properties: PropertySpec[];
  params?: Record<string, string>;
}

const text = (v: unknown): Parsed =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? { value: String(v).trim() } : { error: `must be text, got ${JSON.stringify(v)}` };

const areaCode = (v: unknown): Parsed => {
  const s = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' ? v.trim() : undefined;
  if (s !== undefined && /^\d{12}$/.test(s)) return { value: s };
  const digits = s !== undefined && /^\d+$/.test(s) ? ` (${s.length} digits)` : '';
  return { error: `must be a 12-digit statistical code, got ${JSON.stringify(v)}${digits}` };
};

const oneOf = (values: readonly string[]) => (v: unknown): Parsed => {
  const t = text(v);
  if ('value' in t && values.includes(t.value as string)) return t;
  return { error: `must be one of ${values.join(', ')}, got ${JSON.stringify(v)}` };
};

const count = (v: unknown): Parsed => {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1) return { value: n };
  return { error: `must be a whole number ≥ 0, got ${JSON.stringify(v)}` };
};

const extId: PropertySpec = {
  name: 'id', column: 'ext_id', sqlType: 'text', parse: text,
  description: 'external identifier, unique in the table (else the GeoJSON feature id)',
};
const optionalName: PropertySpec = { name: 'name', column: 'name', sqlType: 'text', parse: text, description: 'display name' };
const areaCodeRef: PropertySpec = {
  name: 'area_code', column: 'area_code', sqlType: 'text', parse: areaCode, referencesArea: true,
  description: '12-digit code of the admin area it lies in (must exist)',
};
const polygons = ['Polygon', 'MultiPolygon'] as const;

export const TARGETS: Record<ImportTarget, TargetSpec> = {
  areas: {
    target: 'areas', table: 'admin_areas', geometryTypes: polygons, multi: true, key: 'code',
    properties: [
      { name: 'code', column: 'code', sqlType: 'text', required: true, parse: areaCode, description: '12-digit statistical code' },
      { ...optionalName, required: true },
      { name: 'level', column: 'level', sqlType: 'text', required: true, parse: oneOf(AREA_LEVELS), description: AREA_LEVELS.join(' | ') },
      {
        name: 'parent_code', column: 'parent_code', sqlType: 'text', parse: areaCode, referencesArea: true, aliases: ['parent', 'parent_cod'],
        description: 'code of the enclosing area, in the database or in the same upload',
      },
    ],
  },
  address_points: {
    target: 'address_points', table: 'address_points', geometryTypes: ['Point'], multi: false, key: 'ext_id',
    properties: [
      extId,
      { name: 'households', column: 'households', sqlType: 'int', parse: count, default: 1, aliases: ['household'], description: 'households at the address (default 1)' },
      { name: 'population', column: 'population', sqlType: 'int', parse: count, description: 'residents at the address' },
      { name: 'building_id', column: 'building_id', sqlType: 'text', parse: text, aliases: ['building_i'], description: 'building the address belongs to' },
      areaCodeRef,
    ],
  },
  barriers: {
    target: 'barriers', table: 'barriers', geometryTypes: ['LineString', 'MultiLineString'], multi: true, key: 'ext_id',
    properties: [
      extId,
      { name: 'class', column: 'class', sqlType: 'text', required: true, parse: oneOf(BARRIER_CLASSES), description: BARRIER_CLASSES.join(' | ') },
      optionalName,
    ],
  },
  grids: {
    target: 'grids', table: 'grids', geometryTypes: polygons, multi: true, key: 'code',
    properties: [
      { name: 'code', column: 'code', sqlType: 'text', required: true, parse: text, description: 'grid code, unique within the plan' },
      optionalName,
      areaCodeRef,
    ],
    params: {
      layer: 'required: name of the grid layer, created if missing',
      kind: `required: ${GRID_KINDS.join(' | ')} (must match an existing layer's kind)`,
      plan: "optional: plan (version) of the layer to import into, created if missing; default 'imported'",
    },
  },
  hazards: {
    target: 'hazards', table: 'hazard_sources', geometryTypes: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', ...polygons], multi: false, key: 'ext_id',
    properties: [
      extId,
      { name: 'type', column: 'type', sqlType: 'text', required: true, parse: text, description: 'kind of hazard source, e.g. gas_station, chemical_plant' },
      { name: 'level', column: 'level', sqlType: 'text', parse: text, description: 'risk level' },
      optionalName,
    ],
  },
  response_points: {
    target: 'response_points', table: 'response_points', geometryTypes: ['Point'], multi: false, key: 'ext_id',
    properties: [
      extId,
      { name: 'kind', column: 'kind', sqlType: 'text', required: true, parse: oneOf(RESPONSE_POINT_KINDS), description: RESPONSE_POINT_KINDS.join(' | ') },
      optionalName,
    ],
  },
};

export interface MappedProperties {
  /** column → value for the mapped properties. */
  values: Record<string, unknown>;
  /** Everything else, for the `properties` jsonb column. */
  rest: Record<string, unknown>;
  problems: Problem[];
}

/**
 * Splits a feature's properties into the target's columns and the rest. Names match without
 * regard to case (ArcGIS writes CODE, NAME); empty strings count as absent.
 */
export function mapProperties(spec: TargetSpec, feature: { id?: unknown; properties?: unknown }): MappedProperties {
  const rest: Record<string, unknown> = isObject(feature.properties) ? { ...feature.properties } : {};
  const byLowerName = new Map(Object.keys(rest).map((k) => [k.toLowerCase(), k]));
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const p of spec.properties) {
    let raw: unknown;
    for (const name of [p.name, ...(p.aliases ?? [])]) {
      const key = byLowerName.get(name);
      if (key === undefined) continue;
      raw ??= rest[key];
      delete rest[key];
    }
    if (p.name === 'id') raw ??= feature.id;
    const absent = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    const parsed = absent ? { value: '' } : p.parse(raw);
    if ('error' in parsed) problems.push({ reason: `property '${p.name}' ${parsed.error}` });
    else if (parsed.value !== '') values[p.column] = parsed.value;
    else if (p.required) problems.push({ reason: `missing required property '${p.name}'` });
    else values[p.column] = p.default ?? null;
  }
  return { values, rest, problems };
}

/** What GET /api/import/targets tells clients. */
export function describeTargets() {
  return Object.values(TARGETS).map((t) => ({
    target: t.target,
    table: t.table,
    geometryTypes: t.geometryTypes,
    properties: t.properties.map((p) => ({
      name: p.name,
      column: p.column,
      required: p.required ?? false,
      ...(p.aliases ? { aliases: p.aliases } : {}),
      description: p.description,
    })),
    ...(t.params ? { params: t.params } : {}),
    otherProperties: 'kept in the properties jsonb column',
  }));
}

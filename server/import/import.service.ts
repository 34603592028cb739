import type { Geometry } from 'geojson';
import { recordAudit } from '../audit/audit.repo';
import { importAuditEntries } from '../audit/import-entries';
import { AppError } from '../http/errors';
import { vertexLimitProblem } from '../geo/vertex-count';
import type { Db } from '../db/knex';
import { checkCoordinates } from './check-coordinates';
import { unstorableTextAt, unstorableTextReason } from './check-text';
import { checkFeatureShape, isObject, readFeatures, type Problem } from './check-structure';
import { checkValidity } from './check-validity';
import { featureErrors, fileError } from './import-errors';
import * as repo from './import.repo';
import { requireImportInScope } from './import-scope';
import { IMPORT_TARGETS, type FeatureError, type ImportCrs, type ImportOptions, type ImportResult, type ImportTarget } from './import.schema';
import { reprojectToWgs84 } from './reproject';
import { mapProperties, TARGETS, type TargetSpec } from './targets';

type SimpleGeometry = Exclude<Geometry, { type: 'GeometryCollection' }>;

/** One feature of the upload after the checks that need no database. */
interface Entry {
  index: number;
  id: string | null;
  values: Record<string, unknown>;
  rest: Record<string, unknown>;
  /** WGS84, 2-D; undefined when the geometry failed a check. */
  geometry?: SimpleGeometry;
}

/**
 * Imports a GeoJSON FeatureCollection (or Feature) into a target table as one transaction:
 * either every feature lands or none does, and the import is logged in `imports`. The input is
 * validated here, so parsed JSON may be passed straight in. All failures are collected and thrown
 * as one AppError (400, or 409 when the only problem is keys that already exist).
 */
export async function importFeatures(db: Db, target: ImportTarget, featureCollection: unknown, opts: ImportOptions = {}): Promise<ImportResult> {
  const spec = TARGETS[target];
  if (!spec) throw new AppError(404, 'unknown_target', `unknown import target '${target}'; valid targets: ${IMPORT_TARGETS.join(', ')}`);
  const crs = opts.crs ?? 'wgs84';
  const progress = opts.onProgress ?? (() => {});
  if (target === 'grids') requireGridParams(opts);

  const features = readFeatures(featureCollection);
  const errors: FeatureError[] = [];
  const maxVertices = opts.maxVertices ?? Infinity;
  const entries = features.map((f, index) => checkFeature(spec, f, index, crs, maxVertices, errors));
  errors.push(...duplicatesInUpload(spec, entries));
  progress(20);

  try {
    return await db.knex.transaction(async (trx) => {
      if (opts.scope) await requireImportInScope(trx, target, entries, opts.scope, opts.layer);
      errors.push(...(await unknownAreaCodes(trx, spec, entries)));
      const planId = target === 'grids' ? await existingPlanId(trx, opts) : undefined;
      const conflicts = await existingKeyConflicts(trx, spec, entries, planId);

      const withGeometry = entries.filter((e) => e.geometry).map((e) => ({ key: e.index, geometry: e.geometry! }));
      const validity = await checkValidity(trx, withGeometry, opts.repair ?? false, (done) => progress(20 + (20 * done) / withGeometry.length));
      for (const [index, problem] of validity.problems) errors.push({ index, id: entries[index].id, ...problem });

      const ordered = target === 'areas' ? orderParentsFirst(entries, errors) : entries;
      if (errors.length) throw featureErrors([...errors, ...conflicts].sort((a, b) => (a.index ?? -1) - (b.index ?? -1)));
      if (conflicts.length) throw featureErrors(conflicts, 409, 'duplicate_key');

      const extra = target === 'grids' ? await gridColumns(trx, opts, planId, ordered.map((e) => e.values.area_code as string | null)) : undefined;
      const rows = ordered.map((e) => ({
        ...e.values,
        ...extra?.values,
        properties: e.rest,
        g: validity.repaired.get(e.index) ?? e.geometry,
      }));
      await repo.insertRows(trx, spec, extra?.columns ?? [], rows, (done) => progress(40 + (59 * done) / rows.length));
      const importId = await repo.logImport(trx, {
        target,
        filename: opts.filename ?? null,
        format: opts.format ?? 'geojson',
        crs,
        featureCount: rows.length,
      });
      await recordAudit(trx, importAuditEntries({
        target, importId, filename: opts.filename ?? null, format: opts.format ?? 'geojson', crs,
        rows: ordered.map((e) => e.values), planId: extra?.values.plan_id, kind: opts.kind,
      }));
      progress(100);
      return { target, inserted: rows.length, repaired: validity.repaired.size, importId };
    });
  } catch (e) {
    // a concurrent import took a key between our check and the insert
    if ((e as { code?: string }).code === '23505') throw fileError(409, 'duplicate_key', `a row with the same key already exists: ${(e as { detail?: string }).detail ?? (e as Error).message}`);
    throw e;
  }
}

function checkFeature(spec: TargetSpec, feature: unknown, index: number, crs: ImportCrs, maxVertices: number, errors: FeatureError[]): Entry {
  const f = isObject(feature) ? feature : {};
  const mapped = mapProperties(spec, f);
  const key = mapped.values[spec.key];
  const id = typeof key === 'string' ? key : typeof f.id === 'string' || typeof f.id === 'number' ? String(f.id) : null;
  const geometryProblem = checkFeatureShape(feature, spec.geometryTypes) ?? vertexLimit(f.geometry, maxVertices) ?? checkCoordinates(f.geometry as SimpleGeometry);
  const unstorable = unstorableTextAt(f.properties, 'properties') ?? unstorableTextAt(f.id, 'id');
  const problems: Problem[] = [
    ...(geometryProblem ? [geometryProblem] : []),
    ...mapped.problems,
    ...(unstorable === undefined ? [] : [{ reason: unstorableTextReason(unstorable) }]),
  ];
  errors.push(...problems.map((p) => ({ index, id, ...p })));
  return {
    index,
    id,
    // a feature with text the database cannot hold sends none of its values to it, not even to look up its key
    values: unstorable === undefined ? mapped.values : {},
    rest: mapped.rest,
    geometry: geometryProblem ? undefined : reprojectToWgs84(f.geometry as SimpleGeometry, crs),
  };
}

/** A geometry over MAX_VERTICES is refused before its coordinates are checked or sent to PostGIS. */
function vertexLimit(geometry: unknown, maxVertices: number): Problem | undefined {
  const reason = vertexLimitProblem(geometry, maxVertices);
  return reason === undefined ? undefined : { reason: `geometry has ${reason}` };
}

function duplicatesInUpload(spec: TargetSpec, entries: Entry[]): FeatureError[] {
  const first = new Map<string, number>();
  const errors: FeatureError[] = [];
  for (const e of entries) {
    const key = e.values[spec.key];
    if (typeof key !== 'string') continue;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, e.index);
    else errors.push({ index: e.index, id: e.id, reason: `duplicate ${spec.key === 'ext_id' ? 'id' : spec.key} '${key}' in the upload`, detail: `first used by feature ${seen}` });
  }
  return errors;
}

/** Area codes (parent_code, area_code) must name an area in the database; a parent may also be in the upload. */
async function unknownAreaCodes(knex: Db['knex'], spec: TargetSpec, entries: Entry[]): Promise<FeatureError[]> {
  const refs = spec.properties.filter((p) => p.referencesArea);
  if (refs.length === 0) return [];
  const uploaded = new Set(spec.target === 'areas' ? entries.map((e) => e.values.code as string) : []);
  const wanted = new Set<string>();
  for (const e of entries) for (const p of refs) if (typeof e.values[p.column] === 'string') wanted.add(e.values[p.column] as string);
  const known = await repo.existingAreaCodes(knex, [...wanted].filter((c) => !uploaded.has(c)));
  const errors: FeatureError[] = [];
  for (const e of entries) {
    for (const p of refs) {
      const code = e.values[p.column];
      if (typeof code !== 'string' || known.has(code) || uploaded.has(code)) continue;
      const where = spec.target === 'areas' ? 'neither in the database nor in this upload' : 'not in the database';
      errors.push({ index: e.index, id: e.id, reason: `property '${p.name}' names an unknown area '${code}'`, detail: where });
    }
  }
  return errors;
}

async function existingKeyConflicts(knex: Db['knex'], spec: TargetSpec, entries: Entry[], planId?: number): Promise<FeatureError[]> {
  if (spec.target === 'grids' && planId === undefined) return [];
  const keyed = entries.filter((e) => typeof e.values[spec.key] === 'string');
  const existing = await repo.existingKeys(knex, spec, keyed.map((e) => e.values[spec.key] as string), planId);
  return keyed
    .filter((e) => existing.has(e.values[spec.key] as string))
    .map((e) => ({
      index: e.index,
      id: e.id,
      reason: `${spec.key === 'ext_id' ? 'id' : spec.key} '${e.values[spec.key]}' already exists in ${spec.table}${planId === undefined ? '' : ' (same plan)'}`,
    }));
}

/** Areas in an order that inserts a parent before its children; a parent_code cycle is an error. */
function orderParentsFirst(entries: Entry[], errors: FeatureError[]): Entry[] {
  const byCode = new Map(entries.map((e) => [e.values.code as string, e]));
  const parentOf = (code: string) => byCode.get(code)?.values.parent_code as string | null | undefined;
  const depth = new Map<Entry, number>();
  for (const e of entries) {
    const chain = [e.values.code as string];
    for (let p = parentOf(chain[0]); p && byCode.has(p); p = parentOf(p)) {
      if (chain.includes(p)) {
        errors.push({ index: e.index, id: e.id, reason: `parent_code forms a cycle: ${[...chain, p].join(' → ')}` });
        break;
      }
      chain.push(p);
    }
    depth.set(e, chain.length - 1);
  }
  return [...entries].sort((a, b) => depth.get(a)! - depth.get(b)!);
}

function requireGridParams(opts: ImportOptions): void {
  for (const param of ['layer', 'kind'] as const) {
    if (!opts[param]) throw new AppError(400, 'invalid_param', `importing grids needs the '${param}' parameter`);
  }
}

async function existingPlanId(knex: Db['knex'], opts: ImportOptions): Promise<number | undefined> {
  const layer = await repo.findLayer(knex, opts.layer!);
  if (layer && layer.kind !== opts.kind) {
    throw new AppError(400, 'invalid_param', `layer '${opts.layer}' is a ${layer.kind} layer, not ${opts.kind}: pass kind=${layer.kind} or another layer name`);
  }
  return layer ? repo.findPlanId(knex, layer.id, opts.plan ?? 'imported') : undefined;
}

/** The plan_id and kind columns of imported grids, creating the layer and plan as needed. */
async function gridColumns(knex: Db['knex'], opts: ImportOptions, planId: number | undefined, areaCodes: (string | null)[]) {
  if (planId === undefined) {
    const areaCode = await repo.loadedCommonArea(knex, areaCodes);
    const layerId = (await repo.findLayer(knex, opts.layer!))?.id ?? (await repo.createLayer(knex, opts.layer!, opts.kind!, areaCode));
    planId = await repo.createPlan(knex, layerId, opts.plan ?? 'imported', areaCode);
  }
  return {
    columns: [{ column: 'plan_id', sqlType: 'int' }, { column: 'kind', sqlType: 'text' }],
    values: { plan_id: planId, kind: opts.kind },
  };
}

/**
 * Partitions your own data into grids, with no server and no database to set up:
 *
 *   npm run partition -- --areas areas.geojson --points buildings.csv [--barriers roads.shp.zip]
 *        --area 320113003000 --out grids.geojson [--crs wgs84|cgcs2000|gcj02|bd09]
 *        [--urban 300-500] [--rural 150-400] [--micro 20-50|off]
 *
 * Each file goes through the validated import (any format it reads; areas need code, name,
 * level, parent_code; points households and optionally population; barriers class road|river|rail)
 * into a throw-away embedded PostGIS; --area is the community, street or district to partition.
 * Writes the grids (and micro-grids) as a GeoJSON FeatureCollection in WGS84.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../server/cli/progress';
import { openDb, type Db } from '../server/db/knex';
import { AppError } from '../server/http/errors';
import { detectFormat } from '../server/import/detect-format';
import { describeError } from '../server/import/import-errors';
import type { FeatureError, ImportTarget } from '../server/import/import.schema';
import { importFeatures } from '../server/import/import.service';
import { parseUpload } from '../server/import/parse-upload';
import { partitionArea } from '../server/partition/partition.service';
import { partitionRequest } from '../server/planning/planning.schema';

const { values: flags } = parseArgs({
  options: {
    areas: { type: 'string' }, points: { type: 'string' }, barriers: { type: 'string' },
    area: { type: 'string' }, out: { type: 'string' }, crs: { type: 'string', default: 'wgs84' },
    urban: { type: 'string' }, rural: { type: 'string' }, micro: { type: 'string' },
  },
});

const range = (flag: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const m = v.match(/^(\d+)-(\d+)$/);
  if (!m) fail(`--${flag} must look like 300-500, got '${v}'`);
  return { min: Number(m![1]), max: Number(m![2]) };
};
function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

if (!flags.areas || !flags.points || !flags.area || !flags.out) fail('--areas, --points, --area and --out are required (see the header of scripts/partition.ts)');
const request = partitionRequest.safeParse({
  areaCode: flags.area, plan: 'cli',
  urban: range('urban', flags.urban), rural: range('rural', flags.rural),
  micro: flags.micro === 'off' ? false : range('micro', flags.micro),
});
if (!request.success) fail(`${request.error.issues[0].path.join('.')}: ${request.error.issues[0].message}`);

const db = await openDb({});
try {
  for (const [file, target] of [[flags.areas, 'areas'], [flags.barriers, 'barriers'], [flags.points, 'address_points']] as const) {
    if (file) await load(db, file, target);
  }
  const bar = progressBar(`partitioning ${flags.area}`);
  const result = await partitionArea(db, request.data, { signal: new AbortController().signal, progress: (p, s) => bar.update(p, s) });
  bar.done(`${result.grids} grids, ${result.microGrids} micro-grids in ${result.seconds.toFixed(1)} s`);
  const { rows } = await db.knex.raw(
    `select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
       'type', 'Feature', 'geometry', ST_AsGeoJSON(geom, 9)::json,
       'properties', json_build_object('code', code, 'kind', kind, 'area_code', area_code, 'name', name,
         'households', households, 'population', population, 'parent_grid_code', parent_grid_code,
         'target_min', properties->'target_min', 'target_max', properties->'target_max')) order by code), '[]'::json)) as fc
     from grids where plan_id = ?`,
    [result.planId],
  );
  await writeFile(flags.out, JSON.stringify(rows[0].fc));
  console.log(JSON.stringify({ out: flags.out, ...result }));
} catch (e) {
  if (!(e instanceof AppError)) throw e;
  console.error(`error (${e.code}): ${e.message}`);
  for (const err of ((e.details as { errors?: FeatureError[] })?.errors ?? []).slice(0, 20)) console.error(`  - ${describeError(err)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}

async function load(db: Db, file: string, target: ImportTarget) {
  const bytes = await readFile(file);
  const format = detectFormat({ filename: path.basename(file), head: bytes.subarray(0, 512) });
  const input = await parseUpload(bytes, format, {});
  const r = await importFeatures(db, target, input, { crs: flags.crs as 'wgs84', format, filename: path.basename(file) });
  console.error(`${path.basename(file)}: ${r.inserted} ${target}`);
}

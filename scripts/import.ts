/**
 * Imports a file into a target table through the same validated, all-or-nothing path as
 * POST /api/import/:target.
 *
 *   npm run import -- <file> --target areas [--crs wgs84|cgcs2000|gcj02|bd09] [--repair]
 *                    [--format geojson|csv|shapefile|geopackage] [--lng-column x --lat-column y]
 *                    [--layer name --kind police [--plan name]] [--database-url postgres://…]
 *
 * The database is --database-url, else DATABASE_URL, else the embedded one in $DATA_DIR/pglite.
 * Prints the result as JSON on stdout; on rejection lists the errors on stderr and exits 1.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../server/cli/progress';
import { loadConfig } from '../server/config';
import { openDb, type Db } from '../server/db/knex';
import { AppError } from '../server/http/errors';
import { runAs } from '../server/http/request-context';
import { detectFormat } from '../server/import/detect-format';
import { describeError } from '../server/import/import-errors';
import { IMPORT_TARGETS, importQuerySchema, type FeatureError, type ImportTarget } from '../server/import/import.schema';
import { importFeatures } from '../server/import/import.service';
import { parseUpload } from '../server/import/parse-upload';

const USAGE = `usage: npm run import -- <file> --target ${IMPORT_TARGETS.join('|')} [--crs wgs84|cgcs2000|gcj02|bd09] [--repair]
  [--format geojson|csv|shapefile|geopackage] [--lng-column name --lat-column name]
  [--layer name --kind comprehensive|police|… [--plan name]] [--database-url postgres://…]`;

async function main(): Promise<number> {
  const { values: flags, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      crs: { type: 'string' },
      repair: { type: 'boolean' },
      format: { type: 'string' },
      layer: { type: 'string' },
      kind: { type: 'string' },
      plan: { type: 'string' },
      'lng-column': { type: 'string' },
      'lat-column': { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (flags.help || positionals.length !== 1 || !flags.target) {
    console.error(USAGE);
    return flags.help ? 0 : 1;
  }
  const target = flags.target;
  if (!(IMPORT_TARGETS as readonly string[]).includes(target)) {
    console.error(`error: unknown target '${target}'; valid targets: ${IMPORT_TARGETS.join(', ')}`);
    return 1;
  }
  const options = importQuerySchema.safeParse({
    format: flags.format,
    crs: flags.crs,
    repair: flags.repair ? 'true' : undefined,
    layer: flags.layer,
    kind: flags.kind,
    plan: flags.plan,
    lngColumn: flags['lng-column'],
    latColumn: flags['lat-column'],
  });
  if (!options.success) {
    const issue = options.error.issues[0];
    console.error(`error: --${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`);
    return 1;
  }

  const config = loadConfig();
  const file = positionals[0];
  let db: Db | undefined;
  let bar: ReturnType<typeof progressBar> | undefined;
  try {
    const bytes = await readFile(file);
    const format = detectFormat({ format: options.data.format, filename: path.basename(file), head: bytes.subarray(0, 512) });
    const input = await parseUpload(bytes, format, options.data);
    db = await openDb({ url: flags['database-url'] ?? config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
    bar = progressBar(`import ${path.basename(file)} → ${target}`);
    const { crs, repair, layer, kind, plan } = options.data;
    const result = await importFeatures(db, target as ImportTarget, input, {
      crs, repair, layer, kind, plan, format, filename: path.basename(file),
      onProgress: (pct) => bar?.update(pct),
    });
    bar.done();
    console.log(JSON.stringify(result));
    return 0;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    if (bar && process.stderr.isTTY) process.stderr.write('\n'); // end the half-drawn bar line
    console.error(`error (${e.code}): ${e.message}`);
    const details = e.details as { errors?: FeatureError[]; total?: number } | undefined;
    if (details?.errors && details.total !== undefined && details.total > 1) {
      for (const err of details.errors) console.error(`  - ${describeError(err)}`);
      if (details.total > details.errors.length) console.error(`  … ${details.total - details.errors.length} more (${details.total} in total)`);
    }
    return 1;
  } finally {
    await db?.close();
  }
}

// the audit trail names the command as the actor of what it imports
process.exitCode = await runAs('cli:import', main);

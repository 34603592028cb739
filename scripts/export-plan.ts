/**
 * Exports a plan's grids through the same code as GET /api/plans/:id/export.
 *
 *   npm run export -- <planId> [--format geojson|gpkg|shp|csv] [--kind comprehensive|micro|…]
 *                     [--out file] [--database-url postgres://…]
 *
 * --out defaults to the suggested file name (layer-plan.ext) in the current directory; `-`
 * writes to stdout. The database is --database-url, else DATABASE_URL, else the embedded one in
 * $DATA_DIR/pglite. Prints what it wrote on stderr; on a bad argument or unknown plan exits 1.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { openDb, type Db } from '../server/db/knex';
import { AppError } from '../server/http/errors';
import { exportQuery, planIdParams } from '../server/plans/plans.schema';
import { createPlansService } from '../server/plans/plans.service';

const USAGE = `usage: npm run export -- <planId> [--format geojson|gpkg|shp|csv] [--kind comprehensive|dedicated|micro|…]
  [--out file|-] [--database-url postgres://…]`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        kind: { type: 'string' },
        out: { type: 'string', short: 'o' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values: flags, positionals } = parsed;
  if (flags.help || positionals.length !== 1) {
    console.error(USAGE);
    return flags.help ? 0 : 1;
  }
  const id = planIdParams.shape.id.safeParse(positionals[0]);
  if (!id.success) {
    console.error(`error: plan id '${positionals[0]}': ${id.error.issues[0].message}`);
    return 1;
  }
  const query = exportQuery.safeParse({ format: flags.format, kind: flags.kind });
  if (!query.success) {
    const issue = query.error.issues[0];
    console.error(`error: --${String(issue.path[0])}: ${issue.message}`);
    return 1;
  }

  const config = loadConfig();
  let db: Db | undefined;
  try {
    db = await openDb({ url: flags['database-url'] ?? config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
    const file = await createPlansService(db).export(id.data, query.data.format, query.data.kind);
    const out = flags.out ?? file.filename;
    if (out === '-') process.stdout.write(file.bytes);
    else await writeFile(out, file.bytes);
    console.error(`plan ${id.data} → ${out === '-' ? 'stdout' : out} (${query.data.format}, ${file.bytes.byteLength.toLocaleString('en-US')} bytes)`);
    return 0;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    console.error(`error (${e.code}): ${e.message}`);
    return 1;
  } finally {
    await db?.close();
  }
}

process.exitCode = await main();

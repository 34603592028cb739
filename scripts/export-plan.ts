/**
 * Exports a layer through the same code as the API's export routes (server/export).
 *
 *   npm run export -- plan <planId>    [--format geojson|gpkg|shp|csv] [--kind comprehensive|micro|…]
 *   npm run export -- layer <layerId>  [--format …] [--kind …]     the layer's published plan
 *   npm run export -- areas            [--format …] [--level district|street|community]
 *   npm run export -- hazards          [--format …]
 *   npm run export -- response-points  [--format …]
 *   common: [--out file|-] [--database-url postgres://…]; a bare <planId> means `plan <planId>`
 *
 * --out defaults to the suggested file name (e.g. 警格-警格 演示.gpkg) in the current directory;
 * `-` writes to stdout. The database is --database-url, else DATABASE_URL, else the embedded one
 * in $DATA_DIR/pglite. Prints what it wrote on stderr; on a bad argument or unknown plan or layer
 * exits 1 (and leaves no file).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { EVERYWHERE } from '../server/auth/scope';
import { loadConfig } from '../server/config';
import { openDb, type Db } from '../server/db/knex';
import { areaExportQuery, exportQuery, gridExportQuery, layerIdParams } from '../server/export/export.schema';
import type { ExportLayer } from '../server/export/layer';
import { areasLayer, hazardsLayer, layerGridsLayer, planGridsLayer, responsePointsLayer } from '../server/export/layers';
import { exportFileName, writeExport } from '../server/export/write-export';
import { AppError } from '../server/http/errors';
import { planIdParams } from '../server/plans/plans.schema';

const USAGE = `usage: npm run export -- plan <planId> | layer <layerId> | areas | hazards | response-points
  [--format geojson|gpkg|shp|csv] [--kind comprehensive|dedicated|micro|police|…] (plan, layer)
  [--level district|street|community] (areas) [--out file|-] [--database-url postgres://…]`;

interface Subject {
  /** the id's schema, for subjects that take one */
  id?: z.ZodType<number>;
  query: z.ZodObject;
  layer(knex: Knex, id: number, q: Record<string, string | undefined>): ExportLayer | Promise<ExportLayer>;
}

const SUBJECTS: Record<string, Subject> = {
  plan: { id: planIdParams.shape.id, query: gridExportQuery, layer: (knex, id, q) => planGridsLayer(knex, id, EVERYWHERE, q.kind) },
  layer: { id: layerIdParams.shape.id, query: gridExportQuery, layer: (knex, id, q) => layerGridsLayer(knex, id, EVERYWHERE, q.kind) },
  areas: { query: areaExportQuery, layer: (_knex, _id, q) => areasLayer(EVERYWHERE, q.level as Parameters<typeof areasLayer>[1]) },
  hazards: { query: exportQuery, layer: () => hazardsLayer(EVERYWHERE) },
  'response-points': { query: exportQuery, layer: () => responsePointsLayer(EVERYWHERE) },
};

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        kind: { type: 'string' },
        level: { type: 'string' },
        out: { type: 'string', short: 'o' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values: flags } = parsed;
  // a bare plan id, as before there were other subjects
  const positionals = /^\d+$/.test(parsed.positionals[0] ?? '') ? ['plan', ...parsed.positionals] : parsed.positionals;
  const subject = SUBJECTS[positionals[0]];
  if (flags.help || !subject || positionals.length !== (subject.id ? 2 : 1)) {
    if (!flags.help && positionals.length) console.error(subject ? `error: ${positionals[0]} takes ${subject.id ? 'one id' : 'no id'}` : `error: cannot export '${positionals[0]}'`);
    console.error(USAGE);
    return flags.help ? 0 : 1;
  }
  let id = 0;
  if (subject.id) {
    const r = subject.id.safeParse(positionals[1]);
    if (!r.success) {
      console.error(`error: ${positionals[0]} id '${positionals[1]}': ${r.error.issues[0].message}`);
      return 1;
    }
    id = r.data;
  }
  const given = Object.fromEntries((['format', 'kind', 'level'] as const).filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]]));
  const query = subject.query.strict().safeParse(given);
  if (!query.success) {
    const issue = query.error.issues[0];
    const message = issue.code === 'unrecognized_keys' ? `${issue.keys.map((k) => `--${k}`).join(', ')} does not apply to ${positionals[0]}` : `--${String(issue.path[0])}: ${issue.message}`;
    console.error(`error: ${message}`);
    return 1;
  }
  const q = query.data as Record<string, string | undefined> & { format: Parameters<typeof exportFileName>[1] };

  const config = loadConfig();
  let db: Db | undefined;
  let out: string | undefined;
  try {
    db = await openDb({ url: flags['database-url'] ?? config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
    const layer = await subject.layer(db.knex, id, q);
    out = flags.out ?? exportFileName(layer, q.format);
    const stream = out === '-' ? process.stdout : createWriteStream(out);
    await writeExport(db.knex, layer, q.format, stream);
    let bytes = '';
    if (stream !== process.stdout) {
      const file = stream as ReturnType<typeof createWriteStream>;
      file.end();
      await once(file, 'finish');
      bytes = `, ${file.bytesWritten.toLocaleString('en-US')} bytes`;
    }
    console.error(`${positionals.join(' ')} → ${out === '-' ? 'stdout' : out} (${q.format}${bytes})`);
    return 0;
  } catch (e) {
    if (out && out !== '-') await rm(out, { force: true });
    if (!(e instanceof AppError)) throw e;
    console.error(`error (${e.code}): ${e.message}`);
    return 1;
  } finally {
    await db?.close();
  }
}

process.exitCode = await main();

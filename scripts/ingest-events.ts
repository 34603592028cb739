/**
 * Ingests a file of events through the same path as POST /api/events/bulk, with a progress bar
 * by bytes read.
 *
 *   npm run events:ingest -- <file> --format ndjson|csv|geojson [--crs wgs84|cgcs2000|gcj02|bd09]
 *                           [--mode all|keep_good] [--source name] [--database-url postgres://…]
 *
 * The database is --database-url, else DATABASE_URL, else the embedded one in $DATA_DIR/pglite.
 * Prints the result as JSON on stdout; rejected rows go to stderr (mode all: nothing is written, exit 1).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../server/cli/progress';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/knex';
import { bulkQuery } from '../server/events/events.schema';
import { GridIndex } from '../server/events/grid-index';
import { ingestEvents } from '../server/events/ingest';
import { recordsFrom } from '../server/events/record-streams';
import { AppError } from '../server/http/errors';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { format: { type: 'string' }, crs: { type: 'string' }, mode: { type: 'string' }, source: { type: 'string' }, 'database-url': { type: 'string' } },
});
const options = bulkQuery.safeParse({ format: flags.format ?? path.extname(positionals[0] ?? '').slice(1), crs: flags.crs, mode: flags.mode, source: flags.source });
if (positionals.length !== 1 || !options.success) {
  console.error('usage: npm run events:ingest -- <file> --format ndjson|csv|geojson [--crs wgs84|gcj02|bd09] [--mode all|keep_good] [--source name]');
  if (!options.success) console.error(`error: --${String(options.error.issues[0].path[0])}: ${options.error.issues[0].message}`);
  process.exit(1);
}
const file = positionals[0];
const config = loadConfig();
const db = await openDb({ url: flags['database-url'] ?? config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
try {
  const size = (await stat(file)).size;
  const stream = createReadStream(file);
  const bar = progressBar(`ingest ${path.basename(file)}`);
  const result = await ingestEvents(db.knex, await GridIndex.load(db.knex), recordsFrom(stream, options.data.format), {
    ...options.data,
    onProgress: (rows) => bar.update((100 * stream.bytesRead) / Math.max(size, 1), `${rows.toLocaleString('en-US')} rows`),
  });
  bar.done(`${result.accepted.toLocaleString('en-US')} events`);
  for (const r of result.rejects) console.error(`row ${r.row}: ${r.reason}`);
  console.log(JSON.stringify({ ...result, rejects: undefined }));
} catch (e) {
  if (!(e instanceof AppError)) throw e;
  console.error(`error: ${e.message}`);
  const rejects = (e.details as { rejects?: { row: number; reason: string }[] } | undefined)?.rejects ?? [];
  for (const r of rejects) console.error(`row ${r.row}: ${r.reason}`);
  process.exitCode = 1;
} finally {
  await db.close();
}

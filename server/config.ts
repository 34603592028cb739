import { z } from 'zod';

/** Every setting the service reads from the environment, with its default and meaning. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port (0 picks a free one)'),
  HOST: z.string().default('127.0.0.1').describe('interface to listen on'),
  DATABASE_URL: z.string().url().optional().describe('PostgreSQL+PostGIS URL; unset = embedded PGlite+PostGIS'),
  DATA_DIR: z.string().default('.data').describe('where the embedded database keeps its files'),
  UPLOAD_LIMIT_MB: z.coerce.number().positive().default(200).describe('largest file upload to POST /api/import/:target, in MiB; past it a 413 and nothing is written'),
  JSON_LIMIT_MB: z.coerce.number().positive().default(2)
    .describe('largest JSON request body of the API (single events, edits, partition and overlay requests), in MiB; past it a 413'),
  EVENT_BATCH_LIMIT_MB: z.coerce.number().positive().default(1024)
    .describe('largest body of POST /api/events/bulk, in MiB (streamed; a GeoJSON batch is held in memory); past it a 413 and nothing is written'),
  EVENT_BATCH_MAX_ROWS: z.coerce.number().int().positive().default(1_000_000)
    .describe('most events in one POST /api/events/bulk batch, in either mode; past it a 413 and nothing is written'),
  MAX_VERTICES: z.coerce.number().int().positive().default(100_000)
    .describe('most vertices in one geometry of an import, an edit (split line) or a drawn footprint; past it a 400 naming the feature'),
  MAX_PAGE_SIZE: z.coerce.number().int().positive().default(1000)
    .describe("largest 'limit' of the paged JSON lists (/api/areas, /api/layers/:id/grids, /api/events); a larger one is a 400"),
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000)
    .describe('PostgreSQL statement_timeout of every connection, in ms (0: none); a cancelled query is a 503 query_timeout. The embedded PGlite cannot interrupt a statement: there it does not apply'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200)
    .describe('requests per minute per caller (signed-in user or API token; by IP without credentials) to /api and /ogc, a token bucket holding one minute of requests; 0: no limit. Tiles and the client files are not counted; past it a 429 with Retry-After'),
  TRUST_PROXY: z.coerce.number().int().min(0).default(0)
    .describe('reverse proxies in front of the service whose X-Forwarded-For is trusted for the client address (rate limit key); 0: none'),
  SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12)
    .describe('how long a sign-in session lasts, in hours (then the user signs in again)'),
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true')
    .describe('seed the Qixia demo district on first start when the database is empty'),
  BASEMAP_URL: z.string().optional().describe('optional MapLibre style URL of a basemap on your own network'),
  SUPPRESS_BELOW: z.coerce.number().int().min(1).default(5)
    .describe('for callers without the permission events:read (planner, viewer), heatmap cells with fewer events are folded into their parent or hidden'),
  HEATMAP_CACHE_CELLS: z.coerce.number().int().min(0).default(1_000_000)
    .describe('H3 cells of heatmap windows kept in memory (about 130 bytes each), over all windows; the least recently used go first'),
  TILE_CACHE_MB: z.coerce.number().min(0).default(64)
    .describe('encoded vector tiles kept in memory, in MiB (0: none); a tile is served from it only while no edit of the tables it is drawn from has committed since; the least recently used go first'),
});

export type Config = z.infer<typeof schema>;

/** Parses the environment once; a bad value stops the process with the offending key named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Key, default and description of each setting, for the README and `--help`. */
export function describeConfig(): { key: string; description: string }[] {
  return Object.entries(schema.shape).map(([key, s]) => ({ key, description: s.description ?? '' }));
}

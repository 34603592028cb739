import { z } from 'zod';

/** Every setting the service reads from the environment, with its default and meaning. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port (0 picks a free one)'),
  HOST: z.string().default('127.0.0.1').describe('interface to listen on'),
  DATABASE_URL: z.string().url().optional().describe('PostgreSQL+PostGIS URL; unset = embedded PGlite+PostGIS'),
  DATA_DIR: z.string().default('.data').describe('where the embedded database keeps its files'),
  UPLOAD_LIMIT_MB: z.coerce.number().positive().default(200).describe('largest accepted upload, in MiB'),
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true')
    .describe('seed the Qixia demo district on first start when the database is empty'),
  BASEMAP_URL: z.string().optional().describe('optional MapLibre style URL of a basemap on your own network'),
  EVENT_DETAILS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true')
    .describe('whether callers see single events and their sensitive fields; false: listings hide them and heatmaps hide or fold cells under SUPPRESS_BELOW events (roles come with access control)'),
  SUPPRESS_BELOW: z.coerce.number().int().min(1).default(5).describe('without event details, heatmap cells with fewer events are folded into their parent or hidden'),
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

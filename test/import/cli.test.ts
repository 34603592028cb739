import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../server/db/knex';
import { FIXTURES } from './import-helpers';

const run = promisify(execFile);
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'gridatlas-cli-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs `scripts/import.ts` against an embedded database in a temp DATA_DIR (whatever DATABASE_URL says). */
async function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/import.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('npm run import', () => {
  it('when a good file is imported, then it prints the result, shows progress and exits 0; a repeat exits 1 listing the conflicts', async () => {
    const ok = await cli(path.join(FIXTURES, 'areas-utf8.zip'), '--target', 'areas');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ target: 'areas', inserted: 3, repaired: 0, importId: 1 });
    expect(ok.stderr).toMatch(/import areas-utf8\.zip → areas \[#+\] 100%/);

    const again = await cli(path.join(FIXTURES, 'areas.geojson'), '--target', 'areas');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain("error (duplicate_key): feature 0 (id '320113000000'): code '320113000000' already exists in admin_areas; and 2 more errors");
    expect(again.stderr).toContain("  - feature 2 (id '320113001001'): code '320113001001' already exists in admin_areas");

    // the audit trail names the command as who imported the areas, and holds nothing of the refused repeat
    const db = await openDb({ dataDir: path.join(dataDir, 'pglite') });
    try {
      const { rows } = await db.knex.raw(`select actor, count(*)::int as n from audit_log where action = 'area.import' group by actor`);
      expect(rows).toEqual([{ actor: 'cli:import', n: 3 }]);
    } finally {
      await db.close();
    }
  });

  it('when the file cannot be read as its format, then it exits 1 before opening the database', async () => {
    const bad = path.join(dataDir, 'broken.geojson');
    await writeFile(bad, '{"type": "FeatureCollection", "features": [');
    const res = await cli(bad, '--target', 'areas');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error \(invalid_json\): the upload is not valid JSON/m);
  });

  it('when an option is invalid, then it names the flag and exits 1', async () => {
    const res = await cli(path.join(FIXTURES, 'areas.geojson'), '--target', 'areas', '--crs', 'utm');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: --crs: /m);
  });
});

/**
 * Runs every GDAL check against one server: `npm run test:gdal` (needs Debian's gdal-bin).
 * Starts `tsx server/main.ts` with a fresh DATA_DIR once (or uses E2E_BASE_URL), then runs each
 * test/gdal/*.gdal.ts script in turn with E2E_BASE_URL set; exits non-zero if any failed or if
 * there is none to run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runScriptsAgainstOneServer } from '../e2e/support/run-scripts';

const scripts = readdirSync('test/gdal')
  .filter((name) => name.endsWith('.gdal.ts'))
  .sort()
  .map((name) => path.join('test/gdal', name));

const ogrinfo = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
if (ogrinfo.error || ogrinfo.status !== 0) {
  console.error('ogrinfo not found: install GDAL (Debian: apt-get install gdal-bin)');
  process.exit(1);
}
console.log(ogrinfo.stdout.trim());
if (scripts.length === 0) {
  console.error('no test/gdal/*.gdal.ts script to run');
  process.exit(1);
}

await runScriptsAgainstOneServer(scripts, 'GDAL checks');

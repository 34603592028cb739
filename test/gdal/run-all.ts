/**
 * Runs every GDAL check against one server: `npm run test:gdal` (needs Debian's gdal-bin).
 * Starts `tsx server/main.ts` with a fresh DATA_DIR once (or uses E2E_BASE_URL), then runs each
 * test/gdal/*.gdal.ts script in turn with E2E_BASE_URL set; exits non-zero if any failed or if
 * there is none to run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { serverUnderTest } from '../e2e/support/browser';

const scripts = readdirSync('test/gdal')
  .filter((name) => name.endsWith('.gdal.ts'))
  .sort()
  .map((name) => path.join('test/gdal', name));

function runScript(script: string, baseUrl: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(path.resolve('node_modules/.bin/tsx'), [script], {
      env: { ...process.env, E2E_BASE_URL: baseUrl },
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

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

const server = await serverUnderTest();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.stop().finally(() => process.exit(130)));
}
const failed: string[] = [];
try {
  for (const script of scripts) {
    console.log(`\n${script}`);
    if ((await runScript(script, server.baseUrl)) !== 0) failed.push(script);
  }
} finally {
  await server.stop();
}
console.log(failed.length === 0 ? '\nall GDAL checks passed' : `\nfailed: ${failed.join(', ')}`);
process.exitCode = failed.length === 0 ? 0 : 1;

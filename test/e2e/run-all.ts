/**
 * Runs every browser test against one server: `npm run test:browser` (after `vite build`).
 * Starts `tsx server/main.ts` with a fresh DATA_DIR once (or uses E2E_BASE_URL), then runs each
 * *.e2e.ts script in turn with E2E_BASE_URL set, whatever the previous one gave; exits non-zero
 * if any failed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { serverUnderTest } from './support/browser';

// Police and emergency read the demo's published comprehensive plan; the planner publishes another.
const SCRIPTS = ['test/e2e/map.e2e.ts', 'test/e2e/police.e2e.ts', 'test/e2e/emergency.e2e.ts', 'test/e2e/risk.e2e.ts', 'test/e2e/planner.e2e.ts'];

function runScript(script: string, baseUrl: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(path.resolve('node_modules/.bin/tsx'), [script], {
      env: { ...process.env, E2E_BASE_URL: baseUrl },
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const server = await serverUnderTest();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.stop().finally(() => process.exit(130)));
}
const failed: string[] = [];
try {
  for (const script of SCRIPTS) {
    console.log(`\n${script}`);
    if ((await runScript(script, server.baseUrl)) !== 0) failed.push(script);
  }
} finally {
  await server.stop();
}
console.log(failed.length === 0 ? '\nall browser tests passed' : `\nfailed: ${failed.join(', ')}`);
process.exitCode = failed.length === 0 ? 0 : 1;

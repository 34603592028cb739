import { spawn } from 'node:child_process';
import path from 'node:path';
import { serverUnderTest } from './browser';
import { DEMO_PASSWORDS_ENV, demoPasswords } from './login';

/**
 * How long one script may run before it is stopped and counted as failed (the police test, the
 * longest, takes a few minutes on a loaded machine). E2E_SCRIPT_TIMEOUT_MS overrides it.
 */
const SCRIPT_TIMEOUT_MS = Number(process.env.E2E_SCRIPT_TIMEOUT_MS ?? 15 * 60_000);
/** How long a script stopped with SIGTERM gets to close its browser before SIGKILL. */
const STOP_GRACE_MS = 10_000;

function runScript(script: string, baseUrl: string, passwords: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(path.resolve('node_modules/.bin/tsx'), [script], {
      env: { ...process.env, E2E_BASE_URL: baseUrl, [DEMO_PASSWORDS_ENV]: JSON.stringify(passwords) },
      stdio: 'inherit',
    });
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      console.log(`  ✗ ${script} did not finish within ${SCRIPT_TIMEOUT_MS} ms: stopping it`);
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    }, SCRIPT_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * Runs each script in turn against one server (E2E_BASE_URL, else a fresh `tsx server/main.ts`
 * with the demo seeded), whatever the previous one gave; sets a non-zero exit code if any failed.
 * The scripts sign in as demo users: they are given the passwords the server printed at seeding
 * (E2E_DEMO_PASSWORDS; with E2E_BASE_URL, the one set here is passed on).
 */
export async function runScriptsAgainstOneServer(scripts: string[], what: string): Promise<void> {
  const server = await serverUnderTest();
  const passwords = demoPasswords(server);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.stop().finally(() => process.exit(130)));
  }
  const failed: string[] = [];
  try {
    for (const script of scripts) {
      console.log(`\n${script}`);
      if ((await runScript(script, server.baseUrl, passwords)) !== 0) failed.push(script);
    }
  } finally {
    await server.stop();
  }
  console.log(failed.length === 0 ? `\nall ${what} passed` : `\nfailed: ${failed.join(', ')}`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

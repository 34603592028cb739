import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RunningServer {
  baseUrl: string;
  /** Stops the server and its children and removes its data directory. */
  stop(): Promise<void>;
}

/** A server this process started (startServer): its process group, to kill or watch. */
export interface ServerProcess extends RunningServer {
  /** The process group of the server (tsx and the node process it starts). */
  pid: number;
  /** Sends `signal` to the whole group at once (SIGKILL: a crash, no graceful shutdown) and waits for tsx to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Whether the server is still running (it exits on its own only when it crashes). */
  running(): boolean;
  /** What the server printed so far (stdout and stderr). */
  output(): string;
}

export interface StartOptions {
  /** environment on top of this process's (e.g. DATABASE_URL, SEED_DEMO, RATE_LIMIT_PER_MINUTE) */
  env?: Record<string, string>;
}

const LISTENING_LINE = /gridatlas listening on (http:\/\/\S+)/;

/**
 * Starts `tsx server/main.ts` on a free port with a fresh DATA_DIR (so it seeds the demo),
 * reads its address from the "gridatlas listening on …" line and waits for `/api/health`.
 * The server runs in its own process group, so `stop` ends tsx and everything it started.
 */
export async function startServer(timeoutMs: number, opts: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridatlas-e2e-'));
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['server/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  const stop = async () => {
    await killGroup(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const baseUrl = await waitForListeningLine(child, output, timeoutMs);
    await waitForHealth(baseUrl, timeoutMs);
    return {
      baseUrl, stop, pid: child.pid!,
      kill: (signal) => killGroup(child, signal),
      running: () => child.exitCode === null && child.signalCode === null,
      output: () => output.join(''),
    };
  } catch (error) {
    await stop();
    const tail = output.join('').split('\n').slice(-30).join('\n');
    throw new Error(`${(error as Error).message}\n--- server output (last lines) ---\n${tail}`);
  }
}

function waitForListeningLine(child: ChildProcess, output: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not print its address within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = LISTENING_LINE.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal})`));
    });
  });
}

/** How long one GET /api/health may take before it counts as no answer. */
const HEALTH_REQUEST_TIMEOUT_MS = 10_000;
/** How long a stopped server's process group gets to exit after SIGTERM, then again after SIGKILL. */
const KILL_GRACE_MS = 5_000;

async function waitForHealth(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const status = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) }).then(
      (r) => r.status,
      (error: Error) => error.name === 'TimeoutError' ? `no answer within ${HEALTH_REQUEST_TIMEOUT_MS} ms` : error.message,
    );
    if (status === 200) return;
    last = typeof status === 'number' ? `answered ${status}` : status;
    if (Date.now() > deadline) throw new Error(`GET /api/health did not answer 200 within ${timeoutMs} ms (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Sends `signal` to the server's process group (SIGKILL after a grace period if it is still there) and waits for it to exit. */
async function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
  const within = (ms: number) => Promise.race([exited, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
  const signalGroup = (sent: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sent);
    } catch {
      // the group is already gone
    }
  };
  signalGroup(signal);
  if (await within(KILL_GRACE_MS)) return;
  signalGroup('SIGKILL');
  if (!(await within(KILL_GRACE_MS))) console.warn(`server process ${child.pid} did not exit ${KILL_GRACE_MS} ms after SIGKILL; leaving it`);
}

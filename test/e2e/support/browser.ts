import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
// For the `window.__gridatlas` declaration used inside page.evaluate.
import type {} from '../../../client/src/main';
import type { Checks } from './checks';
import { startServer, type RunningServer } from './server-process';

const SERVER_START_TIMEOUT_MS = 5 * 60_000;
export const MAP_READY_TIMEOUT_MS = 2 * 60_000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const isOnThisMachine = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
};

/** The server under test: the one at E2E_BASE_URL, else a fresh `tsx server/main.ts`. */
export async function serverUnderTest(): Promise<RunningServer> {
  return process.env.E2E_BASE_URL
    ? { baseUrl: process.env.E2E_BASE_URL.replace(/\/$/, ''), stop: async () => undefined }
    : startServer(SERVER_START_TIMEOUT_MS);
}

/** A page in Debian's Chromium that records every request (refusing off-machine ones) and every error. */
export interface RecordedPage {
  browser: Browser;
  page: Page;
  requestedUrls: string[];
  pageErrors: string[];
}

export async function openRecordedPage(): Promise<RecordedPage> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const requestedUrls: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (request) => requestedUrls.push(request.url()));
  // Anything bound elsewhere is recorded above and then refused, so the page behaves as offline.
  await context.route((url) => !isOnThisMachine(url.href), (route) => route.abort());
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  return { browser, page, requestedUrls, pageErrors };
}

export async function waitForMapReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__gridatlas !== undefined, null, { timeout: MAP_READY_TIMEOUT_MS });
  await page.evaluate(
    (timeoutMs) =>
      Promise.race([
        window.__gridatlas!.ready,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`map not ready after ${timeoutMs} ms`)), timeoutMs),
        ),
      ]),
    MAP_READY_TIMEOUT_MS,
  );
}

/** Resolves at the map's next `idle` (nothing moving, every source loaded, everything drawn). */
export async function waitForMapIdle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__gridatlas!.map;
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** The distinct values of a property among the features the map draws in some layers, once it has settled. */
export async function renderedValues(page: Page, layers: string[], property = 'code'): Promise<string[]> {
  await waitForMapIdle(page);
  return page.evaluate(
    ({ layers: wanted, property: name }) => {
      const features = window.__gridatlas!.map.queryRenderedFeatures({ layers: wanted });
      return [...new Set(features.map((feature) => String(feature.properties[name])))];
    },
    { layers, property },
  );
}

/** Frames the map on [west, south, east, north] at once and waits for it to settle. */
export async function fitMapTo(page: Page, bbox: [number, number, number, number]): Promise<void> {
  await page.evaluate((box) => window.__gridatlas!.map.fitBounds(box, { padding: 24, animate: false }), bbox);
  await waitForMapIdle(page);
}

/** The text of the first element a selector finds, waiting for it to exist. */
export const textOf = async (page: Page, selector: string, timeoutMs = 30_000): Promise<string> =>
  (await page.locator(selector).first().textContent({ timeout: timeoutMs })) ?? '';

/** Clicks the map at a geographic point. */
export async function clickMapAt(page: Page, [lng, lat]: [number, number]): Promise<void> {
  const { x, y } = await page.evaluate(
    (lngLat) => {
      const map = window.__gridatlas!.map;
      const point = map.project(lngLat);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    },
    [lng, lat] as [number, number],
  );
  await page.mouse.click(x, y);
}

/** The closing checks of every browser test: no request left this machine, the page logged no errors. */
export function checkStayedLocalAndClean(checks: Checks, { requestedUrls, pageErrors }: Pick<RecordedPage, 'requestedUrls' | 'pageErrors'>): void {
  const outside = requestedUrls.filter((url) => !isOnThisMachine(url));
  checks.check(
    `none of the ${requestedUrls.length} requests left 127.0.0.1/localhost`,
    outside.length === 0,
    outside.slice(0, 10).join('\n      '),
  );
  checks.check('the page logged no errors', pageErrors.length === 0, pageErrors.slice(0, 10).join('\n      '));
}

/** Waits for the map to settle, then saves a screenshot of the page. */
export async function saveScreenshot(page: Page, file: string): Promise<void> {
  await waitForMapIdle(page);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
}

/**
 * Runs a browser test body against the server under test; `open` gives it a page in Chromium
 * that records requests and errors. A throw fails the check "the run reached its end"; the page's
 * errors are printed when any check failed; the server and browser stop on the way out or on
 * Ctrl-C; the summary is printed and sets the exit code.
 */
export async function runE2e(checks: Checks, body: (server: RunningServer, open: () => Promise<RecordedPage>) => Promise<void>): Promise<void> {
  let server: RunningServer | undefined;
  let recorded: RecordedPage | undefined;
  const cleanUp = async () => {
    await recorded?.browser.close().catch(() => undefined);
    await server?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  try {
    server = await serverUnderTest();
    await body(server, async () => (recorded = await openRecordedPage()));
  } catch (error) {
    checks.fail('the run reached its end', error);
  } finally {
    if (recorded?.pageErrors.length && checks.failed > 0) console.log(`page errors:\n  ${recorded.pageErrors.join('\n  ')}`);
    await cleanUp();
  }
  console.log(checks.summary());
  process.exitCode = checks.failed === 0 ? 0 : 1;
}

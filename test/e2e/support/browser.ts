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

/** How long a wait for the map to settle may take before it fails, saying what it saw. */
export const MAP_IDLE_TIMEOUT_MS = 60_000;

/** What the map and the deck.gl overlay were doing, for the message of a wait that timed out. */
export interface MapState {
  loaded: boolean;
  areTilesLoaded: boolean;
  isMoving: boolean;
  styleLoaded: boolean;
  /** MapLibre's private flags that keep the render loop going (so no `idle` fires) while set. */
  dirty: string[];
  /** a frame is requested and not drawn yet */
  frameRequested: boolean;
  /** sources whose tile manager or source says it is not loaded, with the state of their in-view tiles */
  sourcesLoading: string[];
  /** deck.gl layers not loaded yet (as `isLoaded` says) */
  deckLayersLoading: string[];
  visibility: DocumentVisibilityState;
}

/** Reads {@link MapState} in the page (MapLibre and deck.gl private fields are read for the diagnosis only). */
export async function mapState(page: Page): Promise<MapState> {
  return page.evaluate(() => {
    const map = window.__gridatlas!.map;
    const internals = map as unknown as Record<string, unknown> & {
      style?: { loaded(): boolean; tileManagers: Record<string, unknown> };
      _controls?: { _deck?: { layerManager?: { getLayers(): { id: string; isLoaded: boolean }[] } } }[];
    };
    const sourcesLoading: string[] = [];
    for (const [id, manager] of Object.entries(internals.style?.tileManagers ?? {})) {
      const tiles = manager as {
        loaded(): boolean;
        areTilesLoaded(): boolean;
        _source?: { loaded?(): boolean };
        _inViewTiles?: { getAllTiles(): { state: string }[] };
      };
      if (tiles.loaded() && tiles.areTilesLoaded()) continue;
      const states = new Map<string, number>();
      for (const tile of tiles._inViewTiles?.getAllTiles() ?? []) states.set(tile.state, (states.get(tile.state) ?? 0) + 1);
      sourcesLoading.push(
        `${id} (source loaded ${String(tiles._source?.loaded?.())}, tiles ${[...states].map(([state, count]) => `${count} ${state}`).join(', ') || 'none'})`,
      );
    }
    const deck = internals._controls?.find((control) => control._deck)?._deck;
    return {
      loaded: map.loaded(),
      areTilesLoaded: map.areTilesLoaded(),
      isMoving: map.isMoving(),
      styleLoaded: internals.style?.loaded() ?? false,
      dirty: ['_sourcesDirty', '_styleDirty', '_placementDirty', '_repaint'].filter((flag) => Boolean(internals[flag])),
      frameRequested: Boolean(internals._frameRequest),
      sourcesLoading,
      deckLayersLoading: (deck?.layerManager?.getLayers() ?? []).filter((layer) => !layer.isLoaded).map((layer) => layer.id),
      visibility: document.visibilityState,
    };
  });
}

const describeState = (state: MapState): string =>
  [
    `map.loaded() ${state.loaded}`,
    `map.areTilesLoaded() ${state.areTilesLoaded}`,
    `map.isMoving() ${state.isMoving}`,
    `style loaded ${state.styleLoaded}`,
    `dirty [${state.dirty.join(', ')}]`,
    `frame requested ${state.frameRequested}`,
    `sources loading [${state.sourcesLoading.join('; ')}]`,
    `deck layers loading [${state.deckLayersLoading.join(', ')}]`,
    `page ${state.visibility}`,
  ].join(', ');

/** How often the wait below looks at the map. */
const MAP_IDLE_POLL_MS = 50;

/**
 * Resolves once the map has settled: every source and tile loaded, nothing moving, and a frame
 * drawn in that state (MapLibre's `idle` event, or a `render` while settled). Fails after
 * `timeoutMs` with what it saw (see {@link MapState}).
 *
 * It does not just wait for the next `idle` event: MapLibre fires `idle` only at the end of a
 * frame, and a change that makes the map loaded without asking for a frame leaves it unfired. The
 * server's tiles say `max-age=60` with an ETag; a minute after loading, MapLibre marks them
 * `expired` and fetches them again, and when the ETag is unchanged it marks them loaded without a
 * `data` event, so without a frame. A wait that began during such a refetch drew its one frame
 * while the map was not loaded and then never saw an `idle`. So the map is polled, and once it is
 * settled a frame is requested, whose `idle` (or `render`) ends the wait.
 */
export async function waitForMapIdle(page: Page, timeoutMs = MAP_IDLE_TIMEOUT_MS): Promise<void> {
  const outcome = await page.evaluate(
    ({ timeout, pollMs }) =>
      new Promise<{ settled: boolean; renders: number; sinceLastRenderMs: number | null }>((resolve) => {
        const map = window.__gridatlas!.map;
        const seen = { renders: 0, lastRender: null as number | null, settledRender: false };
        // Methods, not arrow functions in variables: tsx would wrap those in a __name() the page lacks.
        const wait = {
          settled() {
            return map.loaded() && !map.isMoving() && map.areTilesLoaded();
          },
          render() {
            seen.renders += 1;
            seen.lastRender = performance.now();
            // A frame drawn with everything loaded and still, even if MapLibre keeps drawing more.
            if (wait.settled()) seen.settledRender = true;
          },
          idle() {
            wait.finish(true);
          },
          poll() {
            if (!wait.settled()) {
              seen.settledRender = false;
              return;
            }
            if (seen.settledRender) return wait.finish(true);
            // Settled with no frame to show it (or no `idle` after it): ask for one.
            map.triggerRepaint();
          },
          finish(settled: boolean) {
            clearInterval(poller);
            clearTimeout(deadline);
            map.off('render', wait.render);
            map.off('idle', wait.idle);
            const sinceLastRenderMs = seen.lastRender === null ? null : Math.round(performance.now() - seen.lastRender);
            resolve({ settled, renders: seen.renders, sinceLastRenderMs });
          },
        };
        const poller = setInterval(() => wait.poll(), pollMs);
        const deadline = setTimeout(() => wait.finish(false), timeout);
        map.on('render', wait.render);
        map.on('idle', wait.idle);
        map.triggerRepaint();
      }),
    { timeout: timeoutMs, pollMs: MAP_IDLE_POLL_MS },
  );
  if (outcome.settled) return;
  const state = await mapState(page);
  throw new Error(
    `the map did not settle within ${timeoutMs} ms (waited for map.loaded(), map.areTilesLoaded() and !map.isMoving() and a frame drawn so; ` +
      `${outcome.renders} frames drawn meanwhile, the last ${outcome.sinceLastRenderMs ?? '–'} ms before giving up): ${describeState(state)}`,
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

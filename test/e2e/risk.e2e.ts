/**
 * Browser test of the risk view (风险) against the real server: `npm run test:browser`.
 *
 * Opens #risk on the demo's events and checks the H3 layer of the current resolution draws the
 * cells GET /api/heatmap answers for the view's query, each coloured by the API's value; moves the
 * time slider (with the legend's domain pinned, then unpinned) and checks the new window's cells
 * and colours; plays the window forward a week; hovers a hexagon and checks its tooltip equals
 * GET /api/heatmap/cells/{h3}; switches to hot spots and checks the cells are coloured by the
 * API's Gi* bins; checks the ranking lists the grids in GET /api/risk/grids order, and that a row
 * and a click on the map each show that grid's GET /api/risk/grids/{code}/timeline.
 * Saves test-results/risk.png; checks nothing left this machine and the page logged no error.
 * Set E2E_BASE_URL to test a server that is already running.
 */
import { cellToLatLng } from 'h3-js';
import type { Page } from 'playwright-core';
import type { GridCollection } from '../../client/src/api/planning-types';
import type { CellBreakdown, EventRange, GridRiskRanking, GridTimeline, HeatmapAnswer } from '../../client/src/api/risk-types';
import { binFill, positionOf, rampFill, scaleFor } from '../../client/src/layers/risk/risk-colours';
import { boundsOf } from '../../client/src/map/bounds';
import { addDays, bucketStarts, windowEndingOn } from '../../client/src/views/risk/day-window';
import type { RiskSnapshot } from '../../client/src/views/risk/risk-view';
import { getApi } from './support/api';
import {
  checkStayedLocalAndClean,
  clickMapAt,
  fitMapTo,
  runE2e,
  saveScreenshot,
  textOf,
  waitForMapReady,
} from './support/browser';
import { Checks, sameSet } from './support/checks';
import { interiorPoint } from './support/grid-geometry';
import { signInApi, signInThroughPage } from './support/login';

/** Scoring every grid of the district takes seconds on the embedded database. */
const UI_TIMEOUT_MS = 2 * 60_000;
/** The view's default window, in days. */
const DEFAULT_WINDOW_DAYS = 90;
/** How far back the slider is moved. */
const SLIDER_STEP_BACK_DAYS = 60;
const SCREENSHOT_PATH = 'test-results/risk.png';
/** The district's command centre: heatmaps with events:read, so no cell is suppressed. */
const USER = 'commander-qixia';

const snapshot = (page: Page): Promise<RiskSnapshot> => page.evaluate(() => window.__gridatlas!.risk());

/**
 * Waits until the view draws a settled heatmap other than `previous` (whose query holds `part`,
 * if given), and answers it with the API's answer to the same query.
 */
async function nextHeatmap(page: Page, baseUrl: string, previous: string | null, part = ''): Promise<{ shown: RiskSnapshot; answer: HeatmapAnswer }> {
  await page.waitForFunction(
    ([before, wanted]) => {
      const risk = window.__gridatlas!.risk();
      return !risk.loading && risk.params !== null && risk.params !== before && risk.params.includes(wanted);
    },
    [previous, part] as const,
    { timeout: UI_TIMEOUT_MS },
  );
  const shown = await snapshot(page);
  return { shown, answer: await getApi<HeatmapAnswer>(baseUrl, `/api/heatmap?${shown.params}`) };
}

/** How many cells the deck.gl layers of the heatmap hold, by layer id. */
async function drawnCells(page: Page, layerIds: string[]): Promise<Record<string, number | null>> {
  const layers = await page.evaluate(() => window.__gridatlas!.deckLayers());
  return Object.fromEntries(layers.filter((layer) => layerIds.includes(layer.id)).map((layer) => [layer.id, layer.objects]));
}

/** Cells whose drawn fill is not the one expected for the API's value. */
function wrongFills(shown: RiskSnapshot, answer: HeatmapAnswer, domain: [number, number] = answer.domain): string[] {
  const scale = scaleFor(answer.metric, domain);
  return answer.cells.filter((cell, i) => {
    const expected = answer.metric === 'hotspot' ? binFill(answer.bins![i]) : rampFill(positionOf(scale, answer.values[i]));
    return JSON.stringify(shown.fills[cell]) !== JSON.stringify(expected);
  });
}

/** The layer of the answer's resolution holds its cells, and every cell is coloured by its value. */
async function checkDrawn(page: Page, shown: RiskSnapshot, answer: HeatmapAnswer, what: string, checks: Checks, domain?: [number, number]): Promise<void> {
  const layerId = `risk-h3-r${answer.res}`;
  const drawn = await drawnCells(page, shown.layerIds);
  checks.check(
    `${what}: layer ${layerId} holds the ${answer.cells.length} cells GET /api/heatmap answers (${answer.totalEvents} events, ${answer.window.from} – ${answer.window.to})`,
    answer.cells.length > 0 && shown.layerIds.join() === layerId && drawn[layerId] === answer.cells.length && sameSet(Object.keys(shown.fills), answer.cells),
    JSON.stringify({ layers: drawn, res: shown.res }),
  );
  const wrong = wrongFills(shown, answer, domain);
  checks.check(`${what}: every cell is coloured by its ${answer.metric} value`, wrong.length === 0, `${wrong.length} wrong, e.g. ${wrong.slice(0, 3).join(', ')}`);
}

/** A cell (the one with the most events) whose centre lies on the map canvas, not under a card. */
async function cellToHover(page: Page, answer: HeatmapAnswer): Promise<{ cell: string; x: number; y: number }> {
  const order = answer.cells.map((cell, i) => ({ cell, count: answer.counts[i] })).sort((a, b) => b.count - a.count);
  for (const { cell } of order) {
    const [lat, lng] = cellToLatLng(cell);
    const point = await page.evaluate((lngLat) => {
      const map = window.__gridatlas!.map;
      const projected = map.project(lngLat);
      const box = map.getCanvas().getBoundingClientRect();
      const at = { x: box.left + projected.x, y: box.top + projected.y };
      return document.elementFromPoint(at.x, at.y)?.tagName === 'CANVAS' ? at : null;
    }, [lng, lat] as [number, number]);
    if (point) return { cell, ...point };
  }
  throw new Error('no heatmap cell lies in the open on the map');
}

async function checkTooltip(page: Page, baseUrl: string, answer: HeatmapAnswer, checks: Checks): Promise<void> {
  const { cell, x, y } = await cellToHover(page, answer);
  await page.mouse.move(x - 3, y);
  await page.mouse.move(x, y);
  await page.waitForSelector(`.map-tooltip [data-cell="${cell}"] .tooltip-details[data-state="shown"]`, { timeout: UI_TIMEOUT_MS });
  const shown = await page.evaluate(() => {
    const details = document.querySelector<HTMLElement>('.map-tooltip .tooltip-details')!;
    return {
      events: Number(details.dataset.events),
      byType: Object.fromEntries([...details.querySelectorAll<HTMLElement>('[data-type]')].map((line) => [line.dataset.type, Number(line.dataset.count)])),
      bySeverity: details.querySelector<HTMLElement>('[data-severity]')!.dataset.severity!.split(',').map(Number),
    };
  });
  const { window: { from, to } } = answer;
  const api = await getApi<CellBreakdown>(baseUrl, `/api/heatmap/cells/${cell}?from=${from}&to=${to}`);
  const expected = api.suppressed ? null : { events: api.events, byType: Object.fromEntries(Object.entries(api.byType).filter(([, n]) => n > 0)), bySeverity: api.bySeverity };
  checks.check(
    `hovering hexagon ${cell} shows its breakdown by type and severity as GET /api/heatmap/cells/${cell} (${expected?.events} events)`,
    expected !== null && shown.events === expected.events && JSON.stringify(shown.bySeverity) === JSON.stringify(expected.bySeverity) &&
      JSON.stringify(Object.entries(shown.byType).sort()) === JSON.stringify(Object.entries(expected.byType).sort()),
    JSON.stringify({ shown, api }),
  );
  await page.mouse.move(5, 5);
}

/** Moves the slider back, first with the legend pinned (colours keep the old domain), then unpinned. */
async function checkSlider(page: Page, baseUrl: string, range: EventRange, before: { shown: RiskSnapshot; answer: HeatmapAnswer }, checks: Checks) {
  await page.check('#risk-pin-domain');
  const max = Number(await page.getAttribute('#risk-slider', 'max'));
  await page.locator('#risk-slider').fill(String(max - SLIDER_STEP_BACK_DAYS));
  const moved = await nextHeatmap(page, baseUrl, before.shown.params);
  const expectedWindow = windowEndingOn(addDays(range.last!, -SLIDER_STEP_BACK_DAYS), DEFAULT_WINDOW_DAYS);
  checks.check(
    `moving the slider ${SLIDER_STEP_BACK_DAYS} days back asks for ${expectedWindow.from} – ${expectedWindow.to}, whose counts differ`,
    JSON.stringify(moved.answer.window) === JSON.stringify(expectedWindow) &&
      JSON.stringify([moved.answer.cells, moved.answer.counts]) !== JSON.stringify([before.answer.cells, before.answer.counts]),
    JSON.stringify({ window: moved.answer.window, events: [before.answer.totalEvents, moved.answer.totalEvents] }),
  );
  const legendHigh = Number(await page.getAttribute('#risk-legend', 'data-high'));
  checks.check(
    `with the legend pinned, it keeps the domain up to ${before.answer.domain[1]} (the new window's is ${moved.answer.domain[1]})`,
    legendHigh === before.answer.domain[1],
    `legend ${legendHigh}`,
  );
  await checkDrawn(page, moved.shown, moved.answer, 'pinned, after the slider moved', checks, before.answer.domain);
  await page.uncheck('#risk-pin-domain');
  await page.waitForFunction((high) => document.getElementById('risk-legend')?.dataset.high === String(high), moved.answer.domain[1]);
  await checkDrawn(page, await snapshot(page), moved.answer, 'unpinned', checks);
  return moved;
}

async function checkPlayback(page: Page, baseUrl: string, checks: Checks): Promise<void> {
  const start = await snapshot(page);
  await page.click('#risk-play');
  const first = await nextHeatmap(page, baseUrl, start.params);
  const second = await nextHeatmap(page, baseUrl, first.shown.params);
  await page.click('#risk-play');
  const [from, to] = [first.answer.window, second.answer.window];
  checks.check(
    `playing steps the window a week at a time (${from.from} → ${to.from})`,
    to.from === addDays(from.from, 7) && to.to === addDays(from.to, 7) && (await page.getAttribute('#risk-play', 'aria-pressed')) === 'false',
    JSON.stringify({ from, to }),
  );
}

async function checkHotspots(page: Page, baseUrl: string, previous: RiskSnapshot, checks: Checks): Promise<void> {
  await page.click('#risk-metric-hotspot');
  const { shown, answer } = await nextHeatmap(page, baseUrl, previous.params, 'metric=hotspot');
  checks.check('switching to hot spots asks for metric=hotspot', answer.metric === 'hotspot' && answer.bins !== undefined, shown.params ?? '');
  await checkDrawn(page, shown, answer, 'hot spots', checks);
  const bins = answer.bins ?? [];
  const legend = await page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll<HTMLElement>('#risk-legend [data-entry]')].map((row) => [row.dataset.entry, Number(row.dataset.count)])),
  );
  const expected = Object.fromEntries([3, 2, 1, 0, -1, -2, -3].map((bin) => [`bin${bin}`, bins.filter((b) => b === bin).length]));
  checks.check(
    `hot spots are drawn in the diverging colours of their bins, ${expected.bin3} at 99 % hot, ${expected['bin-3']} at 99 % cold (the legend counts them)`,
    bins.some((bin) => bin > 0) && JSON.stringify(legend) === JSON.stringify(expected),
    JSON.stringify({ legend, expected }),
  );
}

async function checkRanking(page: Page, baseUrl: string, shown: RiskSnapshot, checks: Checks): Promise<GridRiskRanking> {
  const params = new URLSearchParams(shown.params!);
  await page.waitForSelector('#risk-ranking .risk-ranking-body[data-state="shown"] tr[data-grid]', { timeout: UI_TIMEOUT_MS });
  const ranking = await getApi<GridRiskRanking>(baseUrl, `/api/risk/grids?from=${params.get('from')}&to=${params.get('to')}`);
  const rows = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('#risk-ranking-table tr[data-grid]')].map((row) => row.dataset.grid));
  const expected = ranking.grids.slice(0, rows.length).map((grid) => grid.grid);
  checks.check(
    `the ranking lists the ${rows.length} riskiest grids in GET /api/risk/grids order (${expected[0]} first, of ${ranking.grids.length})`,
    rows.length > 0 && JSON.stringify(rows) === JSON.stringify(expected),
    JSON.stringify({ rows: rows.slice(0, 5), api: expected.slice(0, 5) }),
  );
  return ranking;
}

/** The timeline panel shows `code`'s GET /api/risk/grids/{code}/timeline, one bar per bucket of the window. */
async function checkTimeline(page: Page, baseUrl: string, code: string, what: string, checks: Checks): Promise<void> {
  await page.waitForSelector(`#risk-timeline [data-grid="${code}"]`, { timeout: UI_TIMEOUT_MS });
  await page.waitForSelector('#risk-timeline .risk-timeline-body[data-state="shown"]', { timeout: UI_TIMEOUT_MS });
  const shown = await page.evaluate(() => ({
    window: { from: document.querySelector<HTMLElement>('#risk-time output')!.dataset.from!, to: document.querySelector<HTMLElement>('#risk-time output')!.dataset.to! },
    bars: [...document.querySelectorAll<SVGRectElement>('#risk-timeline rect[data-start]')].map((bar) => [bar.dataset.start!, Number(bar.dataset.total)] as [string, number]),
  }));
  const timeline = await getApi<GridTimeline>(baseUrl, `/api/risk/grids/${code}/timeline?from=${shown.window.from}&to=${shown.window.to}&bucket=week`);
  const totals = new Map(timeline.buckets.map((bucket) => [bucket.start, bucket.total]));
  const starts = bucketStarts(shown.window, 'week');
  checks.check(
    `${what} shows its events per week as GET /api/risk/grids/${code}/timeline (${timeline.buckets.reduce((n, b) => n + b.total, 0)} events in ${starts.length} bars)`,
    JSON.stringify(shown.bars) === JSON.stringify(starts.map((start) => [start, totals.get(start) ?? 0])),
    JSON.stringify(shown.bars.filter(([, total]) => total > 0).slice(0, 6)),
  );
}

async function checkGridChoice(page: Page, baseUrl: string, ranking: GridRiskRanking, checks: Checks): Promise<void> {
  const [first, second] = ranking.grids;
  await page.click(`#risk-ranking-table tr[data-grid="${first.grid}"]`);
  await checkTimeline(page, baseUrl, first.grid, `clicking ranking row ${first.grid}`, checks);
  const grids = await getApi<GridCollection>(baseUrl, `/api/plans/${ranking.planId}/grids?kind=comprehensive`);
  const grid = (code: string) => grids.features.find((feature) => feature.properties.code === code)!;
  const inside = interiorPoint(grid(first.grid));
  const inView = await page.evaluate((point) => window.__gridatlas!.map.getBounds().contains(point), inside);
  const selected = (await page.evaluate(() => window.__gridatlas!.deckLayers())).find((layer) => layer.id === 'risk-grid-selected');
  checks.check(`the map zooms to ${first.grid} and outlines it`, inView && selected?.objects === 1 && (await snapshot(page)).selectedGrid === first.grid);

  await fitMapTo(page, boundsOf([grid(second.grid)]));
  await clickMapAt(page, interiorPoint(grid(second.grid)));
  await checkTimeline(page, baseUrl, second.grid, `clicking grid ${second.grid} on the map`, checks);
  const marked = await page.getAttribute(`#risk-ranking-table tr[data-grid="${second.grid}"]`, 'aria-selected');
  checks.check(`the ranking marks ${second.grid}`, marked === 'true', `aria-selected ${marked}`);
}

const checks = new Checks();
await runE2e(checks, async (server, open) => {
  const baseUrl = server.baseUrl;
  checks.check(`server is up at ${baseUrl}`, true);
  await signInApi(server, USER);
  const range = await getApi<EventRange>(baseUrl, '/api/heatmap/range');
  if (!range.first || !range.last) throw new Error('the demo holds no events to draw');
  const recorded = await open();
  const { page, requestedUrls, pageErrors } = recorded;
  await signInThroughPage(recorded, server, USER);
  await waitForMapReady(page);
  await page.click('.view-tab[data-view="risk"]');
  checks.check('the risk view opens from the header tab (风险)', (await textOf(page, '.view-tab[aria-selected="true"]')) === '风险');
  const opened = await nextHeatmap(page, baseUrl, null);
  const expectedWindow = windowEndingOn(range.last, DEFAULT_WINDOW_DAYS);
  checks.check(
    `it opens on the ${DEFAULT_WINDOW_DAYS} days up to the last day with events (${range.last})`,
    JSON.stringify(opened.answer.window) === JSON.stringify(expectedWindow),
    JSON.stringify(opened.answer.window),
  );
  await checkDrawn(page, opened.shown, opened.answer, 'on opening', checks);
  const moved = await checkSlider(page, baseUrl, range, opened, checks);
  await checkTooltip(page, baseUrl, moved.answer, checks);
  await checkPlayback(page, baseUrl, checks);
  await checkHotspots(page, baseUrl, await snapshot(page), checks);
  const ranking = await checkRanking(page, baseUrl, await snapshot(page), checks);
  await checkGridChoice(page, baseUrl, ranking, checks);
  await fitMapTo(page, boundsOf((await getApi<GridCollection>(baseUrl, `/api/plans/${ranking.planId}/grids?kind=comprehensive`)).features));
  await saveScreenshot(page, SCREENSHOT_PATH);
  checks.check(`screenshot saved to ${SCREENSHOT_PATH}`, true);
  checkStayedLocalAndClean(checks, { requestedUrls, pageErrors });
});

/**
 * Browser test of the planner view (网格规划) against the real server: `npm run test:browser`.
 *
 * Opens the planner, picks the densest community of 迈皋桥街道 from the lists, runs a partition
 * and follows the progress bar to done, checks the grids drawn against the API, opens the
 * topology panel, merges two neighbouring grids and checks the figures panel (the merged grid
 * holds the households of both), undoes and checks the figures come back; then runs a second
 * partition with other targets, compares the two plans and publishes the second.
 * Saves test-results/planner.png; checks nothing left this machine and the page logged no error.
 * Set E2E_BASE_URL to test a server that is already running instead of starting one, and
 * E2E_PLANNER_COMMUNITY to a community code of 迈皋桥街道 to plan that one instead.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Page } from 'playwright-core';
import type { GridCollection, PlanDetail, TopologyReport } from '../../client/src/api/planning-types';
import { getApi } from './support/api';
import {
  checkStayedLocalAndClean,
  clickMapAt,
  renderedValues,
  runE2e,
  saveScreenshot,
  textOf,
  waitForMapIdle,
  waitForMapReady,
} from './support/browser';
import { Checks, sameSet } from './support/checks';
import { interiorPoint, neighbouringPair } from './support/grid-geometry';
import { signInApi, signInThroughPage } from './support/login';

const STREET_NAME = '迈皋桥街道';
const PARTITION_TIMEOUT_MS = 5 * 60_000;
const UI_TIMEOUT_MS = 30_000;
const SCREENSHOT_PATH = 'test-results/planner.png';
/** The district's planner (plans:edit, jobs:read): partitions, edits and publishes. */
const USER = 'planner-qixia';
const COMPARE_SCREENSHOT_PATH = 'test-results/planner-compare.png';

type GridFeature = Feature<Polygon | MultiPolygon, GridCollection['features'][number]['properties']>;

interface AreaJson {
  properties: { code: string; name: string; parent_code: string | null; stats: { households: number; areaM2: number } };
}


/**
 * The street named STREET_NAME and its community with the most households per km² (small, so
 * quick), or the one E2E_PLANNER_COMMUNITY names.
 */
async function densestCommunity(baseUrl: string): Promise<{ street: string; community: AreaJson['properties'] }> {
  type Labels = { features: { properties: { code: string; name: string } }[] };
  const streets = await getApi<Labels>(baseUrl, '/api/areas?level=street&geometry=label&limit=100');
  const street = streets.features.find((feature) => feature.properties.name === STREET_NAME);
  if (!street) throw new Error(`no street named ${STREET_NAME}`);
  const communities = await getApi<Labels>(
    baseUrl,
    `/api/areas?level=community&parent=${street.properties.code}&geometry=label&limit=1000`,
  );
  const details = await Promise.all(
    communities.features.map((feature) => getApi<AreaJson>(baseUrl, `/api/areas/${feature.properties.code}`)),
  );
  const density = ({ properties: { stats } }: AreaJson) => stats.households / stats.areaM2;
  const [densest] = details.sort((a, b) => density(b) - density(a));
  const chosen = details.find((area) => area.properties.code === process.env.E2E_PLANNER_COMMUNITY) ?? densest;
  return { street: street.properties.code, community: chosen.properties };
}

/** Runs a partition from the targets form and waits for the progress bar to finish; answers the plan id. */
async function runPartition(page: Page, checks: Checks, label: string): Promise<number> {
  const previousPlan = await page.getAttribute('#planner-plan', 'data-plan-id');
  const previousJob = await page.getAttribute('#planner-progress', 'data-job');
  await page.click('#planner-run');
  await page.waitForFunction(
    (previous) => {
      const progress = document.getElementById('planner-progress');
      return (progress?.dataset.job ?? null) !== previous || progress?.dataset.status === 'failed';
    },
    previousJob,
    { timeout: UI_TIMEOUT_MS },
  );
  const seenWhileRunning = await page.evaluate(() => {
    const bar = document.querySelector('#planner-progress [role="progressbar"]');
    return { status: document.getElementById('planner-progress')?.dataset.status, value: bar?.getAttribute('aria-valuenow') };
  });
  await page.waitForFunction(
    () => ['done', 'failed', 'cancelled'].includes(document.getElementById('planner-progress')?.dataset.status ?? ''),
    null,
    { timeout: PARTITION_TIMEOUT_MS },
  );
  const status = await page.getAttribute('#planner-progress', 'data-status');
  const percent = await textOf(page, '#planner-progress .progress-percent');
  const detail = await textOf(page, '#planner-progress .progress-detail');
  checks.check(
    `${label}: the progress bar shows the job running, then done at 100%`,
    seenWhileRunning.status !== undefined && status === 'done' && percent === '100%',
    `first seen ${JSON.stringify(seenWhileRunning)}; then status ${status}, "${percent}", "${detail}"`,
  );
  if (status !== 'done') throw new Error(`${label}: the job ended ${status}: ${detail}`);
  await page.waitForFunction(
    (previous) => {
      const id = document.getElementById('planner-plan')?.dataset.planId;
      return !!id && id !== previous;
    },
    previousPlan,
    { timeout: UI_TIMEOUT_MS },
  );
  return Number(await page.getAttribute('#planner-plan', 'data-plan-id'));
}

/** The distinct grid codes the map draws from the plan's GeoJSON source. */
const renderedGridCodes = (page: Page): Promise<string[]> => renderedValues(page, ['plan-grid-fill', 'plan-grid-micro']);

async function checkGridsRendered(page: Page, baseUrl: string, planId: number, checks: Checks): Promise<GridFeature[]> {
  const grids = await getApi<GridCollection>(baseUrl, `/api/plans/${planId}/grids`);
  const rendered = await renderedGridCodes(page);
  const apiCodes = grids.features.map((grid) => grid.properties.code);
  checks.check(
    `the map draws the plan's ${apiCodes.length} grids, the ones GET /api/plans/${planId}/grids lists`,
    apiCodes.length > 0 && rendered.length === apiCodes.length && sameSet(rendered, apiCodes),
    `rendered ${rendered.length}, API ${apiCodes.length}; missing ${apiCodes.filter((c) => !rendered.includes(c)).slice(0, 8).join(', ')}`,
  );
  const legendTotal = await page.evaluate(() =>
    [...document.querySelectorAll('#planner-legend [data-balance] .legend-count')].reduce(
      (sum, cell) => sum + Number(cell.textContent?.replace(/\D/g, '') || 0),
      0,
    ),
  );
  const mainGrids = grids.features.filter((grid) => grid.properties.kind !== 'micro').length;
  checks.check(
    `the balance legend counts the ${mainGrids} comprehensive/dedicated grids`,
    legendTotal === mainGrids,
    `legend total ${legendTotal}`,
  );
  return grids.features as GridFeature[];
}

async function checkTopologyPanel(page: Page, baseUrl: string, planId: number, checks: Checks): Promise<void> {
  const report = await getApi<TopologyReport>(baseUrl, `/api/plans/${planId}/topology`);
  await page.click('[data-tab="topology"]');
  await page.waitForSelector('#planner-topology:not([hidden])', { timeout: UI_TIMEOUT_MS });
  const listed = await page.locator('#planner-topology .issue').count();
  checks.check(
    `the topology panel lists the ${report.issues.length} issues GET /api/plans/${planId}/topology reports`,
    listed === report.issues.length,
    `listed ${listed}`,
  );
  if (listed === 0) return;
  await page.locator('#planner-topology .issue').first().click();
  await waitForMapIdle(page);
  const shown = await page.evaluate(() => {
    const text = document.querySelector('#planner-topology .issue[aria-pressed="true"] .issue-message')?.textContent;
    const bounds = window.__gridatlas!.map.getBounds();
    return { text, view: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()] };
  });
  const issue = report.issues.find((candidate) => candidate.message === shown.text);
  const [west, south, east, north] = shown.view;
  const inView = !!issue && west <= issue.location[0] && issue.location[0] <= east && south <= issue.location[1] && issue.location[1] <= north;
  checks.check('clicking an issue zooms the map to it (its location is in view)', inView, JSON.stringify({ shown, issue }));
}

interface FiguresRow {
  grid: string;
  households: number;
}

/** The rows of one phase (before / after / current) of the figures panel. */
const figuresRows = (page: Page, phase: string): Promise<FiguresRow[]> =>
  page.evaluate(
    (wanted) =>
      [...document.querySelectorAll(`#planner-figures table[data-phase="${wanted}"] tr[data-grid]`)].map((row) => ({
        grid: (row as HTMLElement).dataset.grid!,
        households: Number((row.querySelector('[data-field="households"]') as HTMLElement).dataset.value),
      })),
    phase,
  );

async function waitForFigures(page: Page, kind: string): Promise<void> {
  await page.waitForSelector(`#planner-figures[data-kind="${kind}"]:not([hidden])`, { timeout: UI_TIMEOUT_MS });
}

async function checkMergeAndUndo(
  page: Page,
  baseUrl: string,
  planId: number,
  grids: GridFeature[],
  checks: Checks,
): Promise<void> {
  const pair = neighbouringPair(grids.filter((grid) => grid.properties.kind === 'comprehensive'));
  if (!pair) return checks.check('the plan has two neighbouring comprehensive grids to merge', false);
  const [a, b] = pair;
  const expectedSum = a.properties.households + b.properties.households;

  await page.click('#planner-zoom-to-plan');
  await waitForMapIdle(page);
  await page.click('[data-tab="edit"]');
  await page.click('[data-tool="merge"]');
  await clickMapAt(page, interiorPoint(a));
  await clickMapAt(page, interiorPoint(b));
  await page.waitForFunction(() => !(document.getElementById('planner-merge') as HTMLButtonElement).disabled, null, {
    timeout: UI_TIMEOUT_MS,
  });
  checks.check(`clicking grids ${a.properties.code} and ${b.properties.code} picks both for merging`, true);
  await page.click('#planner-merge');
  await waitForFigures(page, 'edit');
  const before = await figuresRows(page, 'before');
  const after = await figuresRows(page, 'after');
  checks.check(
    'after the merge the figures panel shows both grids before and one grid after',
    before.length === 2 && sameSet(before.map((row) => row.grid), [a.properties.code, b.properties.code]) && after.length === 1,
    JSON.stringify({ before, after }),
  );
  checks.check(
    `the merged grid's households equal the sum of the two (${a.properties.households} + ${b.properties.households} = ${expectedSum})`,
    after.length === 1 && after[0].households === expectedSum,
    JSON.stringify(after),
  );
  const mergedGrids = await getApi<GridCollection>(baseUrl, `/api/plans/${planId}/grids?kind=comprehensive`);
  const rendered = await renderedGridCodes(page);
  const mergedCodes = mergedGrids.features.map((grid) => grid.properties.code);
  checks.check(
    'the map redraws the plan with the merged grid (one comprehensive grid fewer)',
    mergedCodes.every((code) => rendered.includes(code)) &&
      !(mergedCodes.includes(a.properties.code) && mergedCodes.includes(b.properties.code)),
    `API comprehensive ${mergedCodes.length}, rendered ${rendered.length}`,
  );
  await saveScreenshot(page, SCREENSHOT_PATH);
  checks.check(`screenshot saved to ${SCREENSHOT_PATH}`, true);

  await page.click('#planner-undo');
  await waitForFigures(page, 'undo');
  const restored = await figuresRows(page, 'after');
  const original = new Map([a, b].map((grid) => [grid.properties.code, grid.properties.households]));
  checks.check(
    'after undo the figures panel shows the two grids with their households restored',
    restored.length === 2 && restored.every((row) => original.get(row.grid) === row.households),
    JSON.stringify(restored),
  );
  const undone = await getApi<GridCollection>(baseUrl, `/api/plans/${planId}/grids`);
  const undoneRendered = await renderedGridCodes(page);
  checks.check(
    'after undo the API and the map hold the original grids again',
    sameSet(undone.features.map((grid) => grid.properties.code), grids.map((grid) => grid.properties.code)) &&
      sameSet(undoneRendered, grids.map((grid) => grid.properties.code)),
    `API ${undone.features.length}, rendered ${undoneRendered.length}, originally ${grids.length}`,
  );
  await checkGridHistory(page, baseUrl, planId, b, checks);
}

/**
 * Selecting one grid shows its history from the audit trail: the undo, then the merge, both by the
 * signed-in planner, as GET /api/plans/:id/grids/:code/history lists them.
 */
async function checkGridHistory(page: Page, baseUrl: string, planId: number, grid: GridFeature, checks: Checks): Promise<void> {
  const { code } = grid.properties;
  await page.click('[data-tool="select"]');
  await clickMapAt(page, interiorPoint(grid));
  await page.waitForSelector(`#planner-grid-history[data-grid="${code}"][data-state="loaded"]:not([hidden])`, { timeout: UI_TIMEOUT_MS });
  const shown = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#planner-grid-history li')].map((item) => ({ action: item.dataset.action, actor: item.dataset.actor })),
  );
  const api = await getApi<{ entries: { action: string; actor: string }[] }>(baseUrl, `/api/plans/${planId}/grids/${code}/history?limit=10`);
  const listed = api.entries.map(({ action, actor }) => ({ action, actor }));
  checks.check(
    `selecting grid ${code} shows its history, newest first: the undo and the merge, by ${USER}, as the API lists them`,
    shown.length >= 2 && shown[0].action === 'grid.undo' && shown[1].action === 'grid.merge' &&
      shown.slice(0, 2).every((entry) => entry.actor === `user:${USER}`) && JSON.stringify(shown) === JSON.stringify(listed),
    JSON.stringify({ shown, listed }),
  );
}

async function checkCompareAndPublish(page: Page, baseUrl: string, firstPlan: number, checks: Checks): Promise<void> {
  await page.fill('#target-urban-min', '200');
  await page.fill('#target-urban-max', '350');
  // Plan names are unique per layer; the time keeps them so on a server that is reused.
  await page.fill('#planner-plan-name', `e2e 对比方案 ${new Date().toISOString()}`);
  const secondPlan = await runPartition(page, checks, 'second partition (urban 200–350)');
  await page.click('[data-tab="compare"]');
  await page.selectOption('#planner-compare-plan', String(firstPlan));
  await page.click('#planner-compare-run');
  await page.waitForSelector('#planner-diff-counts', { timeout: UI_TIMEOUT_MS });
  const diff = await getApi<{ moves: unknown[] }>(baseUrl, `/api/plans/${firstPlan}/diff/${secondPlan}`);
  const shownMoves = await page.locator('#planner-moves tbody tr').count();
  checks.check(
    `comparing with plan ${firstPlan} lists household moves (${diff.moves.length} from the API)`,
    diff.moves.length > 0 && shownMoves === Math.min(diff.moves.length, 12),
    `table rows ${shownMoves}`,
  );
  await waitForMapIdle(page);
  const highlighted = await page.evaluate(
    () => window.__gridatlas!.map.queryRenderedFeatures({ layers: ['plan-diff-outline', 'plan-diff-removed'] }).length,
  );
  checks.check('the changed grids are highlighted on the map', highlighted > 0, `diff features rendered: ${highlighted}`);
  await page.locator('#planner-moves').scrollIntoViewIfNeeded();
  await saveScreenshot(page, COMPARE_SCREENSHOT_PATH);

  await page.click('#planner-publish');
  await page.waitForFunction(() => document.getElementById('planner-publish')?.classList.contains('button-danger'), null, {
    timeout: UI_TIMEOUT_MS,
  });
  await page.click('#planner-publish');
  await page.waitForFunction(() => document.getElementById('planner-plan-status')?.textContent === '已发布', null, {
    timeout: UI_TIMEOUT_MS,
  });
  const published = await getApi<PlanDetail>(baseUrl, `/api/plans/${secondPlan}`);
  checks.check(
    'publishing (confirmed on a second click) marks the plan 已发布 and the API says published',
    published.status === 'published',
    `API status ${published.status}`,
  );
}

async function checkEnglish(page: Page, checks: Checks): Promise<void> {
  await page.click('#locale-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: UI_TIMEOUT_MS });
  const texts = [await textOf(page, '.view-tab[data-view="planner"]'), await textOf(page, '#planner-run')];
  checks.check(
    'in English the planner reads "Grid planning" and "Run partition"',
    texts[0] === 'Grid planning' && texts[1] === 'Run partition',
    JSON.stringify(texts),
  );
}

const checks = new Checks();
await runE2e(checks, async (server, open) => {
  const baseUrl = server.baseUrl;
  checks.check(`server is up at ${baseUrl}`, true);
  await signInApi(server, USER);
  const { street, community } = await densestCommunity(baseUrl);
  const recorded = await open();
  const { page, requestedUrls, pageErrors } = recorded;
  await signInThroughPage(recorded, server, USER);
  await waitForMapReady(page);
  await page.click('.view-tab[data-view="planner"]');
  await page.waitForSelector('#planner-area', { timeout: UI_TIMEOUT_MS });
  checks.check('the planner view opens from the header tab', true);

  await page.waitForSelector(`#planner-street option[value="${street}"]`, { state: 'attached', timeout: UI_TIMEOUT_MS });
  await page.selectOption('#planner-street', street);
  await page.selectOption('#planner-community', community.code);
  await page.waitForFunction(
    (name) => document.querySelector('#planner-area .area-summary-name')?.firstChild?.textContent === name,
    community.name,
    { timeout: UI_TIMEOUT_MS },
  );
  checks.check(`choosing ${STREET_NAME} › ${community.name} from the lists shows its figures`, true);

  const planId = await runPartition(page, checks, `partition of ${community.name}`);
  const grids = await checkGridsRendered(page, baseUrl, planId, checks);
  await checkTopologyPanel(page, baseUrl, planId, checks);
  await checkMergeAndUndo(page, baseUrl, planId, grids, checks);
  await checkCompareAndPublish(page, baseUrl, planId, checks);
  await checkEnglish(page, checks);

  checkStayedLocalAndClean(checks, { requestedUrls, pageErrors });
});

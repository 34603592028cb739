/**
 * Browser test of the police view (警格) against the real server: `npm run test:browser`.
 *
 * Opens #police and checks the demo's published comprehensive plan and the newest police plan
 * are chosen (on a reused server, where an earlier run accepted a plan, it then picks the demo's
 * published police plan); the split grids the map highlights, the legend and the figures panel match
 * GET /api/overlay/alignment; a worst conflict zooms the map to it and its tooltip names its
 * police grids; the proposal preview's changed count matches GET /api/overlay/proposal; accepting
 * it picks the new plan, whose figures show 0 split grids and 100% whole.
 * Saves test-results/police.png and police-preview.png; checks nothing left this machine and the
 * page logged no error. Set E2E_BASE_URL to test a server that is already running.
 */
import type { Page } from 'playwright-core';
import type { LayerPlan } from '../../client/src/api/layers-api';
import type { Alignment, Proposal } from '../../client/src/api/overlay-types';
import type { GridCollection } from '../../client/src/api/planning-types';
import { boundsOf } from '../../client/src/map/bounds';
import { getApi } from './support/api';
import {
  checkStayedLocalAndClean,
  fitMapTo,
  renderedValues,
  runE2e,
  saveScreenshot,
  textOf,
  waitForMapIdle,
  waitForMapReady,
} from './support/browser';
import { Checks, sameSet } from './support/checks';
import { signInApi, signInThroughPage } from './support/login';
import { interiorPoint } from './support/grid-geometry';

/** Overlaying a district's plans and writing a new one take seconds each on the embedded database. */
const ANALYSIS_TIMEOUT_MS = 3 * 60_000;
const SCREENSHOT_PATH = 'test-results/police.png';
/** The district's police: reads the alignment and accepts the proposal (overlay:edit). */
const USER = 'police-qixia';
const PREVIEW_SCREENSHOT_PATH = 'test-results/police-preview.png';

interface LayerRow {
  id: number;
  kind: string;
  plan_id: number | null;
  status: LayerPlan['status'] | null;
}

interface Plans {
  comprehensive: number;
  police: number;
}

/**
 * The plans the view chooses by itself (the published comprehensive plan, the newest police plan)
 * and the demo's police plan (the published one), whose conflicts the test looks at.
 */
async function expectedPlans(baseUrl: string): Promise<{ chosen: Plans; demoPolice: number }> {
  const rows = await getApi<LayerRow[]>(baseUrl, '/api/layers');
  const comprehensive = rows.filter((row) => row.kind === 'comprehensive' && row.status === 'published').at(-1)?.plan_id;
  const policePlans = rows.filter((row) => row.kind === 'police' && row.plan_id !== null);
  const police = policePlans.at(-1)?.plan_id;
  const demoPolice = (policePlans.find((row) => row.status === 'published') ?? policePlans[0])?.plan_id;
  if (!comprehensive || !police || !demoPolice) throw new Error(`the demo needs a published comprehensive plan and a police plan: ${JSON.stringify(rows)}`);
  return { chosen: { comprehensive, police }, demoPolice };
}

/** Checks the view chose the expected plans, then picks the demo's police plan if it was not the one chosen. */
async function checkChosenPlans(page: Page, baseUrl: string, checks: Checks): Promise<Plans> {
  const { chosen, demoPolice } = await expectedPlans(baseUrl);
  await waitForFigures(page, chosen.police);
  const shown = { comprehensive: await valueOf(page, '#police-comprehensive-plan'), police: await valueOf(page, '#police-overlay-plan') };
  checks.check(
    `the published comprehensive plan ${chosen.comprehensive} and the newest police plan ${chosen.police} are chosen`,
    shown.comprehensive === String(chosen.comprehensive) && shown.police === String(chosen.police),
    JSON.stringify(shown),
  );
  if (chosen.police === demoPolice) return chosen;
  await page.selectOption('#police-overlay-plan', String(demoPolice));
  await waitForFigures(page, demoPolice);
  return { comprehensive: chosen.comprehensive, police: demoPolice };
}

const valueOf = (page: Page, selector: string): Promise<string> => page.locator(selector).inputValue();

/** The raw figure behind a row of the figures panel. */
const figure = async (page: Page, field: string): Promise<number> =>
  Number(await page.getAttribute(`#police-figures [data-field="${field}"]`, 'data-value'));

/** Waits until the figures panel shows the alignment of `overlayPlan`. */
async function waitForFigures(page: Page, overlayPlan: number): Promise<void> {
  await page.waitForFunction(
    (plan) =>
      (document.getElementById('police-overlay-plan') as HTMLSelectElement | null)?.value === String(plan) &&
      document.querySelector('#police-conflicts .conflict-body')?.getAttribute('data-state') !== 'loading' &&
      document.getElementById('police-figures') !== null,
    overlayPlan,
    { timeout: ANALYSIS_TIMEOUT_MS },
  );
  await waitForMapIdle(page);
}

async function checkConflicts(page: Page, baseUrl: string, plans: Plans, checks: Checks): Promise<GridCollection> {
  const [alignment, grids] = await Promise.all([
    getApi<Alignment>(baseUrl, `/api/overlay/alignment?comprehensive=${plans.comprehensive}&overlay=${plans.police}`),
    getApi<GridCollection>(baseUrl, `/api/plans/${plans.comprehensive}/grids?kind=comprehensive`),
  ]);
  const { splitGrids, wholeShare } = alignment.figures;
  const shown = { splitGrids: await figure(page, 'splitGrids'), wholeShare: await figure(page, 'wholeShare') };
  checks.check(
    `the figures panel shows the API's ${splitGrids} split grids and ${(100 * wholeShare).toFixed(1)}% whole`,
    splitGrids > 0 && shown.splitGrids === splitGrids && shown.wholeShare === wholeShare,
    JSON.stringify(shown),
  );
  await fitMapTo(page, boundsOf(grids.features));
  const highlighted = await renderedValues(page, ['police-split-fill']);
  const legend = Number(await page.getAttribute('#police-legend [data-entry="split"]', 'data-count'));
  const apiSplit = alignment.grids.filter((grid) => grid.wholeIn === null).map((grid) => grid.code);
  checks.check(
    `the map highlights the ${splitGrids} split grids (and the legend counts them)`,
    highlighted.length === splitGrids && sameSet(highlighted, apiSplit) && legend === splitGrids,
    `highlighted ${highlighted.length}, legend ${legend}; missing ${apiSplit.filter((code) => !highlighted.includes(code)).slice(0, 8).join(', ')}`,
  );
  const overlays = await renderedValues(page, ['police-overlay-outline']);
  checks.check(
    `the map outlines the ${alignment.overlays.length} police grids`,
    sameSet(overlays, alignment.overlays.map((overlay) => overlay.code)),
    `outlined ${overlays.length}`,
  );
  return grids;
}

async function checkWorstConflict(page: Page, grids: GridCollection, alignment: Alignment, checks: Checks): Promise<void> {
  const button = page.locator('#police-worst .issue').first();
  const code = (await button.getAttribute('data-grid')) ?? '';
  await button.click();
  await waitForMapIdle(page);
  const grid = grids.features.find((feature) => feature.properties.code === code);
  const split = alignment.grids.find((candidate) => candidate.code === code);
  if (!grid || !split) return checks.check(`the worst conflict ${code} is a split comprehensive grid`, false);
  const inside = interiorPoint(grid);
  const inView = await page.evaluate(([lng, lat]) => window.__gridatlas!.map.getBounds().contains([lng, lat]), inside);
  checks.check(`clicking the worst conflict ${code} zooms the map to it`, inView);
  const { x, y } = await page.evaluate((lngLat) => {
    const point = window.__gridatlas!.map.project(lngLat);
    const box = window.__gridatlas!.map.getCanvas().getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  }, inside);
  await page.mouse.move(x, y);
  const tooltip = await textOf(page, '.map-tooltip');
  const named = split.overlays.map((overlay) => overlay.code);
  checks.check(
    `hovering it shows a tooltip naming its police grids ${named.join(', ')}`,
    named.every((overlayCode) => tooltip.includes(overlayCode)),
    tooltip,
  );
}

async function checkPreview(page: Page, baseUrl: string, plans: Plans, grids: GridCollection, checks: Checks): Promise<void> {
  await page.click('#police-preview');
  await page.waitForSelector('#police-changed', { timeout: ANALYSIS_TIMEOUT_MS });
  const proposal = await getApi<Proposal>(baseUrl, `/api/overlay/proposal?comprehensive=${plans.comprehensive}&overlay=${plans.police}`);
  const shown = Number(await page.getAttribute('#police-changed', 'data-value'));
  const legend = Number(await page.getAttribute('#police-legend [data-entry="changed"]', 'data-count'));
  checks.check(
    `the preview says ${proposal.changed} grids change police grid, as GET /api/overlay/proposal does`,
    proposal.changed > 0 && shown === proposal.changed && legend === proposal.changed,
    `panel ${shown}, legend ${legend}`,
  );
  await fitMapTo(page, boundsOf(grids.features));
  const hatched = await renderedValues(page, ['police-changed-hatch']);
  await page.locator('#police-proposal').scrollIntoViewIfNeeded();
  checks.check(`the map hatches the ${proposal.changed} grids that change`, hatched.length === proposal.changed, `hatched ${hatched.length}`);
  await saveScreenshot(page, PREVIEW_SCREENSHOT_PATH);
  checks.check(`screenshot saved to ${PREVIEW_SCREENSHOT_PATH}`, true);
}

async function checkAccept(page: Page, baseUrl: string, plans: Plans, checks: Checks): Promise<void> {
  // Plan names are unique per layer; the time keeps them so on a server that is reused.
  await page.fill('#police-plan-name', `e2e 对齐方案 ${new Date().toISOString()}`);
  await page.click('#police-accept');
  await page.waitForSelector('#police-proposal-message.ok', { timeout: ANALYSIS_TIMEOUT_MS });
  const { chosen: after } = await expectedPlans(baseUrl);
  checks.check(`accepting writes a new police plan (${after.police})`, after.police !== plans.police, JSON.stringify(after));
  await waitForFigures(page, after.police);
  const alignment = await getApi<Alignment>(baseUrl, `/api/overlay/alignment?comprehensive=${plans.comprehensive}&overlay=${after.police}`);
  const shown = { splitGrids: await figure(page, 'splitGrids'), wholeShare: await figure(page, 'wholeShare') };
  checks.check(
    'the new plan is chosen and its figures show 0 split grids, 100% whole (as the API says)',
    shown.splitGrids === 0 && shown.wholeShare === 1 && alignment.figures.splitGrids === 0,
    JSON.stringify({ shown, api: alignment.figures }),
  );
  const highlighted = await renderedValues(page, ['police-split-fill']);
  checks.check('the map highlights no split grid any more', highlighted.length === 0, `highlighted ${highlighted.length}`);
}

const checks = new Checks();
await runE2e(checks, async (server, open) => {
  const baseUrl = server.baseUrl;
  checks.check(`server is up at ${baseUrl}`, true);
  await signInApi(server, USER);
  const recorded = await open();
  const { page, requestedUrls, pageErrors } = recorded;
  await signInThroughPage(recorded, server, USER);
  await waitForMapReady(page);
  await page.click('.view-tab[data-view="police"]');
  await page.waitForSelector('#police-plans', { timeout: ANALYSIS_TIMEOUT_MS });
  checks.check('the police view opens from the header tab (警格)', (await textOf(page, '.view-tab[data-view="police"]')) === '警格');
  const plans = await checkChosenPlans(page, baseUrl, checks);
  const grids = await checkConflicts(page, baseUrl, plans, checks);
  const alignment = await getApi<Alignment>(baseUrl, `/api/overlay/alignment?comprehensive=${plans.comprehensive}&overlay=${plans.police}`);
  await checkWorstConflict(page, grids, alignment, checks);
  await checkPreview(page, baseUrl, plans, grids, checks);
  await checkAccept(page, baseUrl, plans, checks);
  await fitMapTo(page, boundsOf(grids.features));
  await saveScreenshot(page, SCREENSHOT_PATH);
  checks.check(`screenshot saved to ${SCREENSHOT_PATH}`, true);
  checkStayedLocalAndClean(checks, { requestedUrls, pageErrors });
});

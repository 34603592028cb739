/**
 * Browser test of the emergency view (应急) against the real server: `npm run test:browser`.
 *
 * Opens #emergency and checks the map draws every hazard source GET /api/hazards lists; clicks a
 * point hazard on the map and checks its rings are drawn, the totals table and the exposed grids
 * match GET /api/hazards/{id}/exposure; places a what-if hazard with a radius by a click and
 * checks the totals match POST /api/hazards/what-if for that point; switches the 1-3-5 minute
 * reach on and checks the grids outside and the response points match the API.
 * Saves test-results/emergency.png and emergency-hazard.png; checks nothing left this machine and
 * the page logged no error. Set E2E_BASE_URL to test a server that is already running.
 */
import type { Point } from 'geojson';
import type { Page } from 'playwright-core';
import type {
  HazardCollection,
  HazardExposure,
  Reach,
  ResponsePointCollection,
  RingExposure,
  WhatIfExposure,
} from '../../client/src/api/emergency-types';
import type { GridCollection } from '../../client/src/api/planning-types';
import { boundsOf } from '../../client/src/map/bounds';
import { getApi, postApi } from './support/api';
import {
  checkStayedLocalAndClean,
  clickMapAt,
  fitMapTo,
  renderedValues,
  runE2e,
  saveScreenshot,
  textOf,
  waitForMapReady,
} from './support/browser';
import { Checks, sameSet } from './support/checks';
import { signInApi, signInThroughPage } from './support/login';
import { interiorPoint } from './support/grid-geometry';

const UI_TIMEOUT_MS = 2 * 60_000;
const HAZARD_LAYERS = ['hazard-area-fill', 'hazard-line', 'hazard-point'];
const HAZARD_ZOOM = 14;
const WHAT_IF_RADIUS_M = 800;
/** What the view asks for: "1-3-5 minutes", measured the server's default way. */
const REACH_PATH = '/api/reach?minutes=1%2C3%2C5&mode=auto';
const SCREENSHOT_PATH = 'test-results/emergency.png';
/** The district's emergency management bureau (hazards:read). */
const USER = 'emergency-qixia';
const HAZARD_SCREENSHOT_PATH = 'test-results/emergency-hazard.png';

interface TotalsRow {
  radiusM: number;
  households: number;
  population: number;
  grids: number;
}

/** The rows of the exposure panel's totals table (no named functions inside: tsx would wrap them in a helper the page lacks). */
async function totalsShown(page: Page): Promise<TotalsRow[]> {
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#emergency-totals tr[data-radius]')].map((row) => ({
      radius: row.dataset.radius,
      values: Object.fromEntries([...row.querySelectorAll<HTMLElement>('[data-field]')].map((cell) => [cell.dataset.field, cell.dataset.value])),
    })),
  );
  return rows.map(({ radius, values }) => ({
    radiusM: Number(radius),
    households: Number(values.households),
    population: Number(values.population),
    grids: Number(values.grids),
  }));
}

const totalsOf = (rings: RingExposure[]): TotalsRow[] =>
  rings.map((ring) => ({ radiusM: ring.radiusM, households: ring.households, population: ring.population, grids: ring.grids.length }));

/** Waits for the exposure panel to show an answer, and for `selector` to find what marks the one awaited. */
async function waitForExposure(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (marker) =>
      document.querySelector('#emergency-exposure .exposure-body')?.getAttribute('data-state') === 'shown' &&
      document.querySelector(marker) !== null,
    selector,
    { timeout: UI_TIMEOUT_MS },
  );
}

async function checkHazardsDrawn(page: Page, hazards: HazardCollection, checks: Checks): Promise<void> {
  await page.waitForSelector('#emergency-hazards [data-hazard]', { state: 'attached', timeout: UI_TIMEOUT_MS });
  const listed = await page.locator('#emergency-hazards [data-hazard]').count();
  await fitMapTo(page, boundsOf(hazards.features));
  const drawn = await renderedValues(page, HAZARD_LAYERS, 'id');
  const ids = hazards.features.map((hazard) => String(hazard.properties.id));
  const types = new Set(hazards.features.map((hazard) => hazard.properties.type));
  checks.check(
    `the map draws the ${ids.length} hazard sources of ${types.size} types GET /api/hazards lists, and the list names them`,
    ids.length > 0 && sameSet(drawn, ids) && listed === ids.length,
    `drawn ${drawn.length}, listed ${listed}`,
  );
}

/** The point hazard whose rings hold the most households: the most telling one to click. */
async function mostExposedPointHazard(baseUrl: string, hazards: HazardCollection): Promise<{ id: number; point: [number, number]; exposure: HazardExposure }> {
  const points = hazards.features.filter((hazard) => hazard.geometry.type === 'Point');
  if (points.length === 0) throw new Error('the demo has no point hazard to click');
  const exposures = await Promise.all(points.map((hazard) => getApi<HazardExposure>(baseUrl, `/api/hazards/${hazard.properties.id}/exposure`)));
  const households = (exposure: HazardExposure) => exposure.rings.at(-1)?.households ?? 0;
  const best = exposures.reduce((a, b) => (households(b) > households(a) ? b : a));
  const hazard = points.find((candidate) => candidate.properties.id === best.hazard.id)!;
  const [lng, lat] = (hazard.geometry as Point).coordinates;
  return { id: best.hazard.id, point: [lng, lat], exposure: best };
}

async function checkHazardClick(page: Page, baseUrl: string, hazards: HazardCollection, checks: Checks): Promise<void> {
  const { id, point, exposure } = await mostExposedPointHazard(baseUrl, hazards);
  const hazard = hazards.features.find((candidate) => candidate.properties.id === id)!;
  await page.evaluate(([center, zoom]) => window.__gridatlas!.map.jumpTo({ center, zoom }), [point, HAZARD_ZOOM] as const);
  await clickMapAt(page, point);
  await waitForExposure(page, `#emergency-hazards [data-hazard="${id}"][aria-pressed="true"]`);
  checks.check(`clicking hazard ${hazard.properties.name} (${hazard.properties.type}) on the map chooses it`, true);

  const shown = await totalsShown(page);
  checks.check(
    `the totals table equals GET /api/hazards/${id}/exposure ring by ring (${exposure.rings.map((ring) => `${ring.radiusM} m: ${ring.households} households`).join(', ')})`,
    JSON.stringify(shown) === JSON.stringify(totalsOf(exposure.rings)),
    JSON.stringify(shown),
  );
  const rings = await renderedValues(page, ['exposure-ring-outline'], 'radiusM');
  const radii = exposure.rings.map((ring) => ring.radiusM).filter((radiusM) => radiusM > 0);
  checks.check(
    `the map draws its ${radii.length} rings (${radii.join(', ')} m, the type's ${hazard.properties.ringsM.join(', ')})`,
    sameSet(rings, radii.map(String)) && sameSet(radii, hazard.properties.ringsM.filter((radiusM) => radiusM > 0)),
    `drawn ${rings.join(', ')}`,
  );
  const exposed = await renderedValues(page, ['exposed-grid-fill']);
  const apiGrids = [...new Set(exposure.rings.flatMap((ring) => ring.grids.map((grid) => grid.code)))];
  checks.check(
    `the map fills the ${apiGrids.length} grids the rings reach`,
    sameSet(exposed, apiGrids),
    `filled ${exposed.length}; missing ${apiGrids.filter((code) => !exposed.includes(code)).slice(0, 8).join(', ')}`,
  );
  await saveScreenshot(page, HAZARD_SCREENSHOT_PATH);
  checks.check(`screenshot saved to ${HAZARD_SCREENSHOT_PATH}`, true);
}

async function checkWhatIf(page: Page, baseUrl: string, planId: number, checks: Checks): Promise<void> {
  const grids = await getApi<GridCollection>(baseUrl, `/api/plans/${planId}/grids?kind=comprehensive`);
  const busiest = grids.features.reduce((a, b) => (b.properties.households > a.properties.households ? b : a));
  const target = interiorPoint(busiest);
  await page.fill('#emergency-radius', String(WHAT_IF_RADIUS_M));
  await page.click('#emergency-what-if');
  await page.evaluate(([center, zoom]) => window.__gridatlas!.map.jumpTo({ center, zoom }), [target, HAZARD_ZOOM] as const);
  await clickMapAt(page, target);
  await waitForExposure(page, '#emergency-what-if-point');
  const clicked = await page.evaluate(() => {
    const line = document.getElementById('emergency-what-if-point')!;
    return [Number(line.dataset.lng), Number(line.dataset.lat)] as [number, number];
  });
  const answer = await postApi<WhatIfExposure>(baseUrl, '/api/hazards/what-if', { lng: clicked[0], lat: clicked[1], radiusM: WHAT_IF_RADIUS_M });
  const shown = await totalsShown(page);
  checks.check(
    `a what-if click with a ${WHAT_IF_RADIUS_M} m radius in grid ${busiest.properties.code} shows the totals POST /api/hazards/what-if answers (${answer.rings[0].households} households)`,
    answer.rings[0].households > 0 && JSON.stringify(shown) === JSON.stringify(totalsOf(answer.rings)),
    JSON.stringify({ shown, api: totalsOf(answer.rings) }),
  );
  const rings = await renderedValues(page, ['exposure-ring-outline'], 'radiusM');
  checks.check('the map draws the what-if ring', sameSet(rings, [String(WHAT_IF_RADIUS_M)]), `drawn ${rings.join(', ')}`);
  await page.click('#emergency-what-if');
}

async function checkReach(page: Page, baseUrl: string, grids: GridCollection, checks: Checks): Promise<void> {
  await page.check('#emergency-reach-toggle');
  await page.waitForFunction(
    () => ['shown', 'failed'].includes(document.querySelector('#emergency-reach .reach-body')?.getAttribute('data-state') ?? ''),
    null,
    { timeout: UI_TIMEOUT_MS },
  );
  const [reach, points] = await Promise.all([getApi<Reach>(baseUrl, REACH_PATH), getApi<ResponsePointCollection>(baseUrl, '/api/response-points')]);
  const shown = Number(await page.getAttribute('#emergency-reach-figures [data-field="outsideCount"]', 'data-value'));
  checks.check(
    `with the reach on, the panel counts the ${reach.grids.outsideCount} of ${reach.grids.total} grids GET /api/reach leaves outside 5 minutes (${reach.mode}, ${reach.speedKmh} km/h)`,
    shown === reach.grids.outsideCount,
    `panel ${shown}`,
  );
  await fitMapTo(page, boundsOf(grids.features));
  const [outlined, drawnPoints, areas] = await Promise.all([
    renderedValues(page, ['reach-outside-outline']),
    renderedValues(page, ['response-point'], 'id'),
    renderedValues(page, ['reach-area-fill'], 'minutes'),
  ]);
  checks.check(
    `the map outlines those ${reach.grids.outsideCount} grids, draws the ${points.features.length} response points and the 1, 3 and 5 minute areas`,
    sameSet(outlined, reach.grids.outside.map((grid) => grid.code)) &&
      sameSet(drawnPoints, points.features.map((point) => String(point.properties.id))) &&
      sameSet(areas, ['1', '3', '5']),
    `outlined ${outlined.length}, points ${drawnPoints.length}, areas ${areas.join(', ')}`,
  );
}

const checks = new Checks();
await runE2e(checks, async (server, open) => {
  const baseUrl = server.baseUrl;
  checks.check(`server is up at ${baseUrl}`, true);
  await signInApi(server, USER);
  const hazards = await getApi<HazardCollection>(baseUrl, '/api/hazards');
  const recorded = await open();
  const { page, requestedUrls, pageErrors } = recorded;
  await signInThroughPage(recorded, server, USER, `${baseUrl}/#emergency`);
  await waitForMapReady(page);
  await page.waitForSelector('#emergency', { timeout: UI_TIMEOUT_MS });
  checks.check('#emergency opens the emergency view (应急)', (await textOf(page, '.view-tab[aria-selected="true"]')) === '应急');
  await checkHazardsDrawn(page, hazards, checks);
  await checkHazardClick(page, baseUrl, hazards, checks);
  const planId = (await getApi<HazardExposure>(baseUrl, `/api/hazards/${hazards.features[0].properties.id}/exposure`)).planId;
  if (planId === null) throw new Error('no published comprehensive plan to count exposure in');
  await checkWhatIf(page, baseUrl, planId, checks);
  const grids = await getApi<GridCollection>(baseUrl, `/api/plans/${planId}/grids?kind=comprehensive`);
  await checkReach(page, baseUrl, grids, checks);
  await saveScreenshot(page, SCREENSHOT_PATH);
  checks.check(`screenshot saved to ${SCREENSHOT_PATH}`, true);
  checkStayedLocalAndClean(checks, { requestedUrls, pageErrors });
});

/**
 * Browser test of the web client against the real server: `npm run test:browser`.
 *
 * Builds on `vite build` having run (the npm script does it), starts `tsx server/main.ts` on a free
 * port with a fresh DATA_DIR (the first start seeds the Qixia demo), opens the page in Debian's
 * Chromium and checks what the map renders, the labels, the inspect panel, the language switch
 * and that the page fetched nothing from outside this machine.
 * Set E2E_BASE_URL to test a server that is already running instead of starting one.
 * Set CHROMIUM_PATH to use another Chromium than /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { getApi } from './support/api';
import { checkStayedLocalAndClean, clickMapAt, runE2e, saveScreenshot, waitForMapReady } from './support/browser';
import { Checks, sameSet } from './support/checks';
import { signInApi, signInThroughPage } from './support/login';

const UI_TIMEOUT_MS = 30_000;
const DISTRICT_CODE = '320113000000';
const EXPECTED_STREET_COUNT = 9;
const SCREENSHOT_PATH = 'test-results/map.png';
/** Every area: the map of the whole district is what this test checks. */
const USER = 'admin';

interface AreaSummary {
  code: string;
  name: string;
  /** [lng, lat] of a point inside the area. */
  labelPoint: [number, number];
}

interface ExpectedAreas {
  streets: AreaSummary[];
  communityCodes: string[];
}

interface AreaFeatureJson {
  properties: { code: string; name: string };
  geometry: { coordinates: [number, number] };
}

/** What the API says the map should show: every street (with a label point) and every community. */
async function fetchExpectedAreas(baseUrl: string): Promise<ExpectedAreas> {
  const get = async (query: string) => (await getApi<{ features: AreaFeatureJson[] }>(baseUrl, `/api/areas?${query}`)).features;
  const [streets, communities] = await Promise.all([
    get('level=street&limit=1000&geometry=label'),
    get('level=community&limit=1000'),
  ]);
  return {
    streets: streets.map(({ properties, geometry }) => ({
      code: properties.code,
      name: properties.name,
      labelPoint: geometry.coordinates,
    })),
    communityCodes: communities.map((f) => f.properties.code),
  };
}

/** The distinct area codes per level among the features the map has drawn from the `areas` source. */
async function renderedAreaCodes(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const byLevel: Record<string, string[]> = {};
    for (const feature of window.__gridatlas!.map.queryRenderedFeatures()) {
      if (feature.source !== 'areas') continue;
      const level = String(feature.properties.level);
      const codes = (byLevel[level] ??= []);
      if (!codes.includes(String(feature.properties.code))) codes.push(String(feature.properties.code));
    }
    return byLevel;
  });
}

const textOf = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().textContent({ timeout: UI_TIMEOUT_MS })) ?? '';

async function checkMap(page: Page, expected: ExpectedAreas, checks: Checks): Promise<void> {
  await waitForMapReady(page);
  checks.check('map is ready (first idle with all tile sources and labels loaded)', true);

  const rendered = await renderedAreaCodes(page);
  const districts = rendered.district ?? [];
  checks.check(
    `exactly 1 district is rendered, ${DISTRICT_CODE}`,
    districts.length === 1 && districts[0] === DISTRICT_CODE,
    `rendered: ${JSON.stringify(districts)}`,
  );
  const streets = rendered.street ?? [];
  checks.check(
    `${EXPECTED_STREET_COUNT} distinct streets are rendered, the ones the API lists`,
    streets.length === EXPECTED_STREET_COUNT && sameSet(streets, expected.streets.map((s) => s.code)),
    `rendered ${streets.length}: ${streets.join(', ')}; API: ${expected.streets.map((s) => s.code).join(', ')}`,
  );
  const communities = rendered.community ?? [];
  const missing = expected.communityCodes.filter((code) => !communities.includes(code));
  checks.check(
    `all ${expected.communityCodes.length} communities the API lists are rendered at the district view`,
    expected.communityCodes.length > 0 && communities.length === expected.communityCodes.length && missing.length === 0,
    `rendered ${communities.length}; missing: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''}`,
  );

  const labelLayers = await page.evaluate(() => window.__gridatlas!.labels());
  const streetLabels = labelLayers.find((layer) => layer.id === 'street-labels');
  const streetNames = expected.streets.map((s) => s.name);
  checks.check(
    `the street label layer is shown and holds the ${EXPECTED_STREET_COUNT} street names`,
    !!streetLabels?.visible &&
      streetLabels.names.length === EXPECTED_STREET_COUNT &&
      sameSet(streetLabels.names, streetNames),
    `label layers: ${JSON.stringify(labelLayers.map((l) => ({ ...l, names: l.names.slice(0, 12) })))}`,
  );
}

async function checkInspectPanel(page: Page, street: AreaSummary, checks: Checks): Promise<void> {
  await clickMapAt(page, street.labelPoint);
  const shownName = await page
    .waitForFunction(
      (name) => document.querySelector('#inspect-panel [data-field="name"] dd')?.textContent === name,
      street.name,
      { timeout: UI_TIMEOUT_MS },
    )
    .then(() => street.name, () => textOf(page, '#inspect-panel').catch(() => '(no inspect panel)'));
  checks.check(
    `clicking street ${street.name} shows its name in the inspect panel`,
    shownName === street.name,
    `panel: ${shownName}`,
  );
  const households = await textOf(page, '#inspect-panel [data-field="households"] dd').catch(() => '');
  const householdCount = Number(households.replace(/\D/g, ''));
  checks.check('the inspect panel shows a household count > 0', householdCount > 0, `households: "${households}"`);
}

async function checkLanguageSwitch(page: Page, checks: Checks): Promise<void> {
  const layersTitle = '#side-panel .panel-section h2';
  const householdsLabel = '#inspect-panel [data-field="households"] dt';
  const before = [await textOf(page, layersTitle), await textOf(page, householdsLabel)];
  await page.click('#locale-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: UI_TIMEOUT_MS });
  const after = [await textOf(page, layersTitle), await textOf(page, householdsLabel)];
  checks.check(
    'switching to English changes the UI strings (图层 → Layers, 户数 → Households)',
    before[0] === '图层' && before[1] === '户数' && after[0] === 'Layers' && after[1] === 'Households',
    `before: ${JSON.stringify(before)}, after: ${JSON.stringify(after)}`,
  );
}

const checks = new Checks();
await runE2e(checks, async (server, open) => {
  checks.check(`server is up at ${server.baseUrl}`, true);
  await signInApi(server, USER);
  const expected = await fetchExpectedAreas(server.baseUrl);
  const recorded = await open();
  const { page, requestedUrls, pageErrors } = recorded;
  await signInThroughPage(recorded, server, USER);
  await checkMap(page, expected, checks);
  const street = expected.streets[0];
  if (street) await checkInspectPanel(page, street, checks);
  await saveScreenshot(page, SCREENSHOT_PATH);
  checks.check(`screenshot saved to ${SCREENSHOT_PATH}`, true);
  await checkLanguageSwitch(page, checks);

  const tileRequests = requestedUrls.filter((url) => url.includes('/tiles/'));
  checks.check('vector tile requests were recorded (request recording works)', tileRequests.length > 0);
  checkStayedLocalAndClean(checks, { requestedUrls, pageErrors });
});

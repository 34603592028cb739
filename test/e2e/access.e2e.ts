/**
 * Browser test of signing in and of what each user is shown: `npm run test:browser`.
 *
 * A wrong password is refused on the sign-in page. viewer-yaohua (a street's public view) signs
 * in, sees its street in the header badge, is offered no planner, police or emergency view and no
 * editing, import or event control (the server refuses those requests anyway), and the map draws
 * only the grids of its street. When its session ends under it, the next request brings back the
 * sign-in page saying so, and signing in again carries on. Signing out returns to the sign-in page
 * and the session's cookie is refused from then on. planner-maigaoqiao (one street's planner)
 * sees only its street in the planner's lists and, once a draft is made, the edit tools.
 * Set E2E_BASE_URL (and E2E_DEMO_PASSWORDS) to test a server that is already running.
 */
import type { Geometry } from 'geojson';
import type { Page } from 'playwright-core';
import type { SignedInUser } from '../../client/src/api/auth-api';
import type { GridCollection } from '../../client/src/api/planning-types';
import type { AreaDetail, AreaLabelCollection } from '../../client/src/api/types';
import { boundsOf } from '../../client/src/map/bounds';
import { getApi, useSessionCookie } from './support/api';
import {
  checkStayedLocalAndClean,
  clickMapAt,
  fitMapTo,
  renderedValues,
  runE2e,
  textOf,
  waitForMapReady,
  type RecordedPage,
} from './support/browser';
import { Checks, sameSet } from './support/checks';
import { demoPassword, expectingRefusals, SESSION_COOKIE, signInApi, signInThroughPage, submitSignIn } from './support/login';

const VIEWER = 'viewer-yaohua';
const STREET_PLANNER = 'planner-maigaoqiao';
const UI_TIMEOUT_MS = 60_000;
const PARTITION_TIMEOUT_MS = 5 * 60_000;
/** The sign-in page's refusal of a wrong password (client/src/i18n/messages.auth.zh-CN.ts). */
const INVALID_CREDENTIALS = '用户名或密码错误（或账号已停用）。';
const VIEWER_ROLE = '只读用户';
const PLANNER_ROLE = '网格规划';
/** Scopes are code prefixes (server/auth/scope.ts): district 6 digits, street 9, community 12. */
const PREFIX_DIGITS = { district: 6, street: 9, community: 12 } as const;

type Area = NonNullable<SignedInUser['area']>;

/** The HTTP status the server answers a request sent with a session cookie (or none). */
async function statusWith(baseUrl: string, path: string, cookie: string | null, init: RequestInit = {}): Promise<number> {
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  return (await fetch(`${baseUrl}${path}`, { ...init, headers })).status;
}

/** The page's session cookie, as a Cookie header value. */
async function pageSession(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('the page holds no session cookie');
  return `${cookie.name}=${cookie.value}`;
}

const visible = (page: Page, selector: string) => page.locator(selector).first().isVisible();

async function checkWrongPassword(recorded: RecordedPage, baseUrl: string, checks: Checks): Promise<void> {
  const { page } = recorded;
  await expectingRefusals(recorded, async () => {
    await page.goto(baseUrl);
    await submitSignIn(page, VIEWER, 'not-the-password-of-anyone');
    await page.waitForFunction(() => !!document.querySelector('#login-error')?.textContent, null, { timeout: UI_TIMEOUT_MS });
  });
  const shown = await textOf(page, '#login-error');
  const appLoaded = await page.evaluate(() => window.__gridatlas !== undefined);
  checks.check(
    `a wrong password for ${VIEWER} is refused on the sign-in page: "${INVALID_CREDENTIALS}", and the app does not load`,
    shown === INVALID_CREDENTIALS && (await visible(page, '#login')) && !appLoaded,
    `error "${shown}", app loaded ${appLoaded}`,
  );
}

async function checkBadge(page: Page, username: string, role: string, area: { code: string; name: string }, checks: Checks): Promise<void> {
  const shown = {
    name: await textOf(page, '#user-name'),
    role: await textOf(page, '#user-role'),
    area: await textOf(page, '#user-area'),
    signOut: await visible(page, '#sign-out'),
  };
  checks.check(
    `the header badge names ${username}, the role ${role} and the area ${area.name} · ${area.code}, with a sign-out button`,
    shown.name === username && shown.role === role && shown.area === `${area.name} · ${area.code}` && shown.signOut,
    JSON.stringify(shown),
  );
}

/** The viewer is offered browsing and risk only: no planner, police or emergency view, no editing or import or events control. */
async function checkViewerControls(page: Page, baseUrl: string, checks: Checks): Promise<void> {
  const tabs = await page.$$eval('.view-tab', (buttons) => buttons.map((button) => (button as HTMLElement).dataset.view));
  checks.check('the viewer is offered the map and risk views only (no planner, police or emergency tab)', sameSet(tabs, ['browse', 'risk']) && tabs.length === 2, JSON.stringify(tabs));
  const controls = [
    '#planner', '#planner-run', '#planner-edit', '[data-tool]', '#planner-publish', '#planner-undo',
    '#police', '#police-accept', '#emergency', '[data-view="planner"]', '[data-view="police"]', '[data-view="emergency"]',
    'input[type="file"]', '[id*="import"]', '[id*="event-status"]', '[id*="users"]',
  ];
  const present = await page.evaluate((selectors) => selectors.filter((selector) => document.querySelector(selector) !== null), controls);
  checks.check('no editing, import, overlay-accept, hazard or event control is in the page', present.length === 0, `present: ${present.join(', ')}`);

  // Asking for a view by its address does not open it either.
  await page.goto(`${baseUrl}/#planner`);
  await page.reload();
  await waitForMapReady(page);
  const opened = await page.evaluate(() => ({ view: document.getElementById('app')?.dataset.view, hash: location.hash, planner: document.getElementById('planner') !== null }));
  checks.check('opening /#planner as the viewer shows the map view, not the planner', opened.view === 'browse' && !opened.planner && opened.hash === '', JSON.stringify(opened));
}

/** What the server answers the viewer's session for requests it is not offered: 403 forbidden each. */
async function checkServerRefuses(baseUrl: string, cookie: string, checks: Checks): Promise<void> {
  const json = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
  const requests: [string, RequestInit][] = [
    ['/api/planning/partition', json],
    ['/api/plans/1/edits', json],
    ['/api/overlay/proposal/accept', json],
    ['/api/import/targets', {}],
    ['/api/events', {}],
    ['/api/events/1/status', { ...json, method: 'PATCH' }],
    ['/api/hazards', {}],
    ['/api/users', {}],
  ];
  const answers = await Promise.all(requests.map(async ([path, init]) => `${init.method ?? 'GET'} ${path} ${await statusWith(baseUrl, path, cookie, init)}`));
  checks.check('the server refuses the viewer each of those requests anyway (403)', answers.every((answer) => answer.endsWith(' 403')), answers.join('; '));
}

/** Every grid the map draws lies in the viewer's area, and is one the API lists for the viewer. */
async function checkViewerGrids(page: Page, baseUrl: string, area: Area, areaGeometry: Geometry, checks: Checks): Promise<void> {
  const prefix = area.code.slice(0, PREFIX_DIGITS[area.level ?? 'community']);
  // Frame the area with as much again around it on each side, so grids of its neighbours would show if sent.
  const [west, south, east, north] = boundsOf([{ type: 'Feature', geometry: areaGeometry, properties: {} }]);
  const [dx, dy] = [east - west, north - south];
  await fitMapTo(page, [west - dx, south - dy, east + dx, north + dy]);
  const areaCodes = await renderedValues(page, ['grid-fill'], 'area_code');
  const codes = await renderedValues(page, ['grid-fill'], 'code');
  const outside = areaCodes.filter((code) => !code.startsWith(prefix));
  checks.check(
    `the map draws grids, all of them in ${area.name} (area codes ${prefix}…), none of its neighbours'`,
    codes.length > 0 && outside.length === 0,
    `${codes.length} grids drawn; area codes outside: ${outside.slice(0, 10).join(', ')}`,
  );

  const layers = await getApi<{ plan_id: number | null }[]>(baseUrl, '/api/layers');
  const planIds = [...new Set(layers.flatMap((row) => (row.plan_id === null ? [] : [row.plan_id])))];
  const plans = await Promise.all(planIds.map((id) => getApi<GridCollection>(baseUrl, `/api/plans/${id}/grids`)));
  const listed = plans.flatMap((plan) => plan.features.map((grid) => grid.properties));
  const listedCodes = new Set(listed.map((grid) => grid.code));
  const listedOutside = listed.filter((grid) => !(grid.area_code ?? '').startsWith(prefix));
  const notListed = codes.filter((code) => !listedCodes.has(code));
  checks.check(
    `the API lists the viewer ${listed.length} grids, all in its area, and every grid drawn is one of them`,
    listed.length > 0 && listedOutside.length === 0 && notListed.length === 0,
    `outside the area: ${listedOutside.slice(0, 5).map((grid) => `${grid.code} (${grid.area_code})`).join(', ')}; drawn, not listed: ${notListed.slice(0, 10).join(', ')}`,
  );
}

/** The session ends under the page (signed out elsewhere, or expired): the next request brings the sign-in page back, saying so. */
async function checkSessionEnded(recorded: RecordedPage, server: { baseUrl: string }, area: Area, checks: Checks): Promise<void> {
  const { page } = recorded;
  const baseUrl = server.baseUrl;
  await page.evaluate(() => Object.assign(window, { __sameAppBefore: true }));
  const cookie = await pageSession(page);
  const ended = await statusWith(baseUrl, '/api/auth/logout', cookie, { method: 'POST' });
  const labels = await getApi<AreaLabelCollection>(baseUrl, `/api/areas?level=${area.level}&geometry=label&limit=1000`);
  const label = labels.features.find((feature) => feature.properties.code === area.code);
  if (!label) throw new Error(`the API lists no label point of ${area.code}`);
  await expectingRefusals(
    recorded,
    async () => {
      await clickMapAt(page, label.geometry.coordinates as [number, number]);
      await page.locator('#login').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    },
    '/',
  );
  const notice = { reason: await page.getAttribute('#login-notice', 'data-reason'), text: await textOf(page, '#login-notice') };
  const panel = await textOf(page, '#inspect-panel');
  checks.check(
    'when the session ends under the page (here: signed out elsewhere), clicking an area brings back the sign-in page saying the session ended',
    ended === 204 && notice.reason === 'sessionEnded' && notice.text.includes('登录已过期') && panel.includes('登录已结束'),
    `logout ${ended}; notice ${JSON.stringify(notice)}; inspect panel "${panel}"`,
  );

  await submitSignIn(page, VIEWER, demoPassword(server, VIEWER));
  await page.locator('#login').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  const carriedOn = await page.evaluate(() => (window as unknown as { __sameAppBefore?: boolean }).__sameAppBefore === true);
  checks.check('signing in again as the same user carries on in the same page (no reload)', carriedOn && (await textOf(page, '#user-name')) === VIEWER);
}

async function checkSignOut(recorded: RecordedPage, baseUrl: string, checks: Checks): Promise<void> {
  const { page } = recorded;
  const cookie = await pageSession(page);
  const before = await statusWith(baseUrl, '/api/areas?level=street', cookie);
  const after = await expectingRefusals(recorded, async () => {
    await page.click('#sign-out');
    await page.waitForFunction(
      () => document.getElementById('login')?.hidden === false && document.getElementById('login-notice')?.dataset.reason === 'signedOut',
      null,
      { timeout: UI_TIMEOUT_MS },
    );
    return page.evaluate(() => fetch('/api/auth/me').then((response) => response.status));
  });
  const state = await page.evaluate(() => ({ app: window.__gridatlas !== undefined, badge: document.getElementById('user-badge') !== null }));
  checks.check('signing out returns to the sign-in page ("已退出登录"), with no app and no badge behind it', !state.app && !state.badge && (await textOf(page, '#login-notice')) === '已退出登录。', JSON.stringify(state));
  const refused = await statusWith(baseUrl, '/api/areas?level=street', cookie);
  checks.check(
    'after signing out the API answers 401: the page\'s GET /api/auth/me, and the old session cookie (200 before)',
    before === 200 && after === 401 && refused === 401,
    `before ${before}; /api/auth/me ${after}; old cookie ${refused}`,
  );
}

/** planner-maigaoqiao plans in its street only, and with a draft open sees the edit tools. */
async function checkStreetPlanner(recorded: RecordedPage, server: { baseUrl: string }, checks: Checks): Promise<void> {
  const { page } = recorded;
  const baseUrl = server.baseUrl;
  await signInApi(server, STREET_PLANNER);
  const me = await getApi<SignedInUser>(baseUrl, '/api/auth/me');
  if (!me.area) throw new Error(`${STREET_PLANNER} has no area`);
  const street = await getApi<AreaDetail>(baseUrl, `/api/areas/${me.area.code}`);
  await signInThroughPage(recorded, server, STREET_PLANNER);
  await waitForMapReady(page);
  await checkBadge(page, STREET_PLANNER, PLANNER_ROLE, street.properties, checks);

  const tabs = await page.$$eval('.view-tab', (buttons) => buttons.map((button) => (button as HTMLElement).dataset.view));
  checks.check(`${STREET_PLANNER} is offered the planner view`, tabs.includes('planner'), JSON.stringify(tabs));
  await page.click('.view-tab[data-view="planner"]');
  await page.waitForSelector(`#planner-street option[value="${street.properties.code}"]`, { state: 'attached', timeout: UI_TIMEOUT_MS });
  const streets = await page.$$eval('#planner-street option', (options) => options.map((option) => (option as HTMLOptionElement).value).filter(Boolean));
  checks.check(`the planner's street list holds its own street only (${street.properties.name})`, sameSet(streets, [street.properties.code]) && streets.length === 1, JSON.stringify(streets));

  // A draft of its smallest community (quick to partition) opens the edit tools.
  const communities = await getApi<AreaLabelCollection>(baseUrl, `/api/areas?level=community&parent=${street.properties.code}&geometry=label&limit=1000`);
  const details = await Promise.all(communities.features.map((feature) => getApi<AreaDetail>(baseUrl, `/api/areas/${feature.properties.code}`)));
  const [smallest] = details.sort((a, b) => a.properties.stats.households - b.properties.stats.households);
  if (!smallest) throw new Error(`${street.properties.name} has no community`);
  await page.selectOption('#planner-street', street.properties.code);
  await page.selectOption('#planner-community', smallest.properties.code);
  await page.waitForFunction(
    (name) => document.querySelector('#planner-area .area-summary-name')?.firstChild?.textContent === name,
    smallest.properties.name,
    { timeout: UI_TIMEOUT_MS },
  );
  await page.click('#planner-run');
  await page.waitForFunction(
    () => ['done', 'failed', 'cancelled'].includes(document.getElementById('planner-progress')?.dataset.status ?? ''),
    null,
    { timeout: PARTITION_TIMEOUT_MS },
  );
  const status = await page.getAttribute('#planner-progress', 'data-status');
  await page.waitForFunction(() => !!document.getElementById('planner-plan')?.dataset.planId, null, { timeout: UI_TIMEOUT_MS });
  await page.click('[data-tab="edit"]');
  const tools = await page.$$eval('#planner-edit [data-tool]', (buttons) =>
    buttons.map((button) => ({ tool: (button as HTMLElement).dataset.tool, enabled: !(button as HTMLButtonElement).disabled })),
  );
  const editVisible = await visible(page, '#planner-edit');
  checks.check(
    `${STREET_PLANNER} partitions ${smallest.properties.name} and sees the edit tools (select, merge, split, paint) enabled on the draft`,
    status === 'done' && editVisible && sameSet(tools.map((tool) => tool.tool), ['select', 'merge', 'split', 'paint']) && tools.every((tool) => tool.enabled),
    `job ${status}; edit panel visible ${editVisible}; tools ${JSON.stringify(tools)}`,
  );
}

const checks = new Checks();
await runE2e(checks, async (server, open) => {
  const baseUrl = server.baseUrl;
  checks.check(`server is up at ${baseUrl}`, true);
  const unauthenticated = await statusWith(baseUrl, '/api/areas?level=street', null);
  checks.check('without a session the API answers 401', unauthenticated === 401, `GET /api/areas answered ${unauthenticated}`);

  const recorded = await open();
  const { page, requestedUrls, pageErrors } = recorded;
  await checkWrongPassword(recorded, baseUrl, checks);

  const viewerCookie = await signInApi(server, VIEWER);
  const me = await getApi<SignedInUser>(baseUrl, '/api/auth/me');
  if (!me.area) throw new Error(`${VIEWER} has no area`);
  const viewerArea = await getApi<AreaDetail>(baseUrl, `/api/areas/${me.area.code}`);
  await signInThroughPage(recorded, server, VIEWER);
  await waitForMapReady(page);
  checks.check(`${VIEWER} signs in through the sign-in page and the map loads`, true);
  await checkBadge(page, VIEWER, VIEWER_ROLE, viewerArea.properties, checks);
  await checkViewerControls(page, baseUrl, checks);
  await checkServerRefuses(baseUrl, viewerCookie, checks);
  await checkViewerGrids(page, baseUrl, me.area, viewerArea.geometry, checks);
  await checkSessionEnded(recorded, server, me.area, checks);
  await checkSignOut(recorded, baseUrl, checks);
  useSessionCookie(undefined);

  await checkStreetPlanner(recorded, server, checks);
  checkStayedLocalAndClean(checks, { requestedUrls, pageErrors });
});

import type { Page, Response as PageResponse } from 'playwright-core';
import { useSessionCookie } from './api';
import type { RecordedPage } from './browser';
import type { RunningServer } from './server-process';

/**
 * The demo users' passwords, as JSON `{"admin": "…", …}`: set by run-all for the scripts it
 * starts (read from the server's seeding output); set it yourself with E2E_BASE_URL.
 */
export const DEMO_PASSWORDS_ENV = 'E2E_DEMO_PASSWORDS';

/** A server to sign in to; `output` (what it printed) when this process started it. */
type ServerUnderTest = Pick<RunningServer, 'baseUrl'> & { output?: () => string };

export const SESSION_COOKIE = 'gridatlas_session';
const SIGN_IN_TIMEOUT_MS = 60_000;

/**
 * The demo users and passwords the server printed when it seeded the demo
 * (server/demo/demo-users.ts, describeDemoUsers: name, role, area or "all areas", password).
 */
export function parseDemoPasswords(output: string): Record<string, string> {
  const passwords: Record<string, string> = {};
  const line = /^ +(\S+) +(?:admin|planner|police|emergency|commander|viewer) +(?:\d{12}|all areas) +(\S+) *$/gm;
  for (const [, username, password] of output.matchAll(line)) passwords[username] = password;
  return passwords;
}

/** The passwords of the server under test: from its own output when this process started it, else from E2E_DEMO_PASSWORDS. */
export function demoPasswords(server?: ServerUnderTest): Record<string, string> {
  const printed = server?.output ? parseDemoPasswords(server.output()) : {};
  if (Object.keys(printed).length > 0) return printed;
  const given = process.env[DEMO_PASSWORDS_ENV];
  return given ? (JSON.parse(given) as Record<string, string>) : {};
}

/** The password of a demo user of the server under test; throws naming where it was looked for. */
export function demoPassword(server: ServerUnderTest, username: string): string {
  const password = demoPasswords(server)[username];
  if (!password) {
    throw new Error(
      `no password for the demo user ${username}: the server did not print it at seeding (was its database seeded before?) and ${DEMO_PASSWORDS_ENV} does not hold it`,
    );
  }
  return password;
}

/** The session cookie of a Set-Cookie answer to POST /api/auth/login. */
const sessionOf = (response: Response): string | undefined =>
  response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));

/**
 * Signs in through the API (not the page) and makes support/api send that session, so the
 * script's own API calls see what the user sees. Answers the cookie (`gridatlas_session=…`).
 */
export async function signInApi(server: ServerUnderTest, username: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: demoPassword(server, username) }),
  });
  const cookie = sessionOf(response);
  if (!response.ok || !cookie) throw new Error(`POST /api/auth/login as ${username} answered ${response.status}: ${await response.text()}`);
  useSessionCookie(cookie);
  return cookie;
}

/**
 * Runs `action` and takes out of the page's recorded errors the console line Chromium writes for
 * each 401 answered meanwhile under `pathPrefix` ("Failed to load resource: … status of 401"):
 * under /api/auth/, the page asks /api/auth/me before anyone is signed in and a wrong password is
 * refused with a 401; a test that ends a session on purpose expects 401s from the whole API.
 * Any other 401, and any 401 outside `action`, stays an error of the page.
 */
export async function expectingRefusals<T>(
  { page, pageErrors }: Pick<RecordedPage, 'page' | 'pageErrors'>,
  action: () => Promise<T>,
  pathPrefix = '/api/auth/',
): Promise<T> {
  let refusals = 0;
  const count = (response: PageResponse) => {
    if (response.status() === 401 && new URL(response.url()).pathname.startsWith(pathPrefix)) refusals += 1;
  };
  const from = pageErrors.length;
  page.on('response', count);
  try {
    return await action();
  } finally {
    page.off('response', count);
    for (let i = pageErrors.length - 1; i >= from && refusals > 0; i -= 1) {
      if (/Failed to load resource: the server responded with a status of 401/.test(pageErrors[i])) {
        pageErrors.splice(i, 1);
        refusals -= 1;
      }
    }
  }
}

/** Types a user name and password into the sign-in page and submits it; does not wait for the outcome. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#login').waitFor({ state: 'visible', timeout: SIGN_IN_TIMEOUT_MS });
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}

/**
 * Opens `url` (the app, maybe with a view's #hash), which shows the sign-in page, and signs in
 * there as a demo user; resolves once the page has let them in and the header badge names them.
 */
export async function signInThroughPage(
  recorded: Pick<RecordedPage, 'page' | 'pageErrors'>,
  server: ServerUnderTest,
  username: string,
  url = server.baseUrl,
): Promise<void> {
  const { page } = recorded;
  const password = demoPassword(server, username);
  const said = await expectingRefusals(recorded, async () => {
    await page.goto(url);
    await submitSignIn(page, username, password);
    const outcome = await page.waitForFunction(
      (name) => {
        const refused = document.querySelector('#login-error')?.textContent;
        if (refused) return `refused: ${refused}`;
        const signedIn =
          document.querySelector<HTMLElement>('#login')?.hidden === true &&
          document.querySelector<HTMLElement>('#user-badge')?.dataset.username === name;
        return signedIn ? 'signed in' : false;
      },
      username,
      { timeout: SIGN_IN_TIMEOUT_MS },
    );
    return outcome.jsonValue();
  });
  if (said !== 'signed in') throw new Error(`signing in as ${username} through the page failed: ${String(said)}`);
}

/**
 * Runs every browser test against one server: `npm run test:browser` (after `vite build`).
 * Starts `tsx server/main.ts` with a fresh DATA_DIR once (or uses E2E_BASE_URL), then runs each
 * *.e2e.ts script in turn with E2E_BASE_URL set, whatever the previous one gave; exits non-zero
 * if any failed.
 */
import { runScriptsAgainstOneServer } from './support/run-scripts';

// Police and emergency read the demo's published comprehensive plan; the planner publishes another.
// Each script signs in as a demo user through the sign-in page; access checks what each user is shown.
const SCRIPTS = [
  'test/e2e/map.e2e.ts',
  'test/e2e/police.e2e.ts',
  'test/e2e/emergency.e2e.ts',
  'test/e2e/risk.e2e.ts',
  'test/e2e/planner.e2e.ts',
  'test/e2e/access.e2e.ts',
];

await runScriptsAgainstOneServer(SCRIPTS, 'browser tests');

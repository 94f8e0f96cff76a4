// Where the browser tests find Chromium (demo/chromium.js has the path and
// flags, shared with the demo's screenshot script), and a loud failure when
// it is missing.
import { existsSync } from 'node:fs';
import { chromiumPath } from '../../demo/chromium.js';

export { chromiumArgs, chromiumPath } from '../../demo/chromium.js';

/** Fails (instead of skipping) when Chromium is missing: CI installs it, so there the browser tests must run. */
export function requireChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: the browser tests need it. Install it (apt-get install chromium), ` +
        'set CHROMIUM_PATH, or run only the node tests with `npx vitest run --project node`.',
    );
  }
}

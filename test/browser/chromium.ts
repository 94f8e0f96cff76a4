// Where the browser tests find Chromium (demo/chromium.js chooses it and has
// the flags, shared with the demo's screenshot script), and a loud failure
// when it is missing.
import { existsSync } from 'node:fs';
import { chromiumPath, chromiumSource } from '../../demo/chromium.js';

export { chromiumArgs, chromiumEnv, chromiumLaunchOptions, chromiumPath, chromiumSource } from '../../demo/chromium.js';

/** Fails (instead of skipping) when Chromium is missing: `npm install` brings one, so the browser tests must run. */
export function requireChromium(): void {
  if (chromiumSource === 'none' || !existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found (${chromiumSource === 'none' ? 'no system Chromium and no @sparticuz/chromium' : chromiumPath}): ` +
        'the browser tests need it. Run `npm install` (it brings @sparticuz/chromium), set CHROMIUM_PATH, ' +
        'or run only the node tests with `npx vitest run --project node`.',
    );
  }
}

// Where the browser tests find Chromium, and how they launch it. Debian's
// package (`apt-get install chromium`) is the one CI installs; nothing here
// downloads a browser of its own. CHROMIUM_PATH points elsewhere.
import { existsSync } from 'node:fs';

/** The Chromium executable the browser tests drive. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags this kind of machine needs: no sandbox (CI runs as root in a
 * container), no GPU, and nothing that reaches the network on its own.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Fails loudly (instead of skipping) when Chromium is missing: CI installs it, so there the browser tests must run. */
export function requireChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: the browser tests need it. Install it (apt-get install chromium), ` +
        'set CHROMIUM_PATH, or run only the node tests with `npx vitest run --project node`.',
    );
  }
}

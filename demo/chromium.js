// How this project drives Chromium (the demo screenshot, the browser tests).
// The first of: CHROMIUM_PATH; a system Chromium (Debian's /usr/bin/chromium
// and the usual other names); the one that comes with `npm install`
// (@sparticuz/chromium, unpacked by chromium-npm.js). WRB_CHROMIUM=npm skips
// the first two, to prove the bare-machine path on a machine that has a browser.
import { existsSync } from 'node:fs';
import { npmChromium } from './chromium-npm.js';

const systemPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

function find() {
  const npmOnly = process.env.WRB_CHROMIUM === 'npm';
  if (!npmOnly && process.env.CHROMIUM_PATH) {
    return { source: 'CHROMIUM_PATH', path: process.env.CHROMIUM_PATH, env: {} };
  }
  const system = npmOnly ? undefined : systemPaths.find((p) => existsSync(p));
  if (system !== undefined) return { source: 'system', path: system, env: {} };
  const npm = npmChromium();
  return npm === undefined ? { source: 'none', path: systemPaths[0], env: {} } : { source: 'npm', ...npm };
}

const found = find();

/** Where the executable came from: 'CHROMIUM_PATH', 'system', 'npm', or 'none' (nothing found). */
export const chromiumSource = found.source;

/** The Chromium executable. */
export const chromiumPath = found.path;

/** The environment Chromium runs with (the npm one finds its libraries and fonts through it). */
export const chromiumEnv = { ...process.env, ...found.env };

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

/** playwright-core's launch options for this Chromium. */
export const chromiumLaunchOptions = { executablePath: chromiumPath, args: chromiumArgs, env: chromiumEnv };

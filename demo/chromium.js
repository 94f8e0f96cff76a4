// How this project drives Chromium (the demo screenshot, the browser tests):
// Debian's package (`apt-get install chromium`) unless CHROMIUM_PATH says
// otherwise. Nothing here downloads a browser of its own.

/** The Chromium executable. */
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

// Runs once in Node before the browser projects: a missing Chromium is a
// failure with an explanation, never a silent "no tests"; the log says which
// Chromium ran (CI proves the npm one).
import { chromiumPath, chromiumSource, requireChromium } from './chromium.js';

export default function setup(): void {
  requireChromium();
  console.log(`browser tests: Chromium from ${chromiumSource} (${chromiumPath})`);
}

// Runs once in Node before the browser projects: a missing Chromium is a
// failure with an explanation, never a silent "no tests".
import { requireChromium } from './chromium.js';

export default function setup(): void {
  requireChromium();
}

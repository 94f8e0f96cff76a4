#!/usr/bin/env node
// Takes docs/demo.png: serves the demo, runs it in headless Chromium for a
// few seconds with a consumer stall without and then with overwrite, with
// the audio card recording an oscillator and playing a tone (a recorder
// stall shows overruns), and saves the page. Usage: npm run build && node demo/screenshot.js [out.png]
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from './chromium.js';
import { startServer } from './server.js';

const out = process.argv[2] ?? new URL('../docs/demo.png', import.meta.url).pathname;
const server = await startServer({ port: 0 });
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const page = await browser.newPage({ viewport: { width: 1040, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/demo/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#audio-source', 'tone');
  await page.selectOption('#audio-playback', 'tone');
  await page.click('#audio-start'); // a click: the page may start audio
  await page.waitForTimeout(6000);
  await page.click('#stall'); // overwrite off: the buffers fill, the producers wait, nothing is lost
  await page.waitForTimeout(4000);
  await page.click('#overwrite button[data-value="on"]');
  await page.click('#engine button[data-value="js"]');
  await page.waitForTimeout(4000);
  await page.click('#stall'); // overwrite on: the oldest frames are dropped, and counted
  await page.click('#audio-stall-drain'); // longer than the 200 ms capture ring: overruns, counted
  await page.waitForTimeout(6000);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}

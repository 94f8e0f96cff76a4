#!/usr/bin/env node
// Runs the benchmark page (demo/bench/) in this machine's Chromium (the one
// the browser tests use, demo/chromium.js) and writes its result, in the
// format of bench/run.js's latest.json, for the report:
//   node bench/browser/run.js [--mode smoke|quick|default|full] [--memory shared|unshared]
//                             [--filter <substring>]... [--out file]
// Default: a default run on shared memory into build/bench/chromium.json;
// --publish writes bench/results/chromium.json (the published figures).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../demo/chromium.js';
import { startServer } from '../../demo/server.js';
import { renderTable } from '../report/table.js';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'default' },
    memory: { type: 'string', default: 'shared' },
    filter: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    publish: { type: 'boolean', default: false },
  },
});
const out =
  args.out ??
  fileURLToPath(
    new URL(args.publish ? '../results/chromium.json' : '../../build/bench/chromium.json', import.meta.url),
  );

const server = await startServer({ port: 0 });
const browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`page: ${m.text()}`);
  });
  await page.goto(`${server.url}/demo/bench/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  let last = '';
  const ticker = setInterval(async () => {
    const p = await page.textContent('#progress').catch(() => '');
    if (p && p !== last) {
      last = p;
      process.stderr.write(`${p}\n`);
    }
  }, 2000);
  const result = await page
    .evaluate((o) => globalThis.bench.run(o), { mode: args.mode, memory: args.memory, filter: args.filter.join(',') })
    .finally(() => clearInterval(ticker));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(renderTable({ ...result, node: `n/a (${result.browser})` }));
  console.log(`\n${result.records.length} results → ${out}`);
} finally {
  await browser.close();
  await server.close();
}

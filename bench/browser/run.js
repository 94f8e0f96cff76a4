#!/usr/bin/env node
// Runs the benchmark page (demo/bench/) in this machine's Chromium (the one
// the browser tests use, demo/chromium.js) and writes its result, in the
// format of bench/run.js's latest.json, for the report:
//   node bench/browser/run.js [--mode smoke|quick|default|full] [--memory shared|unshared]
//                             [--filter <substring>]... [--out file]
// Default: a default run on shared memory into build/bench/chromium.json;
// --publish writes bench/results/chromium.json (the published figures).
// What a page cannot see, this script adds: the CPU model and the machine's
// load during the run (bench/conditions.js, with its warning).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../demo/chromium.js';
import { startServer } from '../../demo/server.js';
import { Conditions } from '../conditions.js';
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
  const conditions = new Conditions();
  let last = '';
  const ticker = setInterval(async () => {
    conditions.sampleLoad();
    const p = await page.textContent('#progress').catch(() => '');
    if (p && p !== last) {
      last = p;
      process.stderr.write(`${p}\n`);
    }
  }, 2000);
  const result = await page
    .evaluate((o) => globalThis.bench.run(o), { mode: args.mode, memory: args.memory, filter: args.filter.join(',') })
    .finally(() => clearInterval(ticker));
  conditions.sampleLoad();
  result.cpu = cpus()[0]?.model ?? result.cpu;
  result.conditions = { ...result.conditions, ...conditions.toJSON() };
  result.warnings = [...result.warnings, ...conditions.warnings()];
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(renderTable({ ...result, node: `n/a (${result.browser})` }));
  console.log(`\n${result.records.length} results → ${out}`);
} finally {
  await browser.close();
  await server.close();
}

// The benchmark page (demo/bench/, served by demo/server.js) in Chromium: a
// smoke run through its own controls must measure every case of the bench's
// single-thread families (the same cases as `npm run bench`, with the same
// impls) and of its Web Worker cross-thread family, a finite positive figure
// for each impl, show them in the report's table and chart, and export them
// as JSON in the format of bench/run.js's latest.json.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { open, type Session } from './launch.js';

interface BenchRecord {
  case: string;
  impl: string;
  median: number;
  min: number;
  max: number;
  opsPerSec: number;
  bytesPerSec: number;
  runs: number;
  clock: string;
}
interface BenchResult {
  runtime: string;
  browser: string;
  memory: string;
  mode: string;
  cases: Record<string, { title: string; size: number; bytesPerOp: number }>;
  records: BenchRecord[];
  skipped: { case: string; impl: string; reason: string }[];
  warnings: string[];
}

/** Case id → impl ids, from the bench's case files (impls: factories by id) or the page (impls: ids). */
const implsOf = (cases: { id: string; impls: object | string[] }[]) =>
  Object.fromEntries(cases.map((c) => [c.id, (Array.isArray(c.impls) ? c.impls : Object.keys(c.impls)).sort()]));

type Case = { id: string; impls: object };
/** The cases of one of the bench's own families (bench/cases/<name>.js), as `npm run bench` runs them. */
const family = async (name: string): Promise<Case[]> => (await import(`../../../bench/cases/${name}.js`)).default;

let s: Session;
const pageCases = async () =>
  implsOf((await s.page.evaluate('window.bench.loadCases()')) as { id: string; impls: string[] }[]);
let result: BenchResult;

beforeAll(async () => {
  s = await open({ isolated: true });
  await s.page.goto(`${s.url}/demo/bench/`);
  await s.page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  await s.page.selectOption('#mode', 'smoke');
  await s.page.click('#run');
  // About 10 s on an idle 2-core machine; several times that when other jobs load it.
  await s.page.waitForSelector('body[data-state="done"]', { timeout: 110_000 }).catch(async (e) => {
    throw new Error(`${e.message}; the page said: ${await s.page.textContent('#progress')} ${s.errors.join('; ')}`);
  });
  result = (await s.page.evaluate('window.bench.result')) as BenchResult;
}, 120_000);
afterAll(() => s?.close());

test("the page runs the bench's own single-thread cases, with the same impls", async () => {
  const onPage = await pageCases();
  const singleThread = [...(await family('bytes')), ...(await family('items')), ...(await family('mpsc'))];
  for (const [id, impls] of Object.entries(implsOf(singleThread))) {
    expect(onPage[id], id).toEqual(impls);
  }
  // Its cross-thread cases (Web Workers) are the bench's, with the same transports.
  for (const [id, impls] of Object.entries(implsOf(await family('xthread')))) expect(onPage[id], id).toEqual(impls);
  // What it leaves out, it says.
  expect(await s.page.textContent('#left-out')).toContain('stream.*');
});

test('every case produced a finite positive figure for each impl', async () => {
  const onPage = await pageCases();
  // The multithreading peer's own race (bench/README.md) may tear a packet it hands over: the
  // bench counts those as a warning about that peer, which is not this page's fault.
  const peerTorn = /^xthread\.mpsc\.\dp multithreading: \d+ of \d+ packets read torn$/;
  expect(result.warnings.filter((w) => !peerTorn.test(w))).toEqual([]);
  // Every peer loads here (the multithreading package too, bundled into Web Workers): none unavailable.
  expect(result.skipped).toEqual([]);
  expect(Object.keys(result.cases).sort()).toEqual(Object.keys(onPage).sort());
  const got = new Map(result.records.map((r) => [`${r.case} ${r.impl}`, r]));
  for (const [id, impls] of Object.entries(onPage)) {
    for (const impl of impls) {
      const r = got.get(`${id} ${impl}`);
      expect(r, `${id} ${impl}`).toBeDefined();
      for (const k of ['median', 'min', 'max', 'opsPerSec'] as const) {
        expect(Number.isFinite(r?.[k]) && (r?.[k] ?? 0) > 0, `${id} ${impl} ${k}: ${r?.[k]}`).toBe(true);
      }
      expect(r?.runs).toBe(2); // smoke: one worker × 2 samples
      expect(r?.clock).toBe('wall');
    }
  }
  expect(result.records.length).toBe(Object.values(onPage).flat().length);
  expect(result).toMatchObject({ runtime: 'chromium', memory: 'shared', mode: 'smoke' });
});

test("the report's table and chart show every figure", async () => {
  const table = (await s.page.textContent('#table')) ?? '';
  for (const id of Object.keys(result.cases)) expect(table).toContain(id);
  expect(table).toContain('wasm/js');
  // One bar per record.
  expect(await s.page.locator('#chart svg rect[height="13"]').count()).toBe(result.records.length);
});

test('export gives the result as JSON in the format of the bench', async () => {
  const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.click('#export')]);
  expect(download.suggestedFilename()).toBe('chromium.json');
  const path = await download.path();
  const exported = JSON.parse(readFileSync(path, 'utf8'));
  expect(exported).toEqual(result);
  for (const k of ['date', 'memory', 'mode', 'procs', 'samples', 'sampleMs', 'units', 'cases', 'records', 'warnings']) {
    expect(exported, k).toHaveProperty(k);
  }
});

test('no errors in the page or its workers', () => {
  expect(s.errors).toEqual([]);
});

test('without cross-origin isolation the page says which headers it needs, and offers no run', async () => {
  const plain = await open({ isolated: false });
  try {
    await plain.page.goto(`${plain.url}/demo/bench/`);
    await plain.page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
    expect(await plain.page.textContent('#error')).toContain('Cross-Origin-Embedder-Policy: require-corp');
    expect(await plain.page.isDisabled('#run')).toBe(true);
  } finally {
    await plain.close();
  }
});

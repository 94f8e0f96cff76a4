// Opens the demo (served by demo/server.js with COOP/COEP), lets it run, and
// checks through its own controls that sensor frames flow from the workers to
// the main thread on both engines, that nothing is lost without overwrite even
// when the consumer stalls, and that with overwrite every gap is a counted drop.
// The audio card has its own test (audio.test.ts: it needs a fake microphone).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { open, type Session } from './launch.js';

interface StreamStats {
  received: number;
  bytes: number;
  dropped: number;
  lost: number;
  peak: number;
  workers: number;
  capacity: number;
}
type Stats = Record<'sensor', StreamStats>;

let s: Session;
const stats = (): Promise<Stats> => s.page.evaluate('window.demo.stats()');
const counter = async (card: string, k: string) =>
  Number((await s.page.textContent(`#card-${card} [data-k="${k}"]`))?.replace(/[^\d.]/g, ''));

/** Waits `ms`, then returns the stats and checks that the stream received more than before. */
async function runFor(ms: number, before: Stats): Promise<Stats> {
  await s.page.waitForTimeout(ms);
  const after = await stats();
  expect(after.sensor.received).toBeGreaterThan(before.sensor.received);
  return after;
}

beforeAll(async () => {
  s = await open({ isolated: true });
  await s.page.goto(`${s.url}/demo/`);
  await s.page.waitForSelector('body[data-ready="true"]', { timeout: 45_000 });
});
afterAll(() => s?.close());

test('the page is isolated and the sensor frames flow into the main thread', async () => {
  expect(await s.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  const a = await runFor(1200, await stats());
  expect(a.sensor.workers).toBe(3);
  // The counters on the page move too.
  expect(await counter('sensor', 'received')).toBeGreaterThan(0);
  expect(await counter('sensor', 'throughput')).toBeGreaterThan(0);
});

test('without overwrite nothing is lost, even across a 500 ms consumer stall', async () => {
  const before = await stats();
  await s.page.click('#stall');
  const after = await runFor(1200, before);
  expect(after.sensor.dropped).toBe(0);
  expect(after.sensor.lost).toBe(0);
  // The stall filled the buffer: producers had to wait, not drop.
  expect(after.sensor.peak).toBeGreaterThan(0.9 * after.sensor.capacity);
  expect(await counter('sensor', 'lost')).toBe(0);
  expect(await counter('sensor', 'dropped')).toBe(0);
});

test('switching to the js engine keeps the same buffers flowing, without loss', async () => {
  await s.page.click('#engine button[data-value="js"]');
  expect(await s.page.evaluate('window.demo.settings.engine')).toBe('js');
  const after = await runFor(1000, await stats());
  expect(after.sensor.lost).toBe(0);
  expect(after.sensor.dropped).toBe(0);
  await s.page.click('#engine button[data-value="wasm"]');
  await runFor(500, after);
});

test('fewer sensor workers at a higher rate: the stopped ones finish their frames, nothing is lost', async () => {
  await s.page.selectOption('#sensors', '1');
  await s.page.selectOption('#rate', '50000');
  const after = await runFor(1200, await stats());
  expect(after.sensor.workers).toBe(1);
  expect(after.sensor.lost + after.sensor.dropped).toBe(0);
  expect(await s.page.textContent('#sensor-sub')).toContain('1 workers · 50,000 frames/s');
});

test('with overwrite a stall drops frames, and every gap the reader sees is a counted drop', async () => {
  await s.page.click('#overwrite button[data-value="on"]');
  await s.page.waitForTimeout(100); // the workers get the switch
  await s.page.click('#stall');
  const after = await runFor(1200, await stats());
  expect(after.sensor.dropped).toBeGreaterThan(0);
  expect(after.sensor.lost).toBe(0);
  expect(await counter('sensor', 'dropped')).toBeGreaterThan(0);
});

test('no errors in the page or its workers', () => {
  expect(s.errors).toEqual([]);
});

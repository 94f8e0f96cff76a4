// RingBuf across threads: one producer and one consumer in two worker_threads
// over one shared memory, on either engine, with the waiting API.
import { describe, expect, it } from 'vitest';
import { canBlock, createEngine, RingBuf, type Engine, type EngineKind } from '../dist/bindings/index.js';
import { runRoles, startRoles } from './util/threads.js';
import { present } from './util/present.js';
import { releaseSides } from './util/internals.js';

const BOUND_MS = 60_000;
/** A peer silent this long means a lost wake-up or a deadlock: the role fails. */
const WAIT_MS = 20_000;
const seed = Number(process.env.WRB_SEED ?? Date.now() % 2 ** 32);

async function sharedEngine(kind: EngineKind): Promise<Engine> {
  return createEngine(kind, { shared: true, maximumPages: 4096 });
}

interface StreamResult {
  frames: number;
  bytes: number;
  waits: number;
  grown?: { address: number; generation: number; grew: boolean }[];
}

describe(`RingBuf stress in two threads (seed ${seed})`, () => {
  it.each([
    ['wasm', 'wasm', 65536, 50e6],
    ['js', 'js', 65536, 50e6],
    ['wasm', 'js', 4099, 50e6],
    ['js', 'wasm', 4096, 20e6],
  ] as const)('%s producer, %s consumer, capacity %i: %d bytes of checked frames', async (pk, ck, capacity, total) => {
    const engine = await sharedEngine('wasm');
    const rb = new RingBuf(engine, capacity);
    const common = { descriptor: rb.descriptor, module: engine.module, total, seed, waitMs: WAIT_MS };
    const [p, c] = await runRoles<StreamResult>(
      [
        { ...common, role: 'bytesProducer', kind: pk },
        { ...common, role: 'bytesConsumer', kind: ck },
      ],
      BOUND_MS,
    );
    expect(c.frames).toBe(p.frames);
    expect(c.bytes).toBe(p.bytes);
    expect(p.bytes).toBeGreaterThanOrEqual(total);
    expect(p.waits + c.waits).toBeGreaterThan(0); // the sleeping paths ran
    expect(rb.isEmpty).toBe(true);
    expect(rb.space).toBe(capacity);
    // Both sides left their waiter counts as they found them.
    const i32 = new Int32Array(engine.memory.buffer);
    expect([i32[(rb.address + 12) >> 2], i32[(rb.address + 16) >> 2]]).toEqual([0, 0]);
  });

  it('keeps streaming while the consumer thread grows the memory; every thread can use the new buffers', async () => {
    const engine = await sharedEngine('wasm');
    const rb = new RingBuf(engine, 8192);
    const pagesBefore = engine.memory.buffer.byteLength;
    const common = { descriptor: rb.descriptor, module: engine.module, total: 8e6, seed, waitMs: WAIT_MS };
    const [p, c] = await runRoles<StreamResult>(
      [
        { ...common, role: 'bytesProducer', kind: 'js' },
        { ...common, role: 'bytesConsumer', kind: 'wasm', grow: 500 },
      ],
      BOUND_MS,
    );
    expect(c.bytes).toBe(p.bytes);
    const grown = present(c.grown);
    expect(grown.length).toBeGreaterThan(10);
    expect(grown.filter((g) => g.grew).length).toBeGreaterThan(5);
    expect(engine.memory.buffer.byteLength).toBeGreaterThan(pagesBefore);
    // This thread's views predate the growth: attach must still reach the new blocks.
    const twin = await createEngine('js', { memory: engine.memory });
    for (const { address, generation } of grown) {
      for (const e of [engine, twin]) {
        const b = RingBuf.attach(e, { type: 'RingBuf', memory: engine.memory, address, generation });
        expect(b.put(new Uint8Array([1, 2, 3]))).toBe(3);
        const out = new Uint8Array(3);
        expect(b.get(out)).toBe(3);
        expect([...out]).toEqual([1, 2, 3]);
        releaseSides(b); // one handle per side: the next engine's handle takes them
      }
    }
    // And the old buffer still works through this thread's old views.
    expect(rb.put(new Uint8Array(100))).toBe(100);
    expect(rb.discard(100)).toBe(100);
  });
});

describe.each(['wasm', 'js'] as const)('RingBuf waits (%s engine)', (kind) => {
  // The other thread attaches, naps 50 ms, then puts 40 bytes (or frees 100
  // of a full buffer); this thread must be woken by it, not by its timeout.
  it.each([
    ['waitForData', 'delayedPut', 0, (rb: RingBuf) => rb.waitForData(10_000, 40), (rb: RingBuf) => rb.size, 40],
    ['waitForSpace', 'delayedGet', 256, (rb: RingBuf) => rb.waitForSpace(10_000, 100), (rb: RingBuf) => rb.space, 100],
  ] as const)(
    '%s sleeps until the %s thread acts, well before its timeout',
    async (_, role, fill, wait, amount, bytes) => {
      const engine = await sharedEngine(kind);
      const rb = new RingBuf(engine, 256);
      // Only if there is something to fill: a put takes the producer side, which the other thread needs.
      if (fill > 0) rb.put(new Uint8Array(fill));
      const { ready, done } = startRoles(
        [{ role, kind, module: engine.module, descriptor: rb.descriptor, delayMs: 50, bytes }],
        BOUND_MS,
      );
      await ready;
      const t0 = performance.now();
      expect(wait(rb)).toBe(true);
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(amount(rb)).toBe(bytes);
      await done;
    },
  );

  it('waitForDataAsync resolves through Atomics.waitAsync when another thread commits', async () => {
    const engine = await sharedEngine(kind);
    const rb = new RingBuf(engine, 256);
    const wait = rb.waitForDataAsync(10_000, 10);
    const t0 = performance.now();
    await runRoles(
      [{ role: 'delayedPut', kind, module: engine.module, descriptor: rb.descriptor, delayMs: 20, bytes: 10 }],
      BOUND_MS,
    );
    expect(await wait).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('waitForSpaceAsync resolves when the same thread frees an unshared buffer (polling)', async () => {
    const rb = new RingBuf(await createEngine(kind), 64);
    rb.put(new Uint8Array(64));
    setTimeout(() => rb.discard(64), 20);
    expect(await rb.waitForSpaceAsync(10_000, 64)).toBe(true);
  });

  it('every wait ends by its timeout and then reports the condition', async () => {
    const rb = new RingBuf(await sharedEngine(kind), 64);
    let t0 = performance.now();
    expect(rb.waitForData(30)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    t0 = performance.now();
    expect(await rb.waitForDataAsync(30)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(rb.waitForSpace(30, 64)).toBe(true);
    expect(rb.waitForData(0)).toBe(false);
    rb.put(new Uint8Array(1));
    expect(rb.waitForData(0)).toBe(true);
    expect(rb.waitForSpace(0, 64)).toBe(false);
    expect(await rb.waitForSpaceAsync(30, 64)).toBe(false);
    // Nobody is left registered as a sleeper.
    const i32 = new Int32Array(rb.engine.memory.buffer);
    expect([i32[(rb.address + 12) >> 2], i32[(rb.address + 16) >> 2]]).toEqual([0, 0]);
  });

  it('Node threads may block, so the blocking forms are allowed here', () => {
    expect(canBlock()).toBe(true);
  });

  it('on an unshared memory a blocking wait only looks (nothing else can fill it)', async () => {
    const rb = new RingBuf(await createEngine(kind), 64);
    const t0 = performance.now();
    expect(rb.waitForData(5_000)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1_000);
    rb.put(new Uint8Array(8));
    expect(rb.waitForData(5_000, 8)).toBe(true);
  });

  it('rejects bad arguments before waiting', async () => {
    const rb = new RingBuf(await sharedEngine(kind), 64);
    expect(() => rb.waitForData(-1)).toThrow(/ms must be from 0 to Infinity, got -1/);
    expect(() => rb.waitForData(Number.NaN)).toThrow(RangeError);
    expect(() => rb.waitForData('1' as unknown as number)).toThrow(TypeError);
    expect(() => rb.waitForSpace(10, 65)).toThrow(/bytes must be an integer from 1 to 64, got 65/);
    expect(() => rb.waitForDataAsync(10, 0)).toThrow(RangeError);
    expect(() => rb.waitForSpaceAsync(-5)).toThrow(RangeError);
  });
});

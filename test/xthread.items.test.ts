// ItemRingBuf across threads: one producer and one consumer in two
// worker_threads over one shared memory, on either engine, sleeping in the
// waiting API when full or empty.
import { describe, expect, it } from 'vitest';
import { createEngine, ItemRingBuf, type EngineKind } from '../dist/bindings/index.js';
import { runRoles } from './util/threads.js';

const BOUND_MS = 60_000;
/** A peer silent this long means a lost wake-up or a deadlock: the role fails. */
const WAIT_MS = 20_000;
const seed = Number(process.env.WRB_SEED ?? Date.now() % 2 ** 32);

interface ItemsResult {
  items: number;
  bytes: number;
  waits: number;
}

describe(`ItemRingBuf stress in two threads (seed ${seed})`, () => {
  it.each([
    ['wasm', 'wasm', 16384, 110_000, 50e6],
    ['js', 'js', 16384, 110_000, 50e6],
    ['wasm', 'js', 1021, 110_000, 50e6],
    ['js', 'wasm', 1024, 45_000, 20e6],
  ] as const)(
    '%s producer, %s consumer, capacity %i words: %i checked items',
    async (pk, ck, capacity, items, total) => {
      const engine = await createEngine('wasm', { shared: true });
      const rb = new ItemRingBuf(engine, capacity);
      // Items average 130 words (520 bytes): 110,000 of them are about 57 MB.
      const common = { descriptor: rb.descriptor, module: engine.module, items, seed, waitMs: WAIT_MS };
      const [p, c] = await runRoles<ItemsResult>(
        [
          { ...common, role: 'itemsProducer', kind: pk as EngineKind },
          { ...common, role: 'itemsConsumer', kind: ck as EngineKind },
        ],
        BOUND_MS,
      );
      expect(p.items).toBe(items);
      expect(c.items).toBe(items);
      expect(c.bytes).toBe(p.bytes);
      expect(p.bytes).toBeGreaterThanOrEqual(total);
      expect(p.waits + c.waits).toBeGreaterThan(0);
      expect(rb.isEmpty).toBe(true);
      expect(rb.space).toBe(capacity);
    },
  );
});

describe.each(['wasm', 'js'] as const)('ItemRingBuf waits (%s engine)', (kind) => {
  it('counts words: waitForSpace wants room for a whole item, waitForData for any word', async () => {
    const rb = new ItemRingBuf(await createEngine(kind, { shared: true }), 8);
    expect(rb.waitForData(0)).toBe(false);
    expect(rb.put(1, 2, new Uint32Array([1, 2, 3]))).toBe(0); // 4 words
    expect(rb.waitForData(0, 4)).toBe(true);
    expect(rb.waitForData(0, 5)).toBe(false);
    expect(rb.waitForSpace(0, 4)).toBe(true);
    expect(rb.waitForSpace(20, 5)).toBe(false);
    expect(await rb.waitForSpaceAsync(20, 5)).toBe(false);
    expect(await rb.waitForDataAsync(20, 4)).toBe(true);
    expect(() => rb.waitForSpace(0, 9)).toThrow(/words must be an integer from 1 to 8, got 9/);
    expect(() => rb.waitForDataAsync(-1)).toThrow(RangeError);
  });
});

// Batches of items (putBatch/getBatch) and the header helpers, on both
// engines, with records in JS arrays and in the engine's memory.

import { describe, expect, it } from 'vitest';
import { internals, releaseSides } from './util/internals.js';
import { createEngine, EMSGSIZE, ItemRingBuf, type Engine } from '../dist/bindings/index.js';

/** `count` records of `words` payload words each: type k, value k & 0xff, payload k * 1000 + j. */
function records(count: number, words: number): Uint32Array {
  const out = new Uint32Array(count * (1 + words));
  for (let k = 0, at = 0; k < count; k++) {
    out[at++] = ItemRingBuf.header(k, k & 0xff, words);
    for (let j = 0; j < words; j++) out[at++] = k * 1000 + j;
  }
  return out;
}

/**
 * A view of `n` fresh words in the engine's memory. Placing them may grow the
 * memory, so the view is made after; on a shared memory earlier views stay valid.
 */
function inMemory(engine: Engine, n: number): Uint32Array {
  const at = internals(engine).alloc(4 * n, 'test words');
  return new Uint32Array(engine.memory.buffer, at, n);
}

describe.each(['wasm', 'js'] as const)('item batches on the %s engine', (kind) => {
  it("header packs Zephyr's bit fields and the helpers read them back", () => {
    const h = ItemRingBuf.header(0xbeef, 0xa5, 255);
    expect(h).toBe((0xbeef | (255 << 16) | (0xa5 << 24)) >>> 0);
    expect([ItemRingBuf.headerType(h), ItemRingBuf.headerValue(h), ItemRingBuf.headerWords(h)]).toEqual([
      0xbeef, 0xa5, 255,
    ]);
  });

  it.each([false, true])(
    'batches larger than the staging area go through whole (records in memory: %s)',
    async (mem) => {
      const engine = await createEngine(kind, { shared: true });
      const rb = new ItemRingBuf(engine, 10_000);
      rb.internalReset(0xffff0000); // the counters cross 2^32 on the way
      const src = records(200, 32); // 6600 words: more than one staging chunk
      const batch = mem ? inMemory(engine, src.length) : src;
      batch.set(src);
      expect(rb.putBatch(batch)).toBe(src.length);
      expect(rb.size).toBe(src.length);
      const dst = mem ? inMemory(engine, 10_000) : new Uint32Array(10_000);
      expect(rb.getBatch(dst)).toBe(src.length);
      expect(dst.subarray(0, src.length)).toEqual(src);
      expect(rb.isEmpty).toBe(true);
    },
  );

  it.each([false, true])(
    'putBatch stores the leading items that fit, all or nothing per item (records in memory: %s)',
    async (mem) => {
      const engine = await createEngine(kind, { shared: true });
      const rb = new ItemRingBuf(engine, 110);
      const src = records(10, 19); // 20 words an item: 5 fit in 110
      const batch = mem ? inMemory(engine, src.length) : src;
      batch.set(src);
      expect(rb.putBatch(batch)).toBe(100);
      expect([rb.size, rb.space]).toEqual([100, 10]);
      expect(rb.putBatch(batch, 100)).toBe(0);
      // Make room for two: they go in, and the payloads wrap across the end of storage.
      const out = new Uint32Array(19);
      expect(rb.get(out)).toBe(19);
      expect(rb.get(out)).toBe(19);
      expect(rb.putBatch(batch, 100)).toBe(40);
      const dst = new Uint32Array(200);
      expect(rb.getBatch(dst)).toBe(100);
      expect(dst.subarray(0, 100)).toEqual(src.subarray(40, 140));
    },
  );

  it.each([false, true])(
    'getBatch takes whole items only, and EMSGSIZE when the window cannot hold the first (window in memory: %s)',
    async (mem) => {
      const engine = await createEngine(kind, { shared: true });
      const rb = new ItemRingBuf(engine, 64);
      const dst = mem ? inMemory(engine, 64) : new Uint32Array(64);
      expect(rb.getBatch(dst)).toBe(0); // empty
      expect(rb.getBatch(dst, 0, 0)).toBe(0);
      rb.put(1, 1, new Uint32Array([1, 2, 3]));
      rb.put(2, 2);
      rb.put(3, 3, new Uint32Array([4]));
      expect(rb.getBatch(dst, 0, 0)).toBe(EMSGSIZE);
      expect(rb.getBatch(dst, 0, 3)).toBe(EMSGSIZE);
      expect(rb.itemWords).toBe(3);
      expect(rb.itemType).toBe(1);
      // 6 words: the first two items (4 + 1); the third (2 words) would need 7.
      dst.fill(0xdead);
      expect(rb.getBatch(dst, 10, 16)).toBe(5);
      expect(Array.from(dst.subarray(10, 16))).toEqual([
        ItemRingBuf.header(1, 1, 3),
        1,
        2,
        3,
        ItemRingBuf.header(2, 2, 0),
        0xdead,
      ]);
      expect(rb.size).toBe(2);
      expect(rb.getBatch(dst)).toBe(2);
      expect(Array.from(dst.subarray(0, 2))).toEqual([ItemRingBuf.header(3, 3, 1), 4]);
    },
  );

  it.each([true, false])(
    'views of the memory keep working across growth, and a detached one loses nothing (shared: %s)',
    async (shared) => {
      const engine = await createEngine(kind, { shared });
      const rb = new ItemRingBuf(engine, 16);
      const view = inMemory(engine, 8);
      view.set([5, 6, 7]);
      expect(rb.put(1, 1, view, 0, 3)).toBe(0);
      expect(rb.get(view, 3)).toBe(3);
      expect(Array.from(view.subarray(3, 6))).toEqual([5, 6, 7]);
      expect(rb.put(2, 2, new Uint32Array([8, 9]))).toBe(0);
      // Growing the memory replaces the views (and detaches the old ones when unshared).
      new ItemRingBuf(engine, 40_000);
      if (shared) {
        expect(rb.get(view)).toBe(2);
        expect(Array.from(view.subarray(0, 2))).toEqual([8, 9]);
      } else {
        expect(view.length).toBe(0);
        expect(rb.get(view)).toBe(EMSGSIZE); // no room in a detached view: the item stays
        const fresh = inMemory(engine, 4);
        expect(rb.get(fresh)).toBe(2);
        expect(Array.from(fresh.subarray(0, 2))).toEqual([8, 9]);
      }
      expect(rb.isEmpty).toBe(true);
    },
  );

  it('a batch written by one engine is read item by item by the other, and the reverse', async () => {
    const engine = await createEngine(kind, { shared: true });
    const other = await createEngine(kind === 'wasm' ? 'js' : 'wasm', { memory: engine.memory });
    const a = new ItemRingBuf(engine, 50);
    const b = ItemRingBuf.attach(other, a.descriptor);
    const src = records(12, 3);
    expect(a.putBatch(src)).toBe(48);
    const out = new Uint32Array(3);
    for (let k = 0; k < 12; k++) {
      // The consumer side passes from one handle to the other (one at a time).
      const via = k % 2 === 0 ? b : a;
      releaseSides(k % 2 === 0 ? a : b);
      expect(via.get(out)).toBe(3);
      expect([via.itemType, via.itemValue, ...out]).toEqual([k, k, k * 1000, k * 1000 + 1, k * 1000 + 2]);
    }
    releaseSides(a);
    for (let k = 0; k < 12; k++) expect(b.put(k, k, src.subarray(4 * k + 1, 4 * k + 4))).toBe(0);
    releaseSides(b);
    const dst = new Uint32Array(48);
    expect(a.getBatch(dst)).toBe(48);
    expect(dst).toEqual(src);
  });
});

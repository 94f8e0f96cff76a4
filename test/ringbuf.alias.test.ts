// Arrays that lie in the ring's own storage, as source or destination, with
// the data crossing the end of storage: the first piece of a two-piece copy
// must not overwrite bytes (or words) that the second piece has yet to read.
// Every case is set up so that it does, were the copy done in place.

import { describe, expect, it } from 'vitest';
import { createEngine, ItemRingBuf, RingBuf } from '../dist/bindings/index.js';

const kinds = ['wasm', 'js'] as const;

/** A 64-byte ring whose indices sit at 40, so that 30 bytes wrap: [40, 64) then [0, 6). */
async function wrappedRing(kind: (typeof kinds)[number]) {
  const e = await createEngine(kind);
  const rb = new RingBuf(e, 64);
  rb.put(new Uint8Array(40));
  rb.get(new Uint8Array(40));
  return rb;
}

describe.each(kinds)('a ring’s own storage as source or destination, %s engine', (kind) => {
  it.each(['put', 'write'] as const)(
    '%s from storage [20, 50) into a claim that wraps delivers the bytes as they were',
    async (op) => {
      const rb = await wrappedRing(kind);
      const st = rb.storage;
      for (let i = 0; i < 64; i++) st[i] = i;
      const src = st.subarray(20, 50);
      const expected = Array.from(src);
      expect(rb[op](src)).toBe(30);
      rb.flush();
      const out = new Uint8Array(64);
      expect(rb.get(out)).toBe(30);
      expect(Array.from(out.subarray(0, 30))).toEqual(expected);
    },
  );

  it.each(['get', 'peek'] as const)(
    '%s of wrapped data into storage [0, 30) gives the bytes as they were',
    async (op) => {
      const rb = await wrappedRing(kind);
      const data = Uint8Array.from({ length: 30 }, (_, i) => 100 + i);
      rb.put(data);
      const dst = rb.storage.subarray(0, 30);
      expect(rb[op](dst)).toBe(30);
      expect(Array.from(dst)).toEqual(Array.from(data));
      expect(rb.size).toBe(op === 'peek' ? 30 : 0);
    },
  );

  /** A 16-word item ring whose indices sit at word 10, so that an item of 9 words wraps. */
  async function wrappedItems() {
    const e = await createEngine(kind);
    const ir = new ItemRingBuf(e, 16);
    ir.put(1, 0, new Uint32Array(9));
    expect(ir.get(new Uint32Array(9))).toBe(9);
    const words = new Uint32Array(e.memory.buffer, ir.storageAddress, 16);
    const payload = Uint32Array.from({ length: 9 }, (_, i) => 1000 + i);
    expect(ir.put(2, 3, payload)).toBe(0);
    return { ir, words, payload };
  }

  it('ItemRingBuf.get of a wrapped item into storage words [0, 9) gives the payload as it was', async () => {
    const { ir, words, payload } = await wrappedItems();
    expect(ir.get(words, 0, 9)).toBe(9);
    expect([ir.itemType, ir.itemValue]).toEqual([2, 3]);
    expect(Array.from(words.subarray(0, 9))).toEqual(Array.from(payload));
  });

  it('ItemRingBuf.getBatch of a wrapped item into storage words [0, 10) gives the record as it was', async () => {
    const { ir, words, payload } = await wrappedItems();
    expect(ir.getBatch(words, 0, 10)).toBe(10);
    expect(Array.from(words.subarray(1, 10))).toEqual(Array.from(payload));
    expect(ir.size).toBe(0);
  });
});

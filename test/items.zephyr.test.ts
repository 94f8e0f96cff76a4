// Zephyr's item-mode tests (docs/zephyr-tests.md part A: A1-A10, A18, A23,
// A26 single-threaded) and the item edge cases of docs/zephyr-semantics.md §1.6, on
// both engines. [ISR] variants are sequential calls here.

import { describe, expect, it } from 'vitest';
import { createEngine, EAGAIN, EMSGSIZE, ItemRingBuf, type Engine } from '../dist/bindings/index.js';

/** Zephyr's static_data[3]: length, value, type, payload. */
const items = [
  { type: 1, value: 32, data: new Uint32Array([]) },
  { type: 54, value: 76, data: new Uint32Array([0x89ab]) },
  { type: 0xffff, value: 0xff, data: new Uint32Array([0x0f0f, 0xf0f0, 0xff00]) },
];

function put(rb: ItemRingBuf, i: number): void {
  expect(rb.put(items[i].type, items[i].value, items[i].data)).toBe(0);
}

/** item_get with room for 3 words: type, value, size32 and payload match item i. */
function get(rb: ItemRingBuf, i: number): void {
  const out = new Uint32Array(3);
  expect(rb.get(out)).toBe(items[i].data.length);
  expect([rb.itemType, rb.itemValue, rb.itemWords]).toEqual([items[i].type, items[i].value, items[i].data.length]);
  expect(out.subarray(0, items[i].data.length)).toEqual(items[i].data);
}

/** item_get with NULL data: the payload is dropped, the fields are still reported. */
function getDiscard(rb: ItemRingBuf, i: number): void {
  expect(rb.get()).toBe(items[i].data.length);
  expect([rb.itemType, rb.itemValue, rb.itemWords]).toEqual([items[i].type, items[i].value, items[i].data.length]);
}

/** A5's round: items 0 and 1 in and out, then item 2 (4 words, so it wraps in 5). */
function putGetSequence(rb: ItemRingBuf): void {
  put(rb, 0);
  put(rb, 1);
  get(rb, 0);
  get(rb, 1);
  put(rb, 2);
  expect(rb.isEmpty).toBe(false);
  get(rb, 2);
  expect(rb.isEmpty).toBe(true);
}

/** The 32-bit words of an ASCII string, little-endian, as C sees a char array through a uint32_t pointer. */
function words(text: string): Uint32Array {
  return new Uint32Array(new TextEncoder().encode(text).buffer);
}

describe.each(['wasm', 'js'] as const)('Zephyr item tests on the %s engine', (kind) => {
  let engine: Engine;
  const make = async (capacity: number): Promise<ItemRingBuf> => {
    engine ??= await createEngine(kind);
    return new ItemRingBuf(engine, capacity);
  };

  it('A1 test_ring_buffer_main: fill with growing items, EMSGSIZE, then read them all back', async () => {
    const rb = await make(256);
    const source = words('ABCDEFGHIJKLMNOPQRSTUVWX');
    const sizes: number[] = [];
    for (let dsize = 2; ; dsize = (dsize + 1) % 7) {
      const r = rb.put(1, 2, source, 0, dsize);
      if (r === EMSGSIZE) break;
      expect(r).toBe(0);
      sizes.push(dsize);
    }
    // Items of 3, 4, 5, 6, 7, 1, 2 words (28 a cycle): 9 cycles fill 252 words,
    // one more 3-word item fits, and the 4-word one after it does not.
    expect(sizes.length).toBe(64);
    expect(rb.space).toBe(1);
    const small = new Uint32Array(1);
    expect(rb.get(small)).toBe(EMSGSIZE);
    expect(rb.itemWords).toBe(2);
    const out = new Uint32Array(6);
    for (const dsize of sizes) {
      expect(rb.get(out)).toBe(dsize);
      expect([rb.itemType, rb.itemValue]).toEqual([1, 2]);
      expect(out.subarray(0, dsize)).toEqual(source.subarray(0, dsize));
    }
    expect(rb.get(out)).toBe(EAGAIN);
  });

  it.each([
    ['A2 test_ringbuffer_init', 5],
    ['A3 test_ringbuffer_declare_pow2', 4],
    ['A4 test_ringbuffer_declare_size', 5],
  ])('%s: a new buffer of %i words is empty with that many words of space', async (_name, capacity) => {
    const rb = await make(capacity);
    expect(rb.isEmpty).toBe(true);
    expect(rb.space).toBe(capacity);
    expect(rb.capacity).toBe(capacity);
    expect(rb.size).toBe(0);
  });

  it('A5 test_ringbuffer_put_get_thread: 1000 rounds of 1-, 2- and 4-word items in 5 words', async () => {
    const rb = await make(5);
    for (let i = 0; i < 1000; i++) putGetSequence(rb);
  });

  it('A6/A7/A10 put_get_isr, thread_isr, size_thread_isr: the same sequence once', async () => {
    putGetSequence(await make(5));
  });

  it('A8 test_ringbuffer_put_get_discard: NULL data drops items and still reports them', async () => {
    const rb = await make(5);
    put(rb, 0);
    put(rb, 1);
    expect(rb.isEmpty).toBe(false);
    getDiscard(rb, 0);
    getDiscard(rb, 1);
    expect(rb.isEmpty).toBe(true);
  });

  it('A9 test_ringbuffer_pow2_put_get_thread_isr: 4 words, items 0 and 1 only', async () => {
    const rb = await make(4);
    put(rb, 0);
    put(rb, 1);
    get(rb, 0);
    get(rb, 1);
    put(rb, 1);
    get(rb, 1);
    expect(rb.isEmpty).toBe(true);
    // Item 2 (4 words) fits only alone.
    put(rb, 2);
    expect(rb.put(items[0].type, items[0].value)).toBe(EMSGSIZE);
  });

  it("A18 test_ringbuffer_array_perf: Zephyr's header word at word 0, the payload right after it", async () => {
    const rb = await make(5);
    const input = new Uint32Array([0xaa, 0xbb, 0xcc]);
    expect(rb.put(1, 2, input)).toBe(0);
    const storage = new Uint32Array(engine.memory.buffer, rb.storageAddress, 5);
    expect(storage[0]).toBe((1 | (3 << 16) | (2 << 24)) >>> 0);
    expect(storage.subarray(1, 4)).toEqual(input);
    const out = new Uint32Array(3);
    expect(rb.get(out)).toBe(3);
    expect(out).toEqual(input);
  });

  it('A23 test_ringbuffer_concurrent, sequentially: 64-word items of ones round-trip', async () => {
    const rb = await make(256);
    const ones = new Uint32Array(64).fill(0xffffffff);
    const out = new Uint32Array(64);
    for (let i = 0; i < 100; i++) {
      expect(rb.put(0xc, 0xb, ones)).toBe(0);
      out.fill(0);
      expect(rb.get(out)).toBe(64);
      expect([rb.itemType, rb.itemValue, rb.itemWords]).toEqual([0xc, 0xb, 64]);
      expect(out).toEqual(ones);
    }
  });

  it.each([0x7fffffff - 16, 0xfffffff0])(
    'A26 test_ringbuffer_item_stress, one thread: producer and consumer interleaved from counter %i',
    async (start) => {
      const rb = await make(8);
      rb.internalReset(start);
      let pcnt = 0;
      let ccnt = 0;
      const payload = new Uint32Array(2);
      const out = new Uint32Array(2);
      // A fixed pattern of 1-3 puts then 1-3 gets, so the buffer runs full and empty.
      for (let round = 0; round < 3000; round++) {
        for (let p = 0; p <= round % 3; p++) {
          payload[0] = pcnt;
          payload[1] = ~pcnt >>> 0;
          if (rb.put(pcnt & 0xffff, 0xb, payload) === 0) pcnt++;
        }
        for (let c = 0; c <= (round >> 1) % 3; c++) {
          const r = rb.get(out);
          if (r === EAGAIN) continue;
          expect(r).toBe(2);
          expect([rb.itemType, rb.itemValue]).toEqual([ccnt & 0xffff, 0xb]);
          expect(Array.from(out)).toEqual([ccnt, ~ccnt >>> 0]);
          ccnt++;
        }
      }
      expect(ccnt).toBeGreaterThan(2000);
      expect(pcnt - ccnt).toBe(rb.size / 3);
    },
  );

  it('§1.6 edge 6: a destination too small gets EMSGSIZE and the needed size; the item stays for a call with room', async () => {
    const rb = await make(16);
    expect(rb.put(7, 8, new Uint32Array([1, 2, 3]))).toBe(0);
    const before = rb.size;
    expect(rb.get(new Uint32Array(2))).toBe(EMSGSIZE);
    expect(rb.itemWords).toBe(3);
    expect(rb.size).toBe(before);
    const out = new Uint32Array(3);
    expect(rb.get(out)).toBe(3);
    expect([rb.itemType, rb.itemValue]).toEqual([7, 8]);
    expect(Array.from(out)).toEqual([1, 2, 3]);
    expect(rb.get(out)).toBe(EAGAIN);
  });

  it('§1.6 edge 7: an item of 0 words stores just the header word', async () => {
    const rb = await make(3);
    expect(rb.put(0xbeef, 0x5a)).toBe(0);
    expect(rb.space).toBe(2);
    expect(rb.size).toBe(1);
    expect(new Uint32Array(engine.memory.buffer, rb.storageAddress, 1)[0]).toBe((0xbeef | (0x5a << 24)) >>> 0);
    expect(rb.get(new Uint32Array(0))).toBe(0);
    expect([rb.itemType, rb.itemValue, rb.itemWords]).toEqual([0xbeef, 0x5a, 0]);
    expect(rb.isEmpty).toBe(true);
  });

  it('all or nothing: an item one word too big writes nothing, and fits after one get', async () => {
    const rb = await make(6);
    expect(rb.put(1, 1, new Uint32Array(2))).toBe(0); // 3 words
    expect(rb.put(2, 2, new Uint32Array(3))).toBe(EMSGSIZE); // needs 4, 3 free
    expect([rb.size, rb.space]).toEqual([3, 3]);
    expect(rb.get()).toBe(2);
    // Free 6, from word 3: the payload wraps across the end of storage.
    expect(rb.put(2, 2, new Uint32Array([9, 8, 7, 6, 5]))).toBe(0);
    const out = new Uint32Array(5);
    expect(rb.get(out)).toBe(5);
    expect(Array.from(out)).toEqual([9, 8, 7, 6, 5]);
  });

  it('reset empties the buffer and restarts at word 0', async () => {
    const rb = await make(4);
    put(rb, 1);
    get(rb, 1);
    put(rb, 1);
    rb.reset();
    expect([rb.isEmpty, rb.space, rb.size]).toEqual([true, 4, 0]);
    expect(rb.get()).toBe(EAGAIN);
    put(rb, 2);
    expect((new Uint32Array(engine.memory.buffer, rb.storageAddress, 1)[0] >>> 16) & 0xff).toBe(3);
  });
});

// Misuse found by the hardening review (issue 17): each case is refused with
// a TypeError/RangeError naming the argument and the buffer unchanged, or
// done right; none may lose, garble or leak anything.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, ItemRingBuf, MpscPbuf, RingBuf } from '../dist/bindings/index.js';
import { internals } from './util/internals.js';
import { rejects } from './util/rejects.js';

const H = (type: number, words: number) => ItemRingBuf.header(type, 0, words);

/** Every item in `rb`, as [type, ...payload]. */
function drain(rb: ItemRingBuf): number[][] {
  const out = new Uint32Array(255);
  const items: number[][] = [];
  for (let n = rb.get(out); n >= 0; n = rb.get(out)) items.push([rb.itemType, ...out.subarray(0, n)]);
  return items;
}

describe.each(['wasm', 'js'] as const)('misuse on the %s engine', (kind) => {
  it('putBatch of records that lie in the ring’s own storage stores them intact (item 5)', async () => {
    const e = await createEngine(kind);
    const rb = new ItemRingBuf(e, 16);
    // Storage words 8..15 hold three records; the ring's free space starts at word 14, so the copy wraps over them.
    /** Moves the ring's (empty) free space to start `words` words further on. */
    const advance = (words: number) => {
      rb.put(9, 0, new Uint32Array(words - 1));
      rb.get();
    };
    advance(14);
    const words = new Uint32Array(e.memory.buffer, rb.storageAddress, 16);
    words.set([H(1, 2), 11, 12, H(2, 0), H(3, 3), 31, 32, 33], 8);
    const records = new Uint32Array(e.memory.buffer, rb.storageAddress + 4 * 8, 8);
    expect(rb.putBatch(records)).toBe(8);
    expect(rb.space).toBe(8);
    expect(drain(rb)).toEqual([[1, 11, 12], [2], [3, 31, 32, 33]]);
    expect(rb.space).toBe(16);
    // The single-item put, from its own storage too: the header lands on the payload's last word.
    advance(8); // free space from word 14 again
    words.set([41, 42, 43, 44, 45], 10);
    expect(rb.put(4, 0, new Uint32Array(e.memory.buffer, rb.storageAddress + 40, 5))).toBe(0);
    expect(drain(rb)).toEqual([[4, 41, 42, 43, 44, 45]]);
  });

  it('get and peek into a view at memory byte 0 copy the data (item 6)', async () => {
    const e = await createEngine(kind);
    const rb = new RingBuf(e, 64);
    const irb = new ItemRingBuf(e, 64);
    const mem = new Uint8Array(e.memory.buffer);
    const header = mem.slice(0, 16);
    rb.put(Uint8Array.of(1, 2, 3, 4, 5));
    expect(rb.peek(mem, 0, 4)).toBe(4);
    expect(Array.from(mem.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    mem.fill(0, 0, 16);
    expect(rb.get(mem, 0, 4)).toBe(4);
    expect(Array.from(mem.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    mem.set(header);
    irb.put(7, 1, Uint32Array.of(70, 71));
    irb.put(8, 1, Uint32Array.of(80));
    const m32 = new Uint32Array(e.memory.buffer);
    expect(irb.get(m32, 0, 2)).toBe(2);
    expect([m32[0], m32[1]]).toEqual([70, 71]);
    expect(irb.getBatch(m32, 0, 4)).toBe(2);
    expect([m32[0] & 0xffff, m32[1]]).toEqual([8, 80]);
    mem.set(header);
    rb.put(Uint8Array.of(9));
    expect(rb.get(new Uint8Array(4))).toBe(2); // nothing was lost on the way
  });

  it('waitForSpace and waitForSpaceAsync with a bad ms leave pending writes pending (item 10)', async () => {
    const e = await createEngine(kind);
    const rb = new RingBuf(e, 16);
    rb.write(Uint8Array.of(1, 2, 3));
    for (const ms of [-1, Number.NaN]) {
      rejects(() => rb.waitForSpace(ms), RangeError, 'ms');
      rejects(() => rb.waitForSpaceAsync(ms), RangeError, 'ms');
    }
    rejects(() => rb.waitForSpace('1' as unknown as number), TypeError, 'ms');
    expect(rb.size).toBe(0); // still pending: not published
    expect(rb.flush()).toBe(3);
  });

  it('ItemRingBuf.get and put without an array refuse a window; get keeps the item (item 12)', async () => {
    const e = await createEngine(kind);
    const rb = new ItemRingBuf(e, 16);
    rb.put(1, 0);
    rejects(() => rb.get(undefined, -1, 'x' as unknown as number), RangeError, 'dst start', '0 to 0');
    rejects(() => rb.get(undefined, 0, 3), RangeError, 'dst end', '0 to 0');
    rejects(() => rb.put(2, 0, undefined, 1), RangeError, 'data start');
    expect(rb.size).toBe(1);
    expect(rb.get()).toBe(0);
    expect(rb.itemType).toBe(1);
  });

  it('a refused putBatch leaves the whole control block as it was, claim word included (item 12)', async () => {
    const e = await createEngine(kind);
    const rb = new ItemRingBuf(e, 16);
    rb.put(1, 0, Uint32Array.of(5));
    const cb = () => new Uint8Array(e.memory.buffer, rb.address, rb.storageAddress - rb.address).slice();
    const before = cb();
    const bad = Uint32Array.of(H(1, 3), 1);
    rejects(() => rb.putBatch(bad), RangeError, 'records');
    expect(cb()).toEqual(before);
    const inMemory = new Uint32Array(e.memory.buffer, rb.storageAddress + 64 * 4 + 4096, 2);
    inMemory.set(bad);
    rejects(() => rb.putBatch(inMemory), RangeError, 'records');
    expect(cb()).toEqual(before);
  });
});

describe('engines: clear errors for bad arguments (item 12)', () => {
  it('refuses what is not an engine, look-alikes and its own prototype included', async () => {
    const e = await createEngine('js');
    const lookalike = {
      core: internals(e).core,
      views: (e as unknown as { views: unknown }).views,
      alloc: internals(e).alloc.bind(e),
    };
    for (const bad of [
      null,
      undefined,
      5,
      {},
      lookalike,
      Object.create(Object.getPrototypeOf(e)),
      Object.create(null),
    ]) {
      rejects(() => new MpscPbuf(bad as Engine, 8), TypeError, 'engine', 'createEngine');
      rejects(() => new RingBuf(bad as Engine, 8), TypeError, 'engine', 'createEngine');
      rejects(() => new ItemRingBuf(bad as Engine, 8), TypeError, 'engine', 'createEngine');
    }
    rejects(() => new MpscPbuf(e, 8, [] as never), TypeError, 'options', 'an Array');
  });

  it('refuses bad kinds, options and option fields', async () => {
    const cases: [unknown, unknown, typeof TypeError | typeof RangeError, string][] = [
      [Object.create(null), undefined, TypeError, 'kind'],
      ['fast', undefined, TypeError, 'kind'],
      ['wasm', 5, TypeError, 'options'],
      ['wasm', 'fast', TypeError, 'options'],
      ['wasm', null, TypeError, 'options'],
      ['wasm', [], TypeError, 'options'],
      ['wasm', { memory: null }, TypeError, 'options.memory'],
      ['js', { memory: {} }, TypeError, 'options.memory'],
      ['wasm', { shared: null }, TypeError, 'options.shared'],
      ['wasm', { initialPages: null }, TypeError, 'options.initialPages'],
      ['wasm', { maximumPages: null }, TypeError, 'options.maximumPages'],
      ['wasm', { module: null }, TypeError, 'options.module'],
      ['wasm', { module: 5 }, TypeError, 'options.module'],
      ['wasm', { module: Uint8Array.of(1, 2, 3) }, TypeError, 'options.module'],
      ['wasm', { module: Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0) }, TypeError, 'options.module'],
      ['wasm', { module: new URL('../build/core.wasm', import.meta.url) }, TypeError, 'options.module'],
    ];
    for (const [kind, options, cls, arg] of cases) {
      let error: unknown;
      try {
        await createEngine(kind as 'wasm', options as never);
      } catch (err) {
        error = err;
      }
      expect(error, `${String(arg)} of ${JSON.stringify(options) ?? 'undefined'}`).toBeInstanceOf(cls);
      expect((error as Error).message.startsWith(arg), (error as Error).message).toBe(true);
    }
    // A missing file: an Error naming the option (and the file).
    const missing = await createEngine('wasm', { module: '/nonexistent/core.wasm' }).catch((err: Error) => err);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error).message).toMatch(/^options\.module .*nonexistent/);
    // The real cores still load from a file, a Module and bytes.
    const bytes = readFileSync(new URL('../build/core.unshared.wasm', import.meta.url));
    for (const module of [
      new URL('../build/core.unshared.wasm', import.meta.url),
      new WebAssembly.Module(bytes),
      bytes,
    ]) {
      const e = await createEngine('wasm', { module });
      expect(new RingBuf(e, 8).put(Uint8Array.of(1))).toBe(1);
    }
  });
});

// MpscPbuf API beyond Zephyr's suite: custom headers through getWlen, one
// buffer used through both engines, handles attached from a descriptor,
// memory growth, and the counters.

import { describe, expect, it } from 'vitest';
import { createEngine, MpscPbuf, RingBuf, SideOwnedError } from '../dist/bindings/index.js';
import { present } from './util/present.js';

/** A custom header: length in the top byte, an id in bits 2..23. */
const custom = (valid: number, len: number, id: number): number => (valid | (id << 2) | (len << 24)) >>> 0;
const customLen = (h: number): number => h >>> 24;

describe.each(['wasm', 'js'] as const)('MpscPbuf API on the %s engine', (kind) => {
  it('custom headers: getWlen is asked at commit, and drops and claims use that length', async () => {
    const engine = await createEngine(kind);
    const asked: number[] = [];
    const dropped: number[] = [];
    const pb: MpscPbuf = new MpscPbuf(engine, 10, {
      overwrite: true,
      getWlen: (off) => {
        asked.push(off);
        return customLen(pb.words[off]);
      },
      onDrop: (off) => dropped.push((pb.words[off] >>> 2) & 0x3fffff),
    });
    expect(pb.lengthBits).toBe(0);
    for (let id = 1; id <= 3; id++) {
      const p = present(pb.alloc(3));
      pb.words[p] = custom(0, 3, id);
      pb.commit(p);
    }
    expect(asked).toEqual([0, 3, 6]);
    pb.putWordExt(custom(1, 2, 4), 44); // wraps: the last word becomes a skip, packet 1 is dropped
    expect(dropped).toEqual([1]);
    pb.putData(new Uint32Array([custom(1, 3, 5), 0, 0])); // drops packet 2
    expect(dropped).toEqual([1, 2]);
    const ids: number[] = [];
    for (let c = pb.claim(); c !== null; c = pb.claim()) {
      ids.push((pb.words[c] >>> 2) & 0x3fffff);
      pb.free(c);
    }
    expect(ids).toEqual([3, 4, 5]);
    expect(asked).toEqual([0, 3, 6]); // not asked again: lengths were recorded
  });

  it('a getWlen result out of range is a RangeError, nothing changes', async () => {
    const engine = await createEngine(kind);
    const pb = new MpscPbuf(engine, 8, { getWlen: () => 9 });
    const p = present(pb.alloc(2));
    expect(() => pb.commit(p)).toThrow(/getWlen\(\) result must be an integer from 1 to 8, got 9/);
    expect(pb.claim()).toBeNull();
  });

  it('the length field width leaves the bits above it to the user', async () => {
    const engine = await createEngine(kind);
    const pb = new MpscPbuf(engine, 16, { lengthBits: 4 });
    expect(pb.lengthBits).toBe(4);
    const p = present(pb.alloc(5));
    pb.words[p] = (5 << 2) | (0xabcde << 6); // tag bits above the 4-bit length
    pb.commit(p);
    expect(pb.alloc(11)).toBe(5); // exactly 5 words were taken
    const c = present(pb.claim());
    expect(pb.words[c] >>> 6).toBe(0xabcde);
  });
});

describe('one MpscPbuf through both engines', () => {
  it.each([false, true])(
    'wasm creates, js attaches and produces, wasm consumes (shared memory: %s)',
    async (shared) => {
      const wasm = await createEngine('wasm', { shared });
      const js = await createEngine('js', { memory: wasm.memory });
      const a = new MpscPbuf(wasm, 12, { lengthBits: 9, overwrite: true });
      const drops: number[] = [];
      const b = MpscPbuf.attach(js, a.descriptor, { onDrop: (off) => drops.push(b.words[off] >>> 11) });
      expect(b.size).toBe(12);
      expect(b.overwrite).toBe(true);
      expect(b.lengthBits).toBe(9);
      for (let i = 0; i < 5; i++) b.putWordExt(1 | (2 << 2) | (i << 11), i);
      const p = present(a.alloc(3)); // pads the end, drops packets 0 and 1 through a handle without a callback
      a.words[p] = (3 << 2) | (9 << 11);
      b.commit(p);
      expect(drops).toEqual([]);
      expect(a.dropped).toBe(2);
      expect(b.putWord(1 | (1 << 2) | (7 << 11))).toBe(true); // the last free word
      expect(b.putWord(1 | (1 << 2) | (8 << 11))).toBe(true); // drops packet 2, through b: its callback
      expect(drops).toEqual([2]);
      const tags: number[] = [];
      for (let c = a.claim(); c !== null; c = a.claim()) {
        tags.push(a.words[c] >>> 11);
        // a owns the consumer side: b produces, but may not free (nothing changes).
        expect(() => b.free(c)).toThrow(SideOwnedError);
        a.free(c);
      }
      expect(tags).toEqual([3, 4, 9, 7, 8]);
      expect(b.dropped).toBe(3);
    },
  );
});

describe.each(['wasm', 'js'] as const)('memory growth on the %s engine', (kind) => {
  it('a buffer keeps working, and its words view follows, when the unshared memory grows', async () => {
    const engine = await createEngine(kind);
    const pb = new MpscPbuf(engine, 64, { lengthBits: 9 });
    const before = pb.words;
    pb.putWord(1 | (1 << 2) | (5 << 11));
    new RingBuf(engine, 4 << 20); // grows the memory: the old views detach
    expect(before.length).toBe(0);
    engine.memory.grow(1); // grown behind the library's back: its views detach too
    expect(pb.alloc(60, 5)).toBe(1); // a timed alloc is the first to touch the memory again
    pb.words[1] = 60 << 2;
    pb.commit(1);
    const c = present(pb.claim());
    expect(pb.words[c] >>> 11).toBe(5);
    pb.free(c);
    pb.free(present(pb.claim()));
    const p = present(pb.alloc(4));
    pb.words[p] = 4 << 2;
    pb.commit(p);
    expect(p).toBe(0);
    expect(pb.utilization).toBe((3 + 4) * 4); // the 3-word skip at the end counts until claimed over
  });
});

describe.each(['wasm', 'js'] as const)('a drop right after the memory grew behind the library (%s)', (kind) => {
  it('the callback still gets the right offset', async () => {
    const engine = await createEngine(kind);
    const seen: number[] = [];
    const pb: MpscPbuf = new MpscPbuf(engine, 4, { overwrite: true, lengthBits: 9, onDrop: (off) => seen.push(off) });
    for (let i = 0; i < 4; i++) pb.putWord(1 | (1 << 2));
    engine.memory.grow(1);
    expect(pb.putWord(1 | (1 << 2))).toBe(true);
    expect(seen).toEqual([0]);
  });
});

describe('counters and utilization', () => {
  it('lost counts refused puts, dropped counts dropped packets, maxUtilization keeps the peak', async () => {
    const engine = await createEngine('wasm');
    const pb = new MpscPbuf(engine, 4, { lengthBits: 9, maxUtilization: true });
    expect(pb.capacityBytes).toBe(16);
    for (let i = 0; i < 4; i++) expect(pb.putWord(1 | (1 << 2))).toBe(true);
    expect(pb.putWord(1 | (1 << 2))).toBe(false);
    expect(pb.putWordExt(1 | (2 << 2), 0)).toBe(false);
    expect(pb.putData(new Uint32Array([1 | (3 << 2), 0, 0]))).toBe(false);
    expect(pb.alloc(1)).toBeNull(); // alloc failures are the caller's to count
    expect(pb.lost).toBe(3);
    expect(pb.dropped).toBe(0);
    expect(pb.utilization).toBe(16);
    pb.free(present(pb.claim()));
    pb.free(present(pb.claim()));
    expect(pb.utilization).toBe(8);
    expect(pb.maxUtilization).toBe(16);
    expect(pb.isPending).toBe(true);
  });
});

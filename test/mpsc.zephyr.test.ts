// Zephyr's single-threaded mpsc_pbuf tests (tests/lib/mpsc_pbuf, suite
// log_buffer; docs/zephyr-tests.md part B, B1-B22) on both engines. The packet
// header is the suite's `valid:1 busy:1 len:9 data:21`; most tests run with a
// power-of-two size and with size - 1, as Zephyr's do.

import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, MpscPbuf, type Engine } from '../dist/bindings/index.js';
import { Prng, testSeed } from './util/prng.js';
import { present } from './util/present.js';

const LEN_BITS = 9;
const hdr = (valid: number, len: number, data: number): number => (valid | (len << 2) | (data << 11)) >>> 0;
const lenOf = (h: number): number => (h >>> 2) & 0x1ff;
const dataOf = (h: number): number => h >>> 11;
/** Zephyr's PUT_EXT_LEN on a 32-bit target (wasm32): header word + pointer. */
const EXT = 2;

/** A buffer with the suite's drop callback, which records (len, data) of each dropped packet. */
function init(engine: Engine, size: number, overwrite: boolean, extra: { maxUtilization?: boolean } = {}) {
  const drops: [number, number][] = [];
  const pb: MpscPbuf = new MpscPbuf(engine, size, {
    overwrite,
    lengthBits: LEN_BITS,
    onDrop: (off) => {
      const h = pb.words[off];
      expect(h & 1).toBe(0); // the callback sees valid cleared
      drops.push([lenOf(h), dataOf(h)]);
    },
    ...extra,
  });
  return { pb, drops };
}

/** Zephyr's saturate_buffer_uneven: wraps the indices, then fills with `len`-word packets; returns how many. */
function saturateUneven(pb: MpscPbuf, len: number): number {
  for (let i = 0; i < 3; i++) {
    const p = present(pb.alloc(len, 0));
    pb.words[p] = hdr(0, len, 0);
    pb.commit(p);
    pb.free(present(pb.claim()));
  }
  const repeat = 3 + Math.floor((pb.size - 3 * len) / len);
  for (let i = 0; i < repeat; i++) {
    const p = present(pb.alloc(len, 0));
    pb.words[p] = hdr(0, len, i);
    for (let j = 0; j < len - 1; j++) pb.words[p + 1 + j] = i + j;
    pb.commit(p);
  }
  return repeat;
}

function claimOk(pb: MpscPbuf): number {
  return present(pb.claim());
}

describe.each(['wasm', 'js'] as const)('Zephyr mpsc_pbuf tests on the %s engine', (kind) => {
  let engine: Engine;
  let shared: Engine;
  beforeAll(async () => {
    engine = await createEngine(kind);
    shared = await createEngine(kind, { shared: true });
  });

  describe.each([true, false])('pow2 = %s', (pow2) => {
    const s = (n: number): number => (pow2 ? n : n - 1);

    it('B1 item_put_no_overwrite: put_word, claim, free, 2*size times', () => {
      const { pb } = init(engine, s(4), false);
      for (let i = 0; i < 2 * pb.size; i++) {
        expect(pb.putWord(hdr(1, 1, i))).toBe(true);
        const p = claimOk(pb);
        expect(dataOf(pb.words[p])).toBe(i);
        pb.free(p);
      }
      expect(pb.claim()).toBeNull();
    });

    it('B2 item_put_overwrite: all size words usable, one drop of the oldest', () => {
      const { pb, drops } = init(engine, s(4), true);
      for (let i = 0; i <= pb.size; i++) expect(pb.putWord(hdr(1, 1, i))).toBe(true);
      expect(drops).toEqual([[1, 0]]);
      expect(pb.dropped).toBe(1);
    });

    it('B3 item_put_saturate: the word beyond capacity is lost (reported and counted), the rest in order', () => {
      const { pb } = init(engine, s(4), false);
      expect(pb.isPending).toBe(false);
      for (let i = 0; i < Math.floor(pb.size / 2); i++) {
        pb.putWord(hdr(1, 1, i));
        expect(pb.isPending).toBe(true);
        const p = claimOk(pb);
        expect(dataOf(pb.words[p])).toBe(i);
        pb.free(p);
      }
      for (let i = 0; i < pb.size; i++) expect(pb.putWord(hdr(1, 1, i))).toBe(true);
      expect(pb.putWord(hdr(1, 1, pb.size))).toBe(false); // Zephyr: silently lost
      expect(pb.lost).toBe(1);
      for (let i = 0; i < pb.size; i++) {
        const p = claimOk(pb);
        expect(dataOf(pb.words[p])).toBe(i);
        pb.free(p);
      }
      expect(pb.claim()).toBeNull();
    });

    it('B4 benchmark_item_put (functional part): size-1 words in, all out in order', () => {
      const { pb } = init(engine, s(512), true);
      for (let i = 0; i < pb.size - 1; i++) pb.putWord(hdr(1, 1, i));
      for (let i = 0; i < pb.size - 1; i++) {
        const p = claimOk(pb);
        expect(dataOf(pb.words[p])).toBe(i);
        pb.free(p);
      }
      expect(pb.claim()).toBeNull();
    });

    it('B5 item_put_ext_no_overwrite: put_word_ext, claim, free, 2*size times', () => {
      const { pb } = init(engine, s(8), false);
      for (let i = 0; i < 2 * pb.size; i++) {
        expect(pb.putWordExt(hdr(1, EXT, i), i)).toBe(true);
        const p = claimOk(pb);
        expect(dataOf(pb.words[p])).toBe(i);
        expect(pb.words[p + 1]).toBe(i);
        pb.free(p);
      }
      expect(pb.claim()).toBeNull();
    });

    it('B6 item_put_word_ext_overwrite: one drop of the oldest', () => {
      const { pb, drops } = init(engine, s(8), true);
      for (let i = 0; i < 1 + Math.floor(pb.size / EXT); i++) pb.putWordExt(hdr(1, EXT, i), i);
      expect(drops).toEqual([[EXT, 0]]);
    });

    it('B7 item_put_ext_saturate: fill without consuming, then all come out in order', () => {
      const { pb } = init(engine, s(8), false);
      const repeat = Math.floor(pb.size / EXT);
      for (let i = 0; i < Math.floor(repeat / 2); i++) {
        pb.putWordExt(hdr(1, EXT, i), i);
        const p = claimOk(pb);
        expect(dataOf(pb.words[p])).toBe(i);
        pb.free(p);
      }
      for (let i = 0; i < repeat; i++) expect(pb.putWordExt(hdr(1, EXT, i), i)).toBe(true);
      for (let i = 0; i < repeat; i++) {
        const p = claimOk(pb);
        expect(pb.words[p + 1]).toBe(i);
        expect(dataOf(pb.words[p])).toBe(i);
        pb.free(p);
      }
      expect(pb.claim()).toBeNull();
    });

    it('B8 benchmark_item_put_ext (functional part)', () => {
      const { pb } = init(engine, s(512), false);
      const n = Math.floor((pb.size - 1) / EXT);
      for (let i = 0; i < n; i++) expect(pb.putWordExt(hdr(1, EXT, i), i)).toBe(true);
      for (let i = 0; i < n; i++) {
        const p = claimOk(pb);
        expect(dataOf(pb.words[p])).toBe(i);
        pb.free(p);
      }
      expect(pb.claim()).toBeNull();
    });

    it('B9 benchmark_item_put_data (functional part): header + pointer through put_data', () => {
      const { pb } = init(engine, s(512), false);
      const n = Math.floor((pb.size - 1) / EXT);
      const item = new Uint32Array(EXT);
      for (let i = 0; i < n; i++) {
        item[0] = hdr(1, EXT, i);
        item[1] = i;
        expect(pb.putData(item)).toBe(true);
      }
      for (let i = 0; i < n; i++) {
        const p = claimOk(pb);
        expect(pb.words[p + 1]).toBe(i);
        pb.free(p);
      }
      expect(pb.claim()).toBeNull();
    });

    it('B10 put_data_overwrite: one drop of the oldest', () => {
      const { pb, drops } = init(engine, s(8), true);
      const item = new Uint32Array(EXT);
      for (let i = 0; i < 1 + Math.floor(pb.size / EXT); i++) {
        item[0] = hdr(1, EXT, i);
        item[1] = i;
        pb.putData(item);
      }
      expect(drops).toEqual([[EXT, 0]]);
    });

    it('B11 item_alloc_commit: 1024 rounds of 5-word packets, with skip padding at the end', () => {
      const { pb } = init(engine, s(16), false);
      for (let i = 0; i < 1024; i++) {
        const p = present(pb.alloc(5, 0));
        pb.words[p] = hdr(0, 5, 0);
        for (let j = 0; j < 4; j++) pb.words[p + 1 + j] = i + j;
        pb.commit(p);
        const c = claimOk(pb);
        expect(lenOf(pb.words[c])).toBe(5);
        for (let j = 0; j < 4; j++) expect(pb.words[c + 1 + j]).toBe(i + j);
        pb.free(c);
      }
    });

    it('B13 item_alloc_commit_saturate: full, then room again after one free', () => {
      const { pb } = init(engine, s(32), false);
      saturateUneven(pb, 5);
      expect(pb.alloc(5, 0)).toBeNull();
      pb.free(claimOk(pb));
      expect(pb.alloc(5, 0)).not.toBeNull();
    });

    it('B14 item_alloc_preemption: delivery in allocation order, not commit order', () => {
      const { pb } = init(engine, s(512), false);
      const p0 = present(pb.alloc(10, 0));
      pb.words[p0] = hdr(0, 10, 0);
      expect(pb.claim()).toBeNull();
      const p1 = present(pb.alloc(20, 0));
      pb.words[p1] = hdr(0, 20, 0);
      pb.commit(p1);
      expect(pb.claim()).toBeNull();
      pb.commit(p0);
      let c = claimOk(pb);
      expect(lenOf(pb.words[c])).toBe(10);
      pb.free(c);
      c = claimOk(pb);
      expect(lenOf(pb.words[c])).toBe(20);
      pb.free(c);
      expect(pb.claim()).toBeNull();
    });

    it('B15 overwrite: allocations drop the oldest packets, which the callback sees', () => {
      const { pb, drops } = init(engine, s(32), true);
      const n = saturateUneven(pb, 5);
      expect(n).toBe(6);
      expect(drops).toEqual([]);
      let p = present(pb.alloc(6, 0));
      pb.words[p] = hdr(0, 6, 0);
      pb.commit(p);
      expect(drops).toEqual([
        [5, 0],
        [5, 1],
      ]);
      p = present(pb.alloc(9, 0));
      pb.words[p] = hdr(0, 9, 0);
      pb.commit(p);
      expect(drops).toEqual([
        [5, 0],
        [5, 1],
        [5, 2],
      ]);
      for (let i = 0; i < n - drops.length; i++) {
        const c = claimOk(pb);
        const data = dataOf(pb.words[c]);
        expect(lenOf(pb.words[c])).toBe(5);
        expect(data).toBe(i + drops.length);
        for (let j = 0; j < 4; j++) expect(pb.words[c + 1 + j]).toBe(data + j);
        pb.free(c);
      }
      for (const len of [6, 9]) {
        const c = claimOk(pb);
        expect(lenOf(pb.words[c])).toBe(len);
        pb.free(c);
      }
      expect(pb.claim()).toBeNull();
    });

    it.each([
      [5, 6, 2],
      [1, 3, 3],
    ])(
      'B16/B17 overwrite_while_claimed (fill %i, alloc %i): the claimed packet is jumped over',
      (fill, want, expDrops) => {
        const { pb, drops } = init(engine, s(32), true);
        const n = saturateUneven(pb, fill);
        const p0 = claimOk(pb);
        const d0 = dataOf(pb.words[p0]);
        expect(lenOf(pb.words[p0])).toBe(fill);
        const p = present(pb.alloc(want, 0));
        expect(drops).toEqual(Array.from({ length: expDrops }, (_, k) => [fill, d0 + 1 + k]));
        pb.words[p] = hdr(0, want, 0);
        pb.commit(p);
        pb.free(p0); // a producer jumped over it: it becomes a skip packet
        for (let i = 0; i < n - expDrops - 1; i++) {
          const c = claimOk(pb);
          expect(lenOf(pb.words[c])).toBe(fill);
          expect(dataOf(pb.words[c])).toBe(i + expDrops + 1);
          pb.free(c);
        }
        const last = claimOk(pb);
        expect(lenOf(pb.words[last])).toBe(want);
        // Zephyr claims again without freeing; here one claim at a time is enforced.
        expect(() => pb.claim()).toThrow(TypeError);
        pb.free(last);
        expect(pb.claim()).toBeNull();
      },
    );
  });

  it.each([false, true])(
    'B12 item_max_alloc (overwrite %s): the whole buffer, twice; more is rejected',
    (overwrite) => {
      const { pb } = init(engine, 8, overwrite);
      for (let round = 0; round < 2; round++) {
        const p = present(pb.alloc(8, 0));
        expect(p).toBe(0);
        pb.words[p] = hdr(0, 8, round);
        pb.commit(p);
        pb.free(claimOk(pb));
      }
      // Zephyr returns NULL; here a request larger than the buffer is a RangeError.
      expect(() => pb.alloc(9, 0)).toThrow(RangeError);
    },
  );

  it.each([
    [30, "Zephyr's consumer"],
    [3, 'a slow consumer, so that packets are dropped'],
  ])(
    'B18 overwrite_consistency (claims per round up to %i: %s): every packet claimed or dropped once, in order',
    (maxClaims) => {
      const seed = testSeed();
      const rng = new Prng(seed);
      let expected = 0;
      const validate = (h: number, at: number, words: Uint32Array): void => {
        if (dataOf(h) !== expected) throw new Error(`seed ${seed}: got packet ${dataOf(h)}, expected ${expected}`);
        for (let j = 1; j < lenOf(h); j++) {
          if (words[at + j] !== (expected * 31 + j) >>> 0)
            throw new Error(`seed ${seed}: payload of ${expected} corrupted`);
        }
        expected++;
      };
      const pb: MpscPbuf = new MpscPbuf(engine, 512, {
        overwrite: true,
        lengthBits: LEN_BITS,
        onDrop: (off) => validate(pb.words[off], off, pb.words),
      });
      let id = 0;
      while (id < 50000) {
        const held = rng.chance(2 / 5) ? pb.claim() : null;
        if (held !== null) validate(pb.words[held], held, pb.words);
        for (let k = rng.int(1, 15); k > 0; k--) {
          const wlen = rng.int(1, 15);
          const p = pb.alloc(wlen, 0);
          if (p === null) throw new Error(`seed ${seed}: alloc(${wlen}) failed at id ${id}`);
          const w = pb.words;
          w[p] = hdr(0, wlen, id);
          for (let j = 1; j < wlen; j++) w[p + j] = (id * 31 + j) >>> 0;
          pb.commit(p);
          id++;
        }
        if (held !== null) pb.free(held);
        for (let k = rng.int(1, maxClaims); k > 0; k--) {
          const c = pb.claim();
          if (c === null) continue;
          validate(pb.words[c], c, pb.words);
          pb.free(c);
        }
      }
      for (let c = pb.claim(); c !== null; c = pb.claim()) {
        validate(pb.words[c], c, pb.words);
        pb.free(c);
      }
      expect(expected).toBe(id);
      if (maxClaims < 30) expect(pb.dropped).toBeGreaterThan(1000);
    },
  );

  describe('B19 pending_alloc, single-threaded', () => {
    it.each([false, true])('a timed alloc on a full overwrite buffer never drops (shared memory: %s)', (isShared) => {
      const { pb, drops } = init(isShared ? shared : engine, 511, true);
      const n = saturateUneven(pb, 1);
      expect(n).toBe(511);
      const before = pb.inspect();
      expect(pb.alloc(EXT, 1)).toBeNull(); // times out (shared) or fails at once (unshared)
      expect(drops).toEqual([]);
      expect(pb.inspect()).toEqual(before);
      expect(pb.alloc(EXT, 0)).not.toBeNull(); // no wait: drops, as in an ISR
      expect(drops.length).toBeGreaterThan(0);
    });

    it.each([false, true])('allocAsync waits for frees and then allocates (shared memory: %s)', async (isShared) => {
      const { pb, drops } = init(isShared ? shared : engine, 511, true);
      const n = saturateUneven(pb, 1);
      const a = pb.allocAsync(EXT, 1000);
      const b = pb.allocAsync(EXT, 1000);
      for (let i = 0; i < n; i++) pb.free(claimOk(pb));
      const [pa, pbb] = await Promise.all([a, b]);
      expect(pa).not.toBe(pbb);
      pb.words[present(pa)] = hdr(0, EXT, 1);
      pb.words[present(pbb)] = hdr(0, EXT, 2);
      pb.commit(present(pbb));
      pb.commit(present(pa));
      const got: number[] = [];
      for (let c = pb.claim(); c !== null; c = pb.claim()) {
        got.push(dataOf(pb.words[c]));
        pb.free(c);
      }
      expect(got.sort()).toEqual([1, 2]);
      expect(drops).toEqual([]);
    });

    it('allocAsync gives up after its timeout without dropping', async () => {
      const { pb, drops } = init(shared, 16, true);
      for (let i = 0; i < 16; i++) pb.putWord(hdr(1, 1, i));
      expect(await pb.allocAsync(4, 5)).toBeNull();
      expect(drops).toEqual([]);
    });
  });

  it('B20 put_while_claim: overwrite jumps over the claimed word, which becomes a skip when freed', () => {
    const { pb, drops } = init(engine, 4, true);
    const ch = (c: string): number => c.charCodeAt(0);
    for (const c of 'abcd') pb.putWord(hdr(1, 1, ch(c)));
    expect(drops).toEqual([]);
    pb.putWord(hdr(1, 1, ch('e')));
    expect(drops).toEqual([[1, ch('a')]]);
    const b = claimOk(pb);
    expect(dataOf(pb.words[b])).toBe(ch('b'));
    pb.putWord(hdr(1, 1, ch('f')));
    pb.putWord(hdr(1, 1, ch('g')));
    expect(drops).toEqual([
      [1, ch('a')],
      [1, ch('c')],
      [1, ch('d')],
    ]);
    pb.free(b);
    for (const c of 'efg') {
      const p = claimOk(pb);
      expect(dataOf(pb.words[p])).toBe(ch(c));
      pb.free(p);
    }
    expect(pb.claim()).toBeNull();
  });

  it('B21 utilization: exact usage in bytes, peak only with maxUtilization', () => {
    let { pb } = init(engine, 512, false);
    expect(pb.capacityBytes).toBe(2048); // Zephyr reports (size-1)*4
    expect(pb.utilization).toBe(0);
    expect(pb.maxUtilization).toBeUndefined(); // Zephyr: -ENOTSUP
    ({ pb } = init(engine, 512, false, { maxUtilization: true }));
    const check = (now: number, max: number): void => {
      expect(pb.utilization).toBe(now * 4);
      expect(pb.maxUtilization).toBe(max * 4);
    };
    check(0, 0);
    pb.putWord(hdr(1, 1, 0));
    check(1, 1);
    pb.putWordExt(hdr(1, EXT, 0), 0);
    check(1 + EXT, 1 + EXT);
    let c = claimOk(pb);
    check(1 + EXT, 1 + EXT);
    pb.free(c);
    c = claimOk(pb);
    check(EXT, 1 + EXT);
    pb.free(c);
    check(0, 1 + EXT);
    pb.putData(new Uint32Array([hdr(1, EXT, 0), 0]));
    check(EXT, 1 + EXT);
    pb.free(claimOk(pb));
    check(0, 1 + EXT);
    ({ pb } = init(engine, 512, false, { maxUtilization: true }));
    for (let i = 0; i < Math.floor(511 / 5); i++) {
      const p = present(pb.alloc(5, 0));
      pb.words[p] = hdr(0, 5, 0);
      pb.commit(p);
      check(5 * (i + 1), 5 * (i + 1));
    }
    expect(pb.alloc(5, 0)).toBeNull();
  });

  it('B22 alloc_in_spinlock: where the thread may not block, a timed alloc is a no-wait one', () => {
    const first = new MpscPbuf(shared, 32, { lengthBits: LEN_BITS });
    expect(first.alloc(32, 10)).toBe(0);
    // A second handle on the same buffer that must not block (Zephyr: a spinlock is held).
    const locked = MpscPbuf.attach(shared, first.descriptor, { mayBlock: false });
    const t0 = performance.now();
    expect(locked.alloc(32, 5000)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(2500); // it did not wait for the 5 s
  });
});

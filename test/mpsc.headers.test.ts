// Packet headers are user-writable words, so the core must never follow a
// length it did not write or check (issue 17, item 2). Every header that a
// put or a commit hands over is validated (state bits and length) and a bad
// one is refused with a RangeError naming the value and the limit, the
// buffer unchanged; lengths and states the core follows later live in its
// own table, so a header scribbled after the commit changes nothing the core
// does (checked against a twin buffer whose headers are left alone).

import { beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine, MpscPbuf } from '../dist/bindings/index.js';
import { Prng } from './util/prng.js';
import { present } from './util/present.js';

const hdr = (valid: number, len: number, tag: number): number => (valid | (len << 2) | (tag << 11)) >>> 0;
const CB_BYTES = 192;

describe.each(['wasm', 'js'] as const)('MpscPbuf headers on the %s engine', (kind) => {
  let engine: Engine;
  let pb: MpscPbuf;

  /** Everything the buffer owns: control block, storage and length table. */
  const snapshot = (b: MpscPbuf = pb): Uint8Array =>
    new Uint8Array(engine.memory.buffer).slice(b.address, b.address + CB_BYTES + b.size * 8);

  const unchanged = (f: () => unknown, message: RegExp, b: MpscPbuf = pb): void => {
    const before = snapshot(b);
    expect(f).toThrow(RangeError);
    expect(f).toThrow(message);
    expect(snapshot(b)).toEqual(before);
  };

  beforeEach(async () => {
    engine = await createEngine(kind);
    pb = new MpscPbuf(engine, 16, { lengthBits: 9 });
    pb.putWord(hdr(1, 1, 1));
  });

  it('putData refuses a header whose length field is not the packet length, or whose state bits are not "valid"', () => {
    const wide = new MpscPbuf(engine, 16);
    unchanged(
      () => wide.putData(new Uint32Array([1 | (1000 << 2), 1, 2])),
      /the length field of the putData header must be 3, got 1000/,
      wide,
    );
    unchanged(() => pb.putData(new Uint32Array([hdr(1, 2, 5), 1, 2])), /must be 3, got 2/);
    unchanged(
      () => pb.putData(new Uint32Array([hdr(0, 3, 5), 1, 2])),
      /the putData header must have the valid bit set and the busy bit clear \(bits 1\.\.0 = 01\), got 00/,
    );
    unchanged(() => pb.putData(new Uint32Array([hdr(1, 3, 5) | 2, 1, 2])), /got 11/);
    expect(pb.putData(new Uint32Array([hdr(1, 3, 5), 1, 2]))).toBe(true);
  });

  it('putWord and putWordExt refuse 0, 3, 2**31 and wrong lengths: none of them can wedge the buffer', async () => {
    for (const word of [0, 3, 2 ** 31, hdr(1, 2, 0), hdr(0, 1, 0), hdr(1, 1, 0) | 2]) {
      unchanged(() => pb.putWord(word), /the putWord header/);
    }
    unchanged(() => pb.putWord(2 ** 31 + 1), /the length field of the putWord header must be 1, got 0/);
    unchanged(() => pb.putWord(hdr(1, 2, 0)), /must be 1, got 2/);
    unchanged(() => pb.putWordExt(hdr(1, 1, 0), 7), /the length field of the putWordExt header must be 2, got 1/);
    unchanged(() => pb.putWordExt(0, 7), /the putWordExt header must have the valid bit set/);
    // The same with overwrite on: still refused, nothing accepted and lost.
    const ow = new MpscPbuf(engine, 4, { overwrite: true, lengthBits: 9 });
    for (const word of [0, 3, 2 ** 31]) unchanged(() => ow.putWord(word), /the putWord header/, ow);
    for (let i = 0; i < 32; i++) expect(ow.putWord(hdr(1, 1, i))).toBe(true);
    const tags: number[] = [];
    for (let c = ow.claim(); c !== null; c = ow.claim()) {
      tags.push(ow.words[c] >>> 11);
      ow.free(c);
    }
    expect(tags).toEqual([28, 29, 30, 31]);
    expect(ow.dropped).toBe(28);
  });

  it('commit refuses a length field that differs from what alloc granted, shorter or longer', () => {
    const p = present(pb.alloc(3));
    pb.words[p] = hdr(0, 2, 3);
    unchanged(() => pb.commit(p), /packet 1 was allocated with 3 words, its length field says 2/);
    pb.words[p] = hdr(0, 4, 3);
    unchanged(() => pb.commit(p), /packet 1 was allocated with 3 words, its length field says 4/);
    pb.words[p] = hdr(0, 3, 3);
    pb.commit(p);
    expect(present(pb.claim())).toBe(0);
    pb.free(0);
    expect(present(pb.claim())).toBe(p);
  });

  it('commit refuses a packet that was never allocated, even when its header and stale table entry look right', () => {
    const p = present(pb.alloc(3));
    pb.words[p] = hdr(0, 3, 3);
    pb.commit(p);
    // A 6-word packet over where p was: its payload word 1 looks like a 3-word uncommitted header.
    pb.free(present(pb.claim()));
    pb.free(present(pb.claim()));
    const q = present(pb.alloc(6));
    pb.words[q] = hdr(0, 6, 4);
    if (q + 3 < 16) {
      pb.words[q + 3] = hdr(0, 3, 9);
      unchanged(() => pb.commit(q + 3), /is not an allocated, uncommitted packet/);
    }
    pb.commit(q);
  });

  it('a custom getWlen that returns garbage is refused, the buffer unchanged', async () => {
    let answer: unknown = 3;
    const c = new MpscPbuf(engine, 16, { getWlen: () => answer as number });
    const p = present(c.alloc(3));
    c.words[p] = 0;
    for (const [bad, message] of [
      [2, /packet 0 was allocated with 3 words, getWlen\(\) returned 2/],
      [4, /packet 0 was allocated with 3 words, getWlen\(\) returned 4/],
      [0, /getWlen\(\) result must be an integer from 1 to 16, got 0/],
      [17, /getWlen\(\) result must be an integer from 1 to 16, got 17/],
      [1.5, /getWlen\(\) result/],
      [NaN, /getWlen\(\) result/],
      [-1, /getWlen\(\) result/],
    ] as const) {
      answer = bad;
      unchanged(() => c.commit(p), message, c);
    }
    answer = '3';
    const before = snapshot(c);
    expect(() => c.commit(p)).toThrow(TypeError);
    expect(snapshot(c)).toEqual(before);
    answer = 3;
    c.commit(p);
    expect(c.claim()).toBe(p);
  });

  for (const overwrite of [false, true]) {
    it(`headers scribbled after the commit change nothing the core does (overwrite ${overwrite})`, () => {
      // Two buffers get the same operations; in one, every committed header
      // is overwritten with garbage right after its commit and after each claim.
      const opts = { lengthBits: 9, overwrite };
      const clean = new MpscPbuf(engine, 32, opts);
      const dirty = new MpscPbuf(engine, 32, opts);
      const rng = new Prng(0x17c0de + (overwrite ? 1 : 0));
      const garbage = [0, 1, 2, 3, 2 ** 31, 0xffffffff, 1 | (1000 << 2), 2 | (5 << 2), hdr(1, 31, 0)];
      const scribble = (off: number) => {
        dirty.words[off] = garbage[rng.int(0, garbage.length - 1)];
      };
      let claimed: number | null = null;
      for (let step = 0; step < 4000; step++) {
        const op = rng.int(0, 5);
        if (op <= 1) {
          const len = rng.int(1, 6);
          const a = clean.alloc(len);
          const b = dirty.alloc(len);
          expect(b).toBe(a);
          if (a !== null && b !== null) {
            clean.words[a] = hdr(0, len, step);
            dirty.words[b] = hdr(0, len, step);
            clean.commit(a);
            dirty.commit(b);
            scribble(b);
          }
        } else if (op === 2) {
          const len = rng.int(1, 5);
          const d = new Uint32Array(len);
          d[0] = hdr(1, len, step);
          expect(dirty.putData(d)).toBe(clean.putData(d));
          const at = dirty.inspect().tmpWr;
          scribble((at - len + 32) % 32);
        } else if (op <= 4 && claimed === null) {
          const a = clean.claim();
          const b = dirty.claim();
          expect(b).toBe(a);
          claimed = b;
          if (b !== null) scribble(b);
        } else if (claimed !== null) {
          clean.free(claimed);
          dirty.free(claimed);
          claimed = null;
        }
        expect(dirty.inspect()).toEqual(clean.inspect());
        expect(dirty.dropped).toBe(clean.dropped);
        const { wr, tmpWr, rd, tmpRd } = dirty.inspect();
        for (const i of [wr, tmpWr, rd, tmpRd]) expect(i).toBeLessThan(32);
      }
    });
  }
});

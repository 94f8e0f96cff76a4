// Bad input to MpscPbuf: every rejected call throws a TypeError or RangeError
// that names the argument, and leaves the buffer exactly as it was (the
// whole memory, the buffer's neighbours included, is compared byte for byte). Also: a drop
// callback that throws leaves the buffer consistent.

import { beforeEach, describe, expect, it } from 'vitest';
import { createEngine, MpscPbuf, type Engine } from '../dist/bindings/index.js';
import { memoryCopy } from './util/guarded.js';
import { present } from './util/present.js';

const hdr = (valid: number, len: number, tag: number): number => (valid | (len << 2) | (tag << 11)) >>> 0;

describe.each(['wasm', 'js'] as const)('MpscPbuf bad input on the %s engine', (kind) => {
  let engine: Engine;
  let pb: MpscPbuf;
  let pending: number;
  let claimed: number;

  const unchanged = (f: () => unknown, type: typeof TypeError | typeof RangeError, message: RegExp): void => {
    const before = memoryCopy(engine);
    expect(f).toThrow(type);
    expect(f).toThrow(message);
    expect(memoryCopy(engine)).toEqual(before);
  };

  beforeEach(async () => {
    engine = await createEngine(kind);
    pb = new MpscPbuf(engine, 16, { lengthBits: 9 });
    // Some state to keep: a claimed packet, a committed one and an allocated one.
    pb.putWordExt(hdr(1, 2, 1), 11);
    pb.putWord(hdr(1, 1, 2));
    claimed = present(pb.claim());
    pending = present(pb.alloc(3, 0));
    pb.words[pending] = hdr(0, 3, 3);
  });

  it('rejects bad constructor arguments', () => {
    expect(() => new MpscPbuf(engine, 0)).toThrow(/size must be an integer from 1 to 1073741823, got 0/);
    expect(() => new MpscPbuf(engine, 1.5)).toThrow(RangeError);
    expect(() => new MpscPbuf(engine, 2 ** 30)).toThrow(RangeError);
    expect(() => new MpscPbuf(engine, '8' as unknown as number)).toThrow(TypeError);
    expect(() => new MpscPbuf(engine, 8, { lengthBits: 0 })).toThrow(
      /options.lengthBits must be an integer from 1 to 30/,
    );
    expect(() => new MpscPbuf(engine, 8, { lengthBits: 31 })).toThrow(RangeError);
    expect(() => new MpscPbuf(engine, 8, { overwrite: 1 as unknown as boolean })).toThrow(
      /options.overwrite must be a boolean/,
    );
    expect(() => new MpscPbuf(engine, 8, { maxUtilization: 'y' as unknown as boolean })).toThrow(TypeError);
    expect(() => new MpscPbuf(engine, 8, { onDrop: 5 as unknown as () => void })).toThrow(
      /options.onDrop must be a function/,
    );
    expect(() => new MpscPbuf(engine, 8, { getWlen: {} as unknown as () => number })).toThrow(
      /options.getWlen must be a function/,
    );
    expect(() => new MpscPbuf(engine, 8, { mayBlock: 0 as unknown as boolean })).toThrow(
      /options.mayBlock must be a boolean/,
    );
    expect(() => new MpscPbuf(engine, 8, null as unknown as object)).toThrow(/options must be an object/);
  });

  it("rejects bad allocations, Zephyr's alloc(0) and alloc(wlen > size) included", async () => {
    unchanged(() => pb.alloc(0), RangeError, /wlen must be an integer from 1 to 16, got 0/);
    unchanged(() => pb.alloc(17), RangeError, /wlen .* got 17/);
    unchanged(() => pb.alloc(1.5), RangeError, /wlen/);
    unchanged(() => pb.alloc('2' as unknown as number), TypeError, /wlen must be a number/);
    unchanged(() => pb.alloc(NaN), RangeError, /wlen/);
    unchanged(() => pb.alloc(2, -1), RangeError, /ms must be from 0 to Infinity, got -1/);
    unchanged(() => pb.alloc(2, NaN), RangeError, /\bms\b/);
    unchanged(() => pb.alloc(2, '5' as unknown as number), TypeError, /ms must be a number/);
    const before = memoryCopy(engine);
    await expect(pb.allocAsync(0)).rejects.toThrow(RangeError);
    await expect(pb.allocAsync(2, -5)).rejects.toThrow(/\bms\b/);
    expect(memoryCopy(engine)).toEqual(before);
  });

  it('rejects commits of anything but an allocated, uncommitted packet', () => {
    unchanged(() => pb.commit(-1), RangeError, /packet must be an integer from 0 to 15, got -1/);
    unchanged(() => pb.commit(16), RangeError, /packet/);
    unchanged(() => pb.commit(0.5), RangeError, /packet/);
    unchanged(() => pb.commit(claimed), RangeError, /packet 0 is not an allocated, uncommitted packet/); // claimed
    unchanged(() => pb.commit(2), RangeError, /packet 2 is not an allocated, uncommitted packet/); // committed
    pb.words[12] = hdr(0, 2, 0);
    unchanged(() => pb.commit(12), RangeError, /packet 12 is not an allocated/); // free space
    const h = pb.words[pending];
    pb.words[pending] = hdr(0, 0, 3);
    unchanged(() => pb.commit(pending), RangeError, /packet 3 was allocated with 3 words, its length field says 0/);
    pb.words[pending] = hdr(0, 14, 3);
    unchanged(() => pb.commit(pending), RangeError, /allocated with 3 words, its length field says 14/);
    pb.words[pending] = hdr(0, 5, 3); // fits the storage, but runs past what was allocated
    unchanged(() => pb.commit(pending), RangeError, /allocated with 3 words, its length field says 5/);
    pb.words[pending] = h;
    pb.commit(pending); // the real one still works
  });

  it('rejects frees of anything but the claimed packet, and a second claim', () => {
    unchanged(() => pb.free(2), RangeError, /packet 2 is not the claimed packet/);
    unchanged(() => pb.free(pending), RangeError, /not the claimed packet/);
    unchanged(() => pb.free(16), RangeError, /packet must be an integer from 0 to 15/);
    unchanged(() => pb.free(undefined as unknown as number), TypeError, /packet must be a number/);
    unchanged(() => pb.claim(), TypeError, /a claimed packet has not been freed yet/);
    pb.free(claimed);
    unchanged(() => pb.free(claimed), RangeError, /not the claimed packet/); // freed twice
  });

  it('rejects bad words and data', () => {
    unchanged(() => pb.putWord(-1), RangeError, /word must be an integer from 0 to 4294967295, got -1/);
    unchanged(() => pb.putWord(2 ** 32), RangeError, /word/);
    unchanged(() => pb.putWord(1.5), RangeError, /word/);
    unchanged(() => pb.putWordExt(hdr(1, 2, 0), -1), RangeError, /ext must be an integer/);
    unchanged(
      () => pb.putData(new Uint32Array(0)),
      RangeError,
      /putData length \(end - start\) must be an integer from 1 to 16, got 0/,
    );
    unchanged(() => pb.putData(new Uint32Array(17)), RangeError, /got 17/);
    unchanged(() => pb.putData(new Uint32Array(4), 3, 2), RangeError, /src end/);
    unchanged(() => pb.putData([1, 2] as unknown as Uint32Array), TypeError, /src must be a Uint32Array, got an Array/);
    unchanged(() => pb.putData(new Uint8Array(4) as unknown as Uint32Array), TypeError, /src must be a Uint32Array/);
    const tiny = new MpscPbuf(engine, 1);
    expect(() => tiny.putWordExt(1, 2)).toThrow(/putWordExt needs a buffer of at least 2 words/);
  });

  it('rejects bad descriptors', async () => {
    const other = await createEngine(kind);
    expect(() => MpscPbuf.attach(engine, { ...pb.descriptor, type: 'RingBuf' })).toThrow(
      /descriptor.type must be 'MpscPbuf'/,
    );
    expect(() => MpscPbuf.attach(other, pb.descriptor)).toThrow(/descriptor.memory must be the engine's memory/);
    expect(() => MpscPbuf.attach(engine, { ...pb.descriptor, address: pb.address + 64 })).toThrow(
      /is not the start of a live MpscPbuf/,
    );
    const custom = new MpscPbuf(engine, 8, { getWlen: () => 1 });
    expect(() => MpscPbuf.attach(engine, custom.descriptor)).toThrow(/options.getWlen is required/);
  });
});

describe.each(['wasm', 'js'] as const)('a throwing drop callback on the %s engine', (kind) => {
  /** Four 2-word packets fill an 8-word overwrite buffer; the callback throws while `throwing` is set. */
  async function full(throwing: { on: boolean }) {
    const engine = await createEngine(kind);
    const seen: number[] = [];
    const pb: MpscPbuf = new MpscPbuf(engine, 8, {
      overwrite: true,
      lengthBits: 9,
      onDrop: (off) => {
        seen.push(pb.words[off] >>> 11);
        if (throwing.on) throw new Error('callback failed');
      },
    });
    for (let i = 0; i < 4; i++) pb.putData(new Uint32Array([hdr(1, 2, i), 100 + i]));
    return { pb, seen };
  }

  it('the error reaches the caller, the packet stays dropped, and the buffer goes on as if the callback had returned', async () => {
    const a = await full({ on: true });
    const b = await full({ on: false });
    expect(() => a.pb.alloc(2)).toThrow('callback failed');
    expect(a.seen).toEqual([0]);
    expect(a.pb.dropped).toBe(1);
    // The reservation made for the dropped packet was returned: 2 words are free again.
    expect(a.pb.utilization).toBe(6 * 4);
    const pa = a.pb.alloc(2);
    const pbb = b.pb.alloc(2);
    expect(pa).toBe(pbb);
    expect(a.seen).toEqual([0]); // no second drop was needed
    expect(a.pb.inspect()).toEqual(b.pb.inspect());
    const at = present(pa);
    for (const x of [a.pb, b.pb]) {
      x.words[at] = hdr(0, 2, 9);
      x.commit(at);
    }
    const order = (pb: MpscPbuf): number[] => {
      const out: number[] = [];
      for (let c = pb.claim(); c !== null; c = pb.claim()) {
        out.push(pb.words[c] >>> 11);
        pb.free(c);
      }
      return out;
    };
    expect(order(a.pb)).toEqual([1, 2, 3, 9]);
    expect(order(b.pb)).toEqual([1, 2, 3, 9]);
  });

  it('putWord and putData rethrow the same way and leave the buffer usable', async () => {
    const throwing = { on: true };
    const { pb, seen } = await full(throwing);
    expect(() => pb.putWord(hdr(1, 1, 7))).toThrow('callback failed');
    // The throw returned packet 0's space; 4 words need packet 1's too.
    expect(() => pb.putData(new Uint32Array([hdr(1, 4, 8), 0, 0, 0]))).toThrow('callback failed');
    expect(seen).toEqual([0, 1]);
    throwing.on = false;
    expect(pb.putWord(hdr(1, 1, 7))).toBe(true);
    const tags: number[] = [];
    for (let c = pb.claim(); c !== null; c = pb.claim()) {
      tags.push(pb.words[c] >>> 11);
      pb.free(c);
    }
    expect(tags).toEqual([2, 3, 7]);
  });
});

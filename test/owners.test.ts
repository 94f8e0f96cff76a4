// One producer handle and one consumer handle per buffer (issue 17, items 8
// and 9), in one thread: a second handle that uses a side another handle
// owns gets SideOwnedError and changes nothing; close and releaseSides give
// a side back. The cross-thread cases are in owners.xthread.test.ts.

import { describe, expect, it } from 'vitest';
import {
  BufferClosedError,
  createEngine,
  type Engine,
  ItemRingBuf,
  MpscPbuf,
  RingBuf,
  SideOwnedError,
} from '../dist/bindings/index.js';
import { firstChangeOutside, memoryCopy } from './util/guarded.js';
import { releaseSides } from './util/internals.js';

const kinds = ['wasm', 'js'] as const;
const other = (k: (typeof kinds)[number]) => (k === 'wasm' ? 'js' : 'wasm');
const seq = (n: number, from = 1) => Uint8Array.from({ length: n }, (_, i) => from + i);

/** Asserts that `call` throws SideOwnedError for `side` and leaves the whole memory of `e` as it was. */
function refused(e: Engine, side: 'producer' | 'consumer', call: () => unknown): SideOwnedError {
  const before = memoryCopy(e);
  let error: unknown;
  try {
    call();
  } catch (err) {
    error = err;
  }
  expect(error, `expected SideOwnedError (${side})`).toBeInstanceOf(SideOwnedError);
  expect((error as SideOwnedError).side).toBe(side);
  expect(firstChangeOutside(e, before, 0, 0), 'a byte of the memory changed').toBe(-1);
  return error as SideOwnedError;
}

describe.each(kinds)('one handle per side, %s engine (the second from the other engine)', (kind) => {
  /** A ring on `kind`, a second handle on the other engine, a third (consumer) on `kind`. */
  const ring = async (capacity = 64) => {
    const e = await createEngine(kind);
    const twin = await createEngine(other(kind), { memory: e.memory });
    const a = new RingBuf(e, capacity);
    return { e, a, b: RingBuf.attach(twin, a.descriptor), c: RingBuf.attach(e, a.descriptor) };
  };

  it('two producer handles in one thread: the second is refused and the consumer gets exactly the first’s bytes (item 8)', async () => {
    const { e, a, b, c } = await ring();
    // Staged in a's write stage, claimed in the ring, not yet copied there: what b's put used to publish as zeros.
    expect(a.write(seq(10))).toBe(10);
    const junk = new Uint8Array(8).fill(0xee);
    const error = refused(e, 'producer', () => b.put(junk));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SideOwnedError');
    expect(error.message).toBe(
      'RingBuf: the producer side is owned by another handle (in this thread or another); a buffer has one ' +
        'producer handle at a time. That handle releases it with close(), release() or [Symbol.dispose]().',
    );
    refused(e, 'producer', () => b.write(junk));
    refused(e, 'producer', () => b.putClaim(8));
    refused(e, 'producer', () => b.putFinish(0));
    refused(e, 'producer', () => b.flush());
    refused(e, 'producer', () => b.close());
    expect(a.state).toBe('open');
    expect(a.write(seq(5, 11))).toBe(5);
    a.flush();
    const out = new Uint8Array(64);
    expect(c.get(out)).toBe(15);
    expect(out.subarray(0, 15)).toEqual(seq(15));
  });

  it('two consumer handles: the second is refused in every consumer operation, the data stays for the first', async () => {
    const { e, a, b, c } = await ring();
    a.put(seq(20));
    const out = new Uint8Array(8);
    expect(c.get(out, 0, 4)).toBe(4);
    const error = refused(e, 'consumer', () => b.get(out));
    expect(error.message).toContain('the consumer side is owned by another handle');
    expect(error.message).toContain('release() or [Symbol.dispose]()');
    refused(e, 'consumer', () => b.peek(out));
    refused(e, 'consumer', () => b.discard(4));
    refused(e, 'consumer', () => b.getClaim(4));
    refused(e, 'consumer', () => b.getFinish(0));
    expect(c.get(new Uint8Array(32))).toBe(16);
  });

  it('queries and waits take no side: size, space, isEmpty, state, ended, storage, waitForData', async () => {
    const { a, b } = await ring();
    expect([b.size, b.space, b.isEmpty, b.state, b.ended, b.storage.length]).toEqual([0, 64, true, 'open', false, 64]);
    expect(b.waitForData(0)).toBe(false);
    expect(b.waitForSpace(0)).toBe(true);
    expect(await b.waitForDataAsync(0)).toBe(false);
    expect(a.put(seq(3))).toBe(3);
    expect(a.get(new Uint8Array(3))).toBe(3);
  });

  it('close gives the producer side back; the ring stays closed to every producer handle', async () => {
    const { a, b, c } = await ring();
    a.write(seq(6));
    a.close();
    expect(() => b.put(seq(1))).toThrow(BufferClosedError);
    expect(() => b.write(seq(1))).toThrow(BufferClosedError);
    expect(b.flush()).toBe(0); // nothing pending on a closed ring
    const out = new Uint8Array(8);
    expect(c.get(out)).toBe(6);
    expect(out.subarray(0, 6)).toEqual(seq(6));
    expect(c.ended).toBe(true);
  });

  it('releaseSides hands both sides over: pending writes are published, claims cancelled, and another handle takes them', async () => {
    const { e, a, b } = await ring();
    a.put(seq(4));
    a.write(seq(2, 5)); // pending
    a.putClaim(8); // claimed, never finished: cancelled
    const out = new Uint8Array(16);
    expect(a.getClaim(2)).toBe(2); // claimed by a's consumer, never finished: readable again
    releaseSides(a);
    expect([a.size, a.space]).toEqual([6, 58]);
    expect(b.put(seq(3, 7))).toBe(3);
    expect(b.get(out)).toBe(9);
    expect(out.subarray(0, 9)).toEqual(seq(9));
    // Now b owns both sides, and a is the second handle.
    refused(e, 'producer', () => a.put(seq(1)));
    refused(e, 'consumer', () => a.get(out));
    releaseSides(b);
    expect(a.put(seq(1))).toBe(1); // the same handle takes a side again once it is free
  });

  it('release() settles and gives back its sides: another handle produces after it, and the consumer gets every byte in order', async () => {
    const { a, b, c } = await ring();
    a.put(seq(4));
    a.write(seq(2, 5)); // pending in a's stage: release publishes it
    a.release();
    expect(b.put(seq(3, 7))).toBe(3);
    const out = new Uint8Array(16);
    expect(c.get(out)).toBe(9);
    expect(out.subarray(0, 9)).toEqual(seq(9));
  });

  it('reset and internalReset are refused while another handle owns a side; the owner may reset', async () => {
    const { e, a, b } = await ring();
    a.write(seq(5));
    refused(e, 'producer', () => b.reset());
    refused(e, 'producer', () => b.internalReset(7));
    a.reset();
    expect(a.size).toBe(0);
    b.get(new Uint8Array(1)); // b takes the consumer side
    refused(e, 'consumer', () => a.reset());
  });

  it('[Symbol.dispose] of a consumer handle leaves a ring another handle produces open, and gives its side back', async () => {
    const { a, b, c } = await ring();
    a.put(seq(2));
    expect(b.get(new Uint8Array(1))).toBe(1);
    b[Symbol.dispose]();
    expect(a.state).toBe('open');
    expect(a.put(seq(1, 3))).toBe(1);
    const out = new Uint8Array(4);
    expect(c.get(out)).toBe(2); // the consumer side passed from b to c
    expect(Array.from(out.subarray(0, 2))).toEqual([2, 3]);
  });

  it('ItemRingBuf: a second producer and a second consumer handle are refused; close gives the producer side back', async () => {
    const e = await createEngine(kind);
    const a = new ItemRingBuf(e, 32);
    const b = ItemRingBuf.attach(await createEngine(other(kind), { memory: e.memory }), a.descriptor);
    expect(a.put(1, 2, Uint32Array.of(10, 11))).toBe(0);
    refused(e, 'producer', () => b.put(9, 9, Uint32Array.of(99)));
    refused(e, 'producer', () => b.putBatch(Uint32Array.of(ItemRingBuf.header(9, 9, 0))));
    refused(e, 'producer', () => b.close());
    refused(e, 'producer', () => b.reset());
    const out = new Uint32Array(4);
    expect(b.get(out)).toBe(2);
    expect([b.itemType, b.itemValue, out[0], out[1]]).toEqual([1, 2, 10, 11]);
    refused(e, 'consumer', () => a.get(out));
    refused(e, 'consumer', () => a.getBatch(out));
    a.close();
    expect(() => b.put(1, 0)).toThrow(BufferClosedError);
    expect(b.get(out)).toBe(ItemRingBuf.EAGAIN);
    expect(b.ended).toBe(true);
  });

  it('MpscPbuf: any handle produces, a second consumer is refused; releaseSides frees its claim and hands the side over', async () => {
    const e = await createEngine(kind);
    const a = new MpscPbuf(e, 32, { lengthBits: 6 });
    const b = MpscPbuf.attach(await createEngine(other(kind), { memory: e.memory }), a.descriptor);
    const word = (tag: number) => 1 | (1 << 2) | (tag << 8);
    expect(b.putWord(word(1))).toBe(true);
    expect(a.putWord(word(2))).toBe(true);
    const p = b.alloc(2) as number;
    b.words[p] = 2 << 2;
    a.commit(p); // a commit is a producer's: any handle
    const first = a.claim() as number;
    expect(a.words[first] >>> 8).toBe(1);
    refused(e, 'consumer', () => b.claim());
    refused(e, 'consumer', () => b.free(first));
    await expect(b.claimAsync(0)).rejects.toBeInstanceOf(SideOwnedError);
    releaseSides(a); // frees the packet a claimed: it was delivered to a
    const second = b.claim() as number;
    expect(b.words[second] >>> 8).toBe(2);
    b.free(second);
    refused(e, 'consumer', () => a.claim());
    b[Symbol.dispose]();
    expect(a.claim()).toBe(p);
  });
});

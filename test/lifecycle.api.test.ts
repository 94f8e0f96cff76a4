// The lifecycle of every buffer class in one thread: close and end-of-stream,
// abort with a code, what each side may still do in each state, the waits'
// answers, and the state seen through a handle of the other engine on the
// same memory. It needs nothing of Node: the browser project runs it too.
import { describe, expect, it } from 'vitest';
import {
  BufferAbortedError,
  BufferClosedError,
  BufferFreedError,
  canBlock,
  createEngine,
  EAGAIN,
  ItemRingBuf,
  MpscPbuf,
  RingBuf,
  type EngineKind,
} from '../dist/bindings/index.js';

const kinds: EngineKind[] = ['wasm', 'js'];
const other = (k: EngineKind): EngineKind => (k === 'wasm' ? 'js' : 'wasm');

/** Runs `f` and returns what it threw (failing if it did not throw). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

function expectAborted(f: () => unknown, type: string, code: number): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(BufferAbortedError);
  expect(e.message).toBe(`${type} was aborted (code ${code})`);
  expect((e as BufferAbortedError).code).toBe(code);
}

function expectClosed(f: () => unknown, type: string): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(BufferClosedError);
  expect(e.message).toBe(`${type} is closed: no more data can be put`);
}

describe.each(kinds)('RingBuf lifecycle, %s engine', (kind) => {
  const ring = async (shared = false) => {
    const engine = await createEngine(kind, { shared });
    return { engine, rb: new RingBuf(engine, 64) };
  };

  it('is open, with abort code 0, when created', async () => {
    const { rb } = await ring();
    expect(rb.state).toBe('open');
    expect(rb.abortCode).toBe(0);
    expect(rb.ended).toBe(false);
  });

  it('close: the consumer reads every byte put and written before it, then sees ended (not just empty)', async () => {
    const { rb } = await ring();
    rb.put(new Uint8Array([1, 2, 3]));
    expect(rb.get(new Uint8Array(8))).toBe(3);
    expect(rb.isEmpty).toBe(true);
    expect(rb.ended).toBe(false); // empty, but open: more may come
    rb.put(new Uint8Array([4, 5]));
    rb.write(new Uint8Array([6, 7, 8])); // pending: close publishes it
    rb.close();
    expect(rb.state).toBe('closed');
    expect(rb.ended).toBe(false);
    const out = new Uint8Array(8);
    expect(rb.get(out, 0, 3)).toBe(3);
    expect(rb.ended).toBe(false);
    expect(rb.get(out, 3)).toBe(2);
    expect([...out.subarray(0, 5)]).toEqual([4, 5, 6, 7, 8]);
    expect(rb.get(out)).toBe(0);
    expect(rb.ended).toBe(true);
  });

  it('close cancels a put claim that was not finished: its bytes are not published', async () => {
    const { rb } = await ring();
    rb.put(new Uint8Array([9]));
    expect(rb.putClaim(10)).toBe(10);
    rb.close();
    expect(rb.size).toBe(1);
    expect(rb.space).toBe(63);
  });

  it('after close, producer operations throw BufferClosedError and change nothing; the consumer keeps working', async () => {
    const { rb } = await ring();
    rb.put(new Uint8Array([1, 2]));
    rb.close();
    const before = [rb.size, rb.space];
    expectClosed(() => rb.put(new Uint8Array([3])), 'RingBuf');
    expectClosed(() => rb.write(new Uint8Array([3])), 'RingBuf');
    expectClosed(() => rb.putClaim(1), 'RingBuf');
    expectClosed(() => rb.putFinish(0), 'RingBuf');
    expectClosed(() => rb.waitForSpace(0), 'RingBuf');
    await expect(rb.waitForSpaceAsync(0)).rejects.toBeInstanceOf(BufferClosedError);
    expect([rb.size, rb.space]).toEqual(before);
    expect(rb.flush()).toBe(0); // nothing can be pending after close
    const out = new Uint8Array(2);
    expect(rb.peek(out)).toBe(2);
    expect(rb.getClaim(1)).toBe(1);
    rb.getFinish(1);
    expect(rb.discard(1)).toBe(1);
    expect(rb.ended).toBe(true);
  });

  it('close is idempotent; closing an aborted ring throws the abort error', async () => {
    const { rb } = await ring();
    rb.close();
    rb.close();
    expect(rb.state).toBe('closed');
    rb.abort(5);
    expectAborted(() => rb.close(), 'RingBuf', 5);
  });

  it('abort: every operation of both sides throws BufferAbortedError with the code, data or not', async () => {
    const { rb } = await ring();
    rb.put(new Uint8Array([1, 2, 3]));
    rb.abort(7);
    expect(rb.state).toBe('aborted');
    expect(rb.abortCode).toBe(7);
    expect(rb.ended).toBe(false);
    const out = new Uint8Array(4);
    for (const op of [
      () => rb.put(out),
      () => rb.write(out),
      () => rb.flush(),
      () => rb.putClaim(1),
      () => rb.putFinish(0),
      () => rb.get(out),
      () => rb.peek(out),
      () => rb.discard(1),
      () => rb.getClaim(1),
      () => rb.getFinish(0),
      () => rb.waitForData(0),
      () => rb.waitForSpace(0),
    ]) {
      expectAborted(op, 'RingBuf', 7);
    }
    await expect(rb.waitForDataAsync(0)).rejects.toThrow('RingBuf was aborted (code 7)');
    await expect(rb.waitForSpaceAsync(0)).rejects.toThrow('RingBuf was aborted (code 7)');
    expect(rb.size).toBe(3); // observers still answer
  });

  it('the first abort code stays; a closed ring can be aborted', async () => {
    const { rb } = await ring();
    rb.close();
    rb.abort(3);
    rb.abort(4);
    expect(rb.state).toBe('aborted');
    expect(rb.abortCode).toBe(3);
  });

  it('abort refuses a code that is not an integer from 1 to 2^31-1, and stays open', async () => {
    const { rb } = await ring();
    for (const bad of [0, -1, 2 ** 31, 1.5, Number.NaN]) {
      expect(() => rb.abort(bad)).toThrow(RangeError);
    }
    expect(() => rb.abort(0)).toThrow('code must be an integer from 1 to 2147483647, got 0');
    expect(() => rb.abort('7' as unknown as number)).toThrow(TypeError);
    expect(rb.state).toBe('open');
    rb.abort(2 ** 31 - 1);
    expect(rb.abortCode).toBe(2 ** 31 - 1);
  });

  it('waits: data waits return true on a closed ring at once, with or without data left', async () => {
    const { rb } = await ring(true);
    rb.put(new Uint8Array([1]));
    rb.close();
    const t0 = performance.now();
    expect(rb.waitForData(10_000, 8)).toBe(true); // 1 byte left, 8 asked: none will come
    expect(await rb.waitForDataAsync(10_000, 8)).toBe(true);
    rb.discard(1);
    expect(rb.waitForData(10_000)).toBe(true);
    expect(await rb.waitForDataAsync(10_000)).toBe(true);
    expect(rb.ended).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('waits on an open ring still time out (false) when nothing comes', async () => {
    const { rb } = await ring(true);
    // A browser's main thread may not block: there the blocking wait refuses, open ring or not.
    if (canBlock()) expect(rb.waitForData(5)).toBe(false);
    else expect(() => rb.waitForData(5)).toThrow('waitForData cannot block on this thread');
    expect(await rb.waitForDataAsync(5)).toBe(false);
  });

  it('an async wait pending on an unshared memory wakes on close and on abort from this thread', async () => {
    const { rb } = await ring(false);
    const data = rb.waitForDataAsync(10_000);
    rb.close();
    expect(await data).toBe(true);
    const { rb: rb2 } = await ring(false);
    rb2.put(new Uint8Array(64));
    const space = rb2.waitForSpaceAsync(10_000);
    rb2.abort(9);
    await expect(space).rejects.toThrow('RingBuf was aborted (code 9)');
  });

  it('a handle of the other engine on the same memory sees the same state, code and end', async () => {
    const { engine, rb } = await ring(true);
    const twin = RingBuf.attach(await createEngine(other(kind), { memory: engine.memory }), rb.descriptor);
    rb.put(new Uint8Array([1, 2]));
    rb.close();
    expect(twin.state).toBe('closed');
    expect(twin.ended).toBe(false);
    expect(twin.get(new Uint8Array(4))).toBe(2);
    expect(twin.ended).toBe(true);
    expect(rb.ended).toBe(true);
    expectClosed(() => twin.put(new Uint8Array([1])), 'RingBuf');
    twin.abort(11);
    expectAborted(() => rb.get(new Uint8Array(1)), 'RingBuf', 11);
  });

  it('the state check keeps working after an unshared memory grew (its old views are detached)', async () => {
    const { engine, rb } = await ring(false);
    rb.put(new Uint8Array([1]));
    new RingBuf(engine, 1 << 20); // grows the memory
    expect(rb.put(new Uint8Array([2]))).toBe(1);
    expect(rb.get(new Uint8Array(2))).toBe(2);
    rb.close();
    expectClosed(() => rb.put(new Uint8Array([3])), 'RingBuf');
    new RingBuf(engine, 1 << 20);
    rb.abort(6);
    expectAborted(() => rb.get(new Uint8Array(1)), 'RingBuf', 6);
  });

  it('[Symbol.dispose] closes the producer side and releases the handle; on an aborted ring it does not close and does not throw', async () => {
    const { engine, rb } = await ring();
    const reader = RingBuf.attach(engine, rb.descriptor);
    rb.write(new Uint8Array([1, 2, 3]));
    rb[Symbol.dispose]();
    expect(reader.state).toBe('closed');
    expect(reader.size).toBe(3);
    expect(() => rb.size).toThrow(BufferFreedError);
    const { engine: e2, rb: rb2 } = await ring();
    const peer = RingBuf.attach(e2, rb2.descriptor);
    rb2.abort(1);
    rb2[Symbol.dispose]();
    expect(peer.state).toBe('aborted');
  });
});

describe.each(kinds)('ItemRingBuf lifecycle, %s engine', (kind) => {
  const ring = async (shared = false) => {
    const engine = await createEngine(kind, { shared });
    return { engine, rb: new ItemRingBuf(engine, 32) };
  };

  it('close: every item put before it is read, then ended; producer operations throw', async () => {
    const { rb } = await ring();
    rb.put(1, 2, new Uint32Array([10, 20]));
    rb.putBatch(new Uint32Array([ItemRingBuf.header(3, 4, 0)]));
    rb.close();
    expect(rb.state).toBe('closed');
    expectClosed(() => rb.put(1, 0), 'ItemRingBuf');
    expectClosed(() => rb.putBatch(new Uint32Array([ItemRingBuf.header(3, 4, 0)])), 'ItemRingBuf');
    expectClosed(() => rb.waitForSpace(0), 'ItemRingBuf');
    const out = new Uint32Array(8);
    expect(rb.get(out)).toBe(2);
    expect(rb.ended).toBe(false);
    expect(rb.getBatch(out)).toBe(1);
    expect(rb.get(out)).toBe(EAGAIN);
    expect(rb.ended).toBe(true);
    expect(rb.waitForData(10_000)).toBe(true);
  });

  it('abort: both sides throw with the code; waits too', async () => {
    const { rb } = await ring(true);
    rb.put(1, 0);
    rb.abort(42);
    expect([rb.state, rb.abortCode]).toEqual(['aborted', 42]);
    const out = new Uint32Array(4);
    for (const op of [
      () => rb.put(1, 0),
      () => rb.putBatch(new Uint32Array([ItemRingBuf.header(1, 0, 0)])),
      () => rb.get(out),
      () => rb.getBatch(out),
      () => rb.waitForData(0),
      () => rb.waitForSpace(0),
      () => rb.close(),
    ]) {
      expectAborted(op, 'ItemRingBuf', 42);
    }
    await expect(rb.waitForDataAsync(1000)).rejects.toBeInstanceOf(BufferAbortedError);
  });

  it('the other engine sees the close and the end; dispose closes', async () => {
    const { engine, rb } = await ring(true);
    const twin = ItemRingBuf.attach(await createEngine(other(kind), { memory: engine.memory }), rb.descriptor);
    rb.put(5, 6);
    rb[Symbol.dispose]();
    expect(twin.state).toBe('closed');
    expect(twin.get()).toBe(0);
    expect(twin.ended).toBe(true);
  });
});

describe.each(kinds)('MpscPbuf lifecycle, %s engine', (kind) => {
  const buffer = async (shared = false, options = {}) => {
    const engine = await createEngine(kind, { shared });
    // A 6-bit length field, so that the tag at bit 8 is the user's (putWord checks the length field).
    return { engine, pb: new MpscPbuf(engine, 64, { lengthBits: 6, ...options }) };
  };
  const put = (pb: MpscPbuf, tag: number) => pb.putWord(1 | (1 << 2) | (tag << 8));

  it('close by any handle closes the whole buffer: every allocation on every handle throws, nothing is counted', async () => {
    const { engine, pb } = await buffer(true);
    const producer = MpscPbuf.attach(await createEngine(other(kind), { memory: engine.memory }), pb.descriptor);
    put(producer, 1);
    pb.close(); // the consumer's handle closes it
    expect(producer.state).toBe('closed');
    expectClosed(() => producer.alloc(2), 'MpscPbuf');
    expectClosed(() => producer.alloc(2, 10_000), 'MpscPbuf');
    expectClosed(() => put(producer, 2), 'MpscPbuf');
    expectClosed(() => producer.putWordExt(1 | (2 << 2), 5), 'MpscPbuf');
    expectClosed(() => producer.putData(new Uint32Array([1 | (2 << 2), 9])), 'MpscPbuf');
    await expect(producer.allocAsync(2, 10_000)).rejects.toBeInstanceOf(BufferClosedError);
    expect(producer.lost).toBe(0);
    expect(pb.utilization).toBe(4);
    const p = pb.claim();
    expect(p).not.toBeNull();
    expect(pb.ended).toBe(true); // nothing left to claim (the consumer holds the last packet)
    pb.free(p as number);
    expect(pb.claim()).toBeNull();
    expect(pb.ended).toBe(true);
  });

  it('a packet allocated before the close can still be committed, and comes before the end', async () => {
    const { pb } = await buffer(true);
    const a = pb.alloc(2) as number;
    put(pb, 7);
    pb.close();
    // The committed putWord packet sits behind the uncommitted one: nothing to claim yet, not ended.
    expect(pb.claim()).toBeNull();
    expect(pb.ended).toBe(false);
    expect(pb.claim(20)).toBeNull(); // waits: a commit may still come
    pb.words[a] = 2 << 2;
    pb.words[a + 1] = 99;
    pb.commit(a);
    const first = pb.claim(10_000) as number;
    expect(pb.words[first + 1]).toBe(99);
    pb.free(first);
    const second = pb.claim() as number;
    expect(pb.words[second] >>> 8).toBe(7);
    pb.free(second);
    const t0 = performance.now();
    expect(pb.claim(10_000)).toBeNull(); // ended: returns at once
    expect(await pb.claimAsync(10_000)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(pb.ended).toBe(true);
  });

  it('close is idempotent and leaves the buffer as it was', async () => {
    const { pb } = await buffer();
    put(pb, 1);
    const before = pb.inspect();
    pb.close();
    pb.close();
    expect(pb.inspect()).toEqual(before);
  });

  it('abort: every operation on every handle throws with the code', async () => {
    const { engine, pb } = await buffer(true);
    const producer = MpscPbuf.attach(await createEngine(other(kind), { memory: engine.memory }), pb.descriptor);
    put(producer, 1);
    const a = producer.alloc(2) as number;
    const c = pb.claim() as number;
    expect(c).toBe(0);
    producer.abort(13);
    expect([pb.state, pb.abortCode]).toEqual(['aborted', 13]);
    for (const op of [
      () => producer.alloc(1),
      () => put(producer, 2),
      () => producer.putData(new Uint32Array([1 | (1 << 2)])),
      () => producer.commit(a),
      () => pb.claim(),
      () => pb.claim(10_000),
      () => pb.free(c),
      () => pb.close(),
    ]) {
      expectAborted(op, 'MpscPbuf', 13);
    }
    await expect(pb.claimAsync(10_000)).rejects.toThrow('MpscPbuf was aborted (code 13)');
    await expect(producer.allocAsync(1, 10_000)).rejects.toThrow('MpscPbuf was aborted (code 13)');
  });

  it('in overwrite mode a closed buffer drops nothing: the allocation throws before it could drop', async () => {
    const drops: number[] = [];
    const { pb } = await buffer(false, { overwrite: true, onDrop: (off: number) => drops.push(off) });
    for (let i = 0; i < 64; i++) put(pb, i);
    pb.close();
    expectClosed(() => put(pb, 99), 'MpscPbuf');
    expect(drops).toEqual([]);
    expect(pb.dropped).toBe(0);
  });

  it('an async claim pending on an unshared memory wakes on close from this thread', async () => {
    const { pb } = await buffer(false);
    const claim = pb.claimAsync(10_000);
    pb.close();
    expect(await claim).toBeNull();
    expect(pb.ended).toBe(true);
  });

  it('[Symbol.dispose] releases the handle and leaves the buffer open (other producers may still be writing)', async () => {
    const { engine, pb } = await buffer();
    const peer = MpscPbuf.attach(engine, pb.descriptor);
    pb[Symbol.dispose]();
    expect(peer.state).toBe('open');
    expect(() => pb.state).toThrow(BufferFreedError);
  });
});

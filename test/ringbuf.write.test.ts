// RingBuf.write/flush: batched publication. A write copies like put but
// publishes nothing; flush (or the next put or putFinish, or a producer's
// wait for space) publishes every pending byte at once, in order.
import { describe, expect, it } from 'vitest';
import { createEngine, RingBuf, type EngineKind } from '../dist/bindings/index.js';

const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);

/** Everything readable, taken out (a fresh array of exactly that length). */
function drain(rb: RingBuf): number[] {
  const out = new Uint8Array(rb.capacity);
  return [...out.subarray(0, rb.get(out))];
}

describe.each(['wasm', 'js'] as const)('write and flush (%s engine)', (kind: EngineKind) => {
  const ring = async (capacity: number): Promise<RingBuf> => new RingBuf(await createEngine(kind), capacity);

  it('written bytes take space but stay invisible until flush, which publishes them all in order', async () => {
    const rb = await ring(16);
    expect(rb.write(bytes(1, 2, 3))).toBe(3);
    expect(rb.write(bytes(9, 4, 5, 9), 1, 3)).toBe(2);
    expect([rb.size, rb.space, rb.isEmpty]).toEqual([0, 11, true]);
    expect(drain(rb)).toEqual([]);
    expect(rb.flush()).toBe(5);
    expect([rb.size, rb.space]).toEqual([5, 11]);
    expect(drain(rb)).toEqual([1, 2, 3, 4, 5]);
  });

  it('flush with nothing pending returns 0 and changes nothing', async () => {
    const rb = await ring(8);
    rb.put(bytes(7, 7));
    expect(rb.flush()).toBe(0);
    expect([rb.size, rb.space]).toEqual([2, 6]);
  });

  it('writes across the end of storage publish as one piece of data', async () => {
    const rb = await ring(8);
    rb.put(bytes(0, 0, 0, 0, 0, 0));
    rb.discard(6);
    for (let v = 1; v <= 6; v++) expect(rb.write(bytes(v))).toBe(1);
    expect(rb.size).toBe(0);
    rb.flush();
    expect(drain(rb)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('put publishes pending writes first and returns only its own count', async () => {
    const rb = await ring(16);
    rb.write(bytes(1, 2));
    expect(rb.put(bytes(3, 4, 5))).toBe(3);
    expect(rb.size).toBe(5);
    expect(drain(rb)).toEqual([1, 2, 3, 4, 5]);
    expect(rb.flush()).toBe(0);
  });

  it('putFinish publishes pending writes first; n counts only the claim', async () => {
    const rb = await ring(16);
    rb.write(bytes(1, 2));
    const g = rb.putClaim(4);
    rb.storage.set(bytes(3, 4, 5, 6), rb.putOffset);
    const before = rb.storage.slice();
    expect(() => rb.putFinish(g + 1)).toThrow(/at most the 4 bytes/);
    expect(rb.size).toBe(0); // the failed finish changed nothing,
    expect(rb.storage).toEqual(before); // not even the storage under the written bytes
    rb.putFinish(3); // the fourth claimed byte goes back to free space
    expect(drain(rb)).toEqual([1, 2, 3, 4, 5]);
    expect(rb.space).toBe(16);
  });

  it('a write that does not fit writes what fits and publishes everything, so the consumer can make room', async () => {
    const rb = await ring(8);
    rb.write(bytes(1, 2, 3));
    expect(rb.write(bytes(4, 5, 6, 7, 8, 9, 10))).toBe(5);
    expect([rb.size, rb.space]).toEqual([8, 0]);
    expect(rb.write(bytes(11))).toBe(0);
    expect(drain(rb)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('waitForSpace publishes pending writes before it waits', async () => {
    const rb = await ring(8);
    rb.write(bytes(1, 2, 3, 4, 5, 6));
    expect(rb.waitForSpace(0, 4)).toBe(false); // on an unshared memory it only looks
    expect(rb.size).toBe(6);
    rb.write(bytes(7));
    expect(await rb.waitForSpaceAsync(0, 1)).toBe(true);
    expect(rb.size).toBe(7);
  });

  it('runs of writes longer than the 4 KiB stage, across the end of storage, arrive whole and in order', async () => {
    const rb = await ring(20_000);
    rb.put(new Uint8Array(17_000));
    rb.discard(17_000); // the next 3,000 bytes reach the end of storage
    const piece = new Uint8Array(700);
    for (let k = 0; k < 12; k++) {
      for (let j = 0; j < piece.length; j++) piece[j] = (k * 31 + j) & 0xff;
      expect(rb.write(piece)).toBe(700);
    }
    // 4,500 bytes in one grant: more than the stage holds, so straight into storage.
    expect(rb.write(new Uint8Array(5_000).fill(0xee), 100, 4_600)).toBe(4_500);
    expect(rb.size).toBe(0);
    // 7,100 bytes are left: a short write publishes everything.
    expect(rb.write(new Uint8Array(8_000).fill(0xdd))).toBe(7_100);
    expect([rb.size, rb.space]).toEqual([20_000, 0]);
    const out = new Uint8Array(20_000);
    expect(rb.get(out)).toBe(20_000);
    for (let k = 0; k < 12; k++) {
      for (let j = 0; j < 700; j++)
        if (out[k * 700 + j] !== ((k * 31 + j) & 0xff)) throw new Error(`byte ${j} of piece ${k}`);
    }
    expect(out.subarray(8_400, 12_900).every((b) => b === 0xee)).toBe(true);
    expect(out.subarray(12_900).every((b) => b === 0xdd)).toBe(true);
  });

  it('written bytes reach storage when they are published', async () => {
    const rb = await ring(8);
    rb.storage.fill(0);
    rb.write(bytes(1, 2, 3));
    expect([...rb.storage.subarray(0, 3)]).toEqual([0, 0, 0]);
    rb.flush();
    expect([...rb.storage.subarray(0, 3)]).toEqual([1, 2, 3]);
  });

  it('reset drops pending writes', async () => {
    const rb = await ring(8);
    rb.write(bytes(1, 2, 3));
    rb.reset();
    expect(rb.flush()).toBe(0);
    expect([rb.size, rb.space]).toEqual([0, 8]);
    rb.put(bytes(4));
    expect(drain(rb)).toEqual([4]);
  });

  it("writes from a view of the engine's own memory are copied inside the core", async () => {
    const engine = await createEngine(kind);
    const rb = new RingBuf(engine, 8);
    const src = new RingBuf(engine, 4).storage;
    src.set(bytes(5, 6, 7, 8));
    expect(rb.write(src, 1, 3)).toBe(2);
    expect(rb.put(src, 3, 4)).toBe(1);
    expect(drain(rb)).toEqual([6, 7, 8]);
  });
});

it('bytes written and flushed through one engine are read through the other', async () => {
  const wasm = await createEngine('wasm', { shared: true });
  const js = await createEngine('js', { memory: wasm.memory });
  const producer = new RingBuf(wasm, 32);
  const consumer = RingBuf.attach(js, producer.descriptor);
  producer.write(bytes(1, 2, 3));
  expect(consumer.size).toBe(0);
  producer.flush();
  expect(drain(consumer)).toEqual([1, 2, 3]);
});

// Memory growth: an unshared memory's buffer is detached when the memory
// grows, so every view of it dies. A RingBuf made before the growth must keep
// working: its data, its claims and its `storage` view (rebuilt on demand).

import { describe, expect, it } from 'vitest';
import { createEngine, RingBuf } from '../dist/bindings/index.js';
import { releaseSides } from './util/internals.js';

const range = (n: number, from = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe.each(['wasm', 'js'] as const)('memory growth on the %s engine', (kind) => {
  it('a buffer, its storage view and its claims survive the growth of an unshared memory', async () => {
    const engine = await createEngine(kind, { initialPages: 1 });
    expect(engine.shared).toBe(false);
    const rb = new RingBuf(engine, 100);
    rb.internalReset(0xffffffe0);
    expect(rb.put(range(90))).toBe(90);
    expect(rb.discard(80)).toBe(80);
    // 10 bytes of data; a get claim on 4 of them; a put claim that wraps.
    expect(rb.getClaim(4)).toBe(4);
    expect(rb.putClaim(80)).toBe(10);
    rb.storage.set(range(10, 90), rb.putOffset);
    const oldStorage = rb.storage;
    const pagesBefore = engine.memory.buffer.byteLength / 65536;

    const big = new RingBuf(engine, 1 << 20); // forces the memory to grow
    expect(engine.memory.buffer.byteLength / 65536).toBeGreaterThan(pagesBefore);
    expect(oldStorage.length).toBe(0); // the old view was detached …
    expect(rb.storage.length).toBe(100); // … and a new one is built on demand

    // The second half of the wrapping put claim, written through the new view.
    expect(rb.putClaim(70)).toBe(70);
    expect(rb.putOffset).toBe(0);
    rb.storage.set(range(70, 100), 0);
    rb.putFinish(80);
    expect(rb.getOffset).toBe(80);
    expect(rb.storage.subarray(80, 84)).toEqual(range(4, 80));
    rb.getFinish(4);
    expect(rb.size).toBe(86);
    expect(rb.space).toBe(14);

    const out = new Uint8Array(86);
    expect(rb.peek(out)).toBe(86);
    expect(out).toEqual(range(86, 84));
    // Copies through a view inside the grown memory take the same-memory path.
    const inside = big.storage.subarray(1000, 1086);
    expect(rb.get(inside)).toBe(86);
    expect(inside).toEqual(range(86, 84));
    expect(rb.put(inside, 6)).toBe(80);
    expect(rb.get(out, 0, 80)).toBe(80);
    expect(out.subarray(0, 80)).toEqual(range(80, 90));
    expect(rb.isEmpty).toBe(true);

    // The new buffer works too, end to end.
    expect(big.put(range(255))).toBe(255);
    expect(big.get(out)).toBe(86);
    expect(out).toEqual(range(86));
  });

  it('a handle of the other engine on the same memory keeps working after growth, and after a grow() by the user', async () => {
    const engine = await createEngine(kind, { initialPages: 1 });
    const twin = await createEngine(kind === 'wasm' ? 'js' : 'wasm', { memory: engine.memory });
    const rb = new RingBuf(engine, 64);
    const other = RingBuf.attach(twin, rb.descriptor);
    expect(rb.put(range(40))).toBe(40);
    const view = other.storage;

    new RingBuf(twin, 200_000); // grown through the other engine
    expect(view.length).toBe(0);
    const out = new Uint8Array(40);
    expect(other.get(out, 0, 10)).toBe(10);
    expect(out.subarray(0, 10)).toEqual(range(10));

    engine.memory.grow(1); // grown behind the library's back
    // The sides change hands: one producer handle and one consumer handle at a time.
    releaseSides(rb);
    releaseSides(other);
    expect(other.putClaim(30)).toBe(24); // up to the end of storage
    other.storage.fill(0xee, other.putOffset, 64);
    other.putFinish(24);
    expect(rb.size).toBe(54);
    expect(rb.get(out)).toBe(40);
    expect(out.subarray(0, 30)).toEqual(range(30, 10));
    expect(out.subarray(30)).toEqual(new Uint8Array(10).fill(0xee));
  });
});

// release() while the handle's own async waits are pending: they wake at
// once and reject with BufferFreedError, and the buffer's memory goes back
// to the heap only after they have ended, so that their last writes (the
// waiter counts in the control block) land in their own buffer, never in
// the next buffer placed there.

import { describe, expect, it } from 'vitest';
import { RB_DATA_WAITERS_OFF, RB_SPACE_WAITERS_OFF } from '../dist/assembly/layout.js';
import { BufferFreedError, createEngine, ItemRingBuf, MpscPbuf, RingBuf } from '../dist/bindings/index.js';

const kinds = ['wasm', 'js'] as const;

/** Settles `p` or fails after `ms`: a wait the release did not wake would run to its own timeout. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)),
  ]);
}

describe.each(kinds)('release() with async waits pending, %s engine', (kind) => {
  it.each([
    ['RingBuf', (e: Awaited<ReturnType<typeof createEngine>>) => new RingBuf(e, 64)],
    ['ItemRingBuf', (e: Awaited<ReturnType<typeof createEngine>>) => new ItemRingBuf(e, 16)],
  ] as const)(
    '%s: a pending space wait rejects with BufferFreedError at once, and the block is reused only after it',
    async (name, make) => {
      const e = await createEngine(kind, { shared: true });
      const ring = make(e);
      const address = ring.address;
      // A full ring: the space wait sleeps.
      while (ring instanceof RingBuf ? ring.put(new Uint8Array(64)) > 0 : ring.put(1, 0) === 0);
      const space = ring.waitForSpaceAsync(10_000);
      await new Promise((r) => setTimeout(r, 20)); // registered as a sleeper by now
      ring.release();
      // Placed while the wait is still pending: it must not land on the released block.
      const next = new RingBuf(e, 64);
      expect(next.address).not.toBe(address);
      await expect(within(space, 2000)).rejects.toBeInstanceOf(BufferFreedError);
      const words = new Uint32Array(e.memory.buffer);
      expect(words[(next.address + RB_DATA_WAITERS_OFF) >> 2]).toBe(0);
      expect(words[(next.address + RB_SPACE_WAITERS_OFF) >> 2]).toBe(0);
      // Now that the wait has ended, the block goes back and is reused first fit (an
      // ItemRingBuf's staging area, given back with it, lies lower in the heap and comes first).
      if (name === 'RingBuf') expect(new RingBuf(e, 64).address).toBe(address);
    },
  );

  it('RingBuf: a pending data wait on an empty ring rejects with BufferFreedError within milliseconds', async () => {
    const e = await createEngine(kind, { shared: true });
    const rb = new RingBuf(e, 64);
    const address = rb.address;
    const wait = rb.waitForDataAsync(10_000);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    rb.release();
    await expect(within(wait, 2000)).rejects.toBeInstanceOf(BufferFreedError);
    expect(performance.now() - t0).toBeLessThan(1000);
    const next = new RingBuf(e, 64);
    expect(next.address).toBe(address);
    expect(new Uint32Array(e.memory.buffer)[(address + RB_DATA_WAITERS_OFF) >> 2]).toBe(0);
  });

  it('MpscPbuf: a pending claimAsync rejects with BufferFreedError at once, before the block can be reused', async () => {
    const e = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(e, 64);
    const address = pb.address;
    const wait = pb.claimAsync(10_000);
    await new Promise((r) => setTimeout(r, 20));
    pb.release();
    const next = new RingBuf(e, 64);
    expect(next.address).not.toBe(address);
    await expect(within(wait, 2000)).rejects.toBeInstanceOf(BufferFreedError);
  });
});

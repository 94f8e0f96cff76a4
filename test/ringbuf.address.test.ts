// Buffers at byte addresses of 2^31 and more (node only: a browser tab may
// refuse to reserve 2 GiB).

import { describe, expect, it } from 'vitest';
import { createEngine, RingBuf } from '../dist/bindings/index.js';

const range = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

describe.each(['wasm', 'js'] as const)('addresses past 2 GiB on the %s engine', (kind) => {
  // A byte address of 2^31 or more is negative as an int32: `<< 2` of a word
  // index there made the state view's offset negative (RangeError at creation).
  // The memory is only reserved where nothing is written, so this stays cheap.
  it('a buffer placed above 2 GiB is created and used', async () => {
    const engine = await createEngine(kind);
    new RingBuf(engine, 2 ** 31 - 1);
    const rb = new RingBuf(engine, 64);
    expect(rb.storageAddress).toBeGreaterThan(2 ** 31);
    expect(rb.put(range(3))).toBe(3);
    const out = new Uint8Array(3);
    expect(rb.get(out)).toBe(3);
    expect(out).toEqual(range(3));
    rb.close();
    expect(rb.ended).toBe(true);
  });
});

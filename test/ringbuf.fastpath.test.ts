// The valid-path checks of the hot methods (issue 15): a count is taken as
// valid with a u32 round trip, an item's type and value with a masked
// compare, and a finish is checked by the core's own result. None of these
// shortcuts may accept what the full checks refuse, call a value's valueOf,
// or change the buffer when it refuses.

import { describe, expect, it } from 'vitest';
import { createEngine, ItemRingBuf, RingBuf } from '../dist/bindings/index.js';
import { rejects } from './util/rejects.js';

/** An object that records whether anything converted it to a number. */
function spy(value: number): { valueOf(): number; called: boolean } {
  const o = {
    called: false,
    valueOf(): number {
      o.called = true;
      return value;
    },
  };
  return o;
}

describe.each(['wasm', 'js'] as const)('hot-path checks on the %s engine', (kind) => {
  const counts: [string, unknown, typeof TypeError | typeof RangeError][] = [
    ['-1', -1, RangeError],
    ['1.5', 1.5, RangeError],
    ['NaN', Number.NaN, RangeError],
    ['2^32', 2 ** 32, RangeError],
    ['-2^32 + 1', -(2 ** 32) + 1, RangeError],
    ['a string', '4', TypeError],
  ];
  const methods: [string, (rb: RingBuf, n: number) => unknown][] = [
    ['putClaim', (rb, n) => rb.putClaim(n)],
    ['putFinish', (rb, n) => rb.putFinish(n)],
    ['getClaim', (rb, n) => rb.getClaim(n)],
    ['getFinish', (rb, n) => rb.getFinish(n)],
  ];

  for (const [method, call] of methods) {
    it.each(counts)(`${method}(%s) is refused, naming n, and changes nothing`, async (_, n, cls) => {
      const rb = new RingBuf(await createEngine(kind), 64);
      rb.put(new Uint8Array(10));
      rb.putClaim(4);
      rb.getClaim(3);
      const before = [rb.size, rb.space, rb.putOffset, rb.getOffset];
      rejects(() => call(rb, n as number), cls, 'n ');
      expect([rb.size, rb.space, rb.putOffset, rb.getOffset]).toEqual(before);
    });

    it(`${method} never converts an object count (its valueOf is not called)`, async () => {
      const rb = new RingBuf(await createEngine(kind), 64);
      const n = spy(1);
      rejects(() => call(rb, n as unknown as number), TypeError, 'n ');
      expect(n.called).toBe(false);
    });
  }

  it('putFinish beyond the claims, with no write() pending, throws errno -22 and keeps the claims', async () => {
    const rb = new RingBuf(await createEngine(kind), 16);
    rb.internalReset(0xfffffff8); // the counters wrap inside the claims below
    const g = rb.putClaim(12);
    let error: unknown;
    try {
      rb.putFinish(g + 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as RangeError & { errno: number }).errno).toBe(-22);
    expect((error as Error).message).toContain(`at most the ${g} bytes`);
    rb.storage.fill(9, rb.putOffset, rb.putOffset + g);
    rb.putFinish(g); // the claim is intact
    expect(rb.size).toBe(g);
  });

  it('putFinish with write() pending checks n against the claims after the written bytes', async () => {
    const rb = new RingBuf(await createEngine(kind), 32);
    rb.write(new Uint8Array([1, 2, 3]));
    const g = rb.putClaim(4);
    rejects(() => rb.putFinish(g + 1), RangeError, 'n ', `${g} bytes`);
    rb.putFinish(g);
    expect(rb.size).toBe(3 + g);
  });

  it('ItemRingBuf.put refuses object, fractional and out-of-range types and values without converting them', async () => {
    const rb = new ItemRingBuf(await createEngine(kind), 64);
    const type = spy(1);
    const value = spy(1);
    rejects(() => rb.put(type as unknown as number, 0), TypeError, 'type ');
    rejects(() => rb.put(0, value as unknown as number), TypeError, 'value ');
    expect(type.called || value.called).toBe(false);
    rejects(() => rb.put(1.5, 0), RangeError, 'type ', '65535');
    rejects(() => rb.put(65536, 0), RangeError, 'type ', '65535');
    rejects(() => rb.put(-1, 0), RangeError, 'type ', '65535');
    rejects(() => rb.put(0, 256), RangeError, 'value ', '255');
    rejects(() => rb.put(0, Number.NaN), RangeError, 'value ', '255');
    expect(rb.size).toBe(0);
    expect(rb.put(65535, 255)).toBe(0);
    const out = new Uint32Array(1);
    expect(rb.get(out)).toBe(0);
    expect([rb.itemType, rb.itemValue]).toEqual([65535, 255]);
  });
});

describe.each(['wasm', 'js'] as const)('growth of an unshared memory on the %s engine', (kind) => {
  it('between a claim and its finish: the finish, the next claim and the storage see the new buffer', async () => {
    const engine = await createEngine(kind);
    const rb = new RingBuf(engine, 64);
    const g = rb.putClaim(8);
    const storage = rb.storage;
    storage.set([1, 2, 3, 4, 5, 6, 7, 8], rb.putOffset);
    engine.memory.grow(1); // detaches every view of the old buffer
    expect(storage.length).toBe(0);
    rb.putFinish(g); // the first operation after the growth
    const g2 = rb.getClaim(8);
    expect(g2).toBe(8);
    expect(Array.from(rb.storage.subarray(rb.getOffset, rb.getOffset + g2))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    rb.getFinish(g2);
    expect(rb.isEmpty).toBe(true);
  });
});

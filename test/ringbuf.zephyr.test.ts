// Zephyr's own ring buffer tests (tests/lib/ringbuffer), byte mode, ported
// to the TypeScript API and run on both engines. Each test carries the name
// of the Zephyr test it ports; docs/zephyr-tests.md parts A and C describe
// them, and docs/zephyr-semantics.md §1.6 lists the edge cases.

import { beforeEach, describe, expect, it } from 'vitest';
import { createEngine, RingBuf, type Engine } from '../dist/bindings/index.js';

const UINT32_MAX = 2 ** 32 - 1;
const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const range = (n: number, from = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Writes `data` into the space granted by the last putClaim. */
function fillClaim(rb: RingBuf, data: Uint8Array): void {
  rb.storage.set(data, rb.putOffset);
}

/** The bytes granted by the last getClaim. */
function claimed(rb: RingBuf, granted: number): Uint8Array {
  return rb.storage.slice(rb.getOffset, rb.getOffset + granted);
}

/** Zephyr's step 1 of A19/A20: a put and get of `i % 5 + 1` bytes that shifts the offset. */
function shiftOffset(rb: RingBuf, i: number, out: Uint8Array): void {
  const req = (i % 5) + 1;
  expect(rb.put(range(req), 0, req)).toBe(req);
  expect(rb.get(out, 0, req)).toBe(req);
}

/** The errno a finish beyond the claim carries (Zephyr returns it). */
function finishErrno(call: () => void): number | undefined {
  try {
    call();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(RangeError);
    return (e as { errno?: number }).errno;
  }
}

describe.each(['wasm', 'js'] as const)('Zephyr ringbuffer_api tests, byte mode, on the %s engine', (kind) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await createEngine(kind);
  });

  it('test_ringbuffer_raw (A11)', () => {
    const rb = new RingBuf(engine, 5);
    rb.internalReset(3); // "any offset"
    const input = range(5);
    const out = new Uint8Array(6);
    for (let i = 0; i < 10; i++) {
      expect(rb.put(input, 0, 3)).toBe(3);
      expect(rb.get(out, 0, 3)).toBe(3);
      expect(out.subarray(0, 3)).toEqual(input.subarray(0, 3));
    }
    expect(rb.put(input)).toBe(5);
    expect(rb.put(input, 0, 1)).toBe(0);
    expect(rb.get(out, 0, 5)).toBe(5);
    expect(out.subarray(0, 5)).toEqual(input);
    expect(rb.get(out, 0, 6)).toBe(0);
    expect(rb.isEmpty).toBe(true);

    expect(rb.put(input)).toBe(5);
    expect(rb.discard(5)).toBe(5);
    expect(rb.discard(6)).toBe(0);
    expect(rb.isEmpty).toBe(true);
  });

  it('test_ringbuffer_alloc_put (A12)', () => {
    const rb = new RingBuf(engine, 5);
    expect(rb.putClaim(1)).toBe(1);
    expect(rb.putClaim(4)).toBe(4);
    expect(finishErrno(() => rb.putFinish(6))).toBe(-22);
    rb.putFinish(1);
    // finish(1) was final: the other 4 claimed bytes went back to free space.
    expect(finishErrno(() => rb.putFinish(4))).toBe(-22);
    expect(rb.get(new Uint8Array(5))).toBe(1);

    const out = new Uint8Array(4);
    for (let i = 0; i < 10; i++) {
      for (const pair of [
        [1, 2],
        [3, 4],
      ]) {
        const g = rb.putClaim(2);
        if (g === 2) {
          fillClaim(rb, bytes(...pair));
        } else {
          expect(g).toBe(1);
          fillClaim(rb, bytes(pair[0]));
          expect(rb.putClaim(1)).toBe(1);
          expect(rb.putOffset).toBe(0); // continues at the start of storage
          fillClaim(rb, bytes(pair[1]));
        }
      }
      rb.putFinish(4);
      expect(rb.get(out)).toBe(4);
      expect(out).toEqual(bytes(1, 2, 3, 4));
    }
  });

  it('test_byte_put_free (A13)', () => {
    const rb = new RingBuf(engine, 5);
    const indata = bytes(1, 2, 3, 4, 5);
    expect(rb.getClaim(5)).toBe(0);
    let wrapped = 0;
    for (let i = 0; i < 10; i++) {
      expect(rb.put(indata, 0, 3)).toBe(3);
      const g = rb.getClaim(5);
      expect(g).toBeGreaterThan(0);
      expect(g).toBeLessThanOrEqual(3);
      expect(claimed(rb, g)).toEqual(indata.subarray(0, g));
      if (g < 3) {
        wrapped++;
        const g2 = rb.getClaim(5);
        expect(g + g2).toBe(3);
        expect(rb.getOffset).toBe(0);
        expect(claimed(rb, g2)).toEqual(indata.subarray(g, 3));
      }
      expect(finishErrno(() => rb.getFinish(4))).toBe(-22);
      rb.getFinish(3);
    }
    expect(wrapped).toBeGreaterThan(0); // the wrapping branch really ran
  });

  it('test_capacity (A14)', () => {
    expect(new RingBuf(engine, 5).capacity).toBe(5);
  });

  it('test_size (A15)', () => {
    const rb = new RingBuf(engine, 5);
    expect(rb.size).toBe(0);
    rb.put(ascii('x'));
    expect(rb.size).toBe(1);
    rb.reset();
    expect(rb.put(range(5))).toBe(5);
    expect(rb.size).toBe(5);
    expect(rb.put(range(5))).toBe(0);
    expect(rb.discard(3)).toBe(3);
    rb.put(ascii('x'));
    expect(rb.size).toBe(3);
  });

  it('test_peek (A16)', () => {
    const rb = new RingBuf(engine, 5);
    // Zephyr passes a huge size (42424242) with a pointer it never dereferences.
    expect(rb.peek(new Uint8Array(4096))).toBe(0);
    const one = new Uint8Array(1);
    rb.put(ascii('*'));
    expect(rb.peek(one)).toBe(1);
    expect(one[0]).toBe('*'.charCodeAt(0));
    expect(rb.size).toBe(1);

    rb.reset();
    rb.put(ascii('ABCDE'));
    const out = new Uint8Array(5).fill('*'.charCodeAt(0));
    expect(rb.peek(out)).toBe(5);
    expect(rb.size).toBe(5);
    expect(out).toEqual(ascii('ABCDE'));
    expect(rb.storage).toEqual(ascii('ABCDE'));
  });

  it('test_reset (A17)', () => {
    const rb = new RingBuf(engine, 5);
    expect(rb.put(range(3))).toBe(3);
    expect(rb.get(new Uint8Array(3))).toBe(3);
    expect(rb.space).toBe(5);
    expect(rb.putClaim(5)).toBe(2); // stops at the end of storage
    rb.reset();
    expect(rb.putClaim(5)).toBe(5);
  });

  it('test_ringbuffer_partial_putting (A19)', () => {
    const rb = new RingBuf(engine, 5);
    rb.reset();
    const out = new Uint8Array(5);
    for (let i = 0; i < 100; i++) {
      shiftOffset(rb, i, out);
      expect(rb.putClaim(2)).toBe(2);
      const a = rb.putClaim(5);
      const b = rb.putClaim(5);
      expect(a + b).toBe(3);
      rb.putFinish(5);
      expect(rb.get(out)).toBe(5);
    }
  });

  it('test_ringbuffer_partial_getting (A20)', () => {
    const rb = new RingBuf(engine, 5);
    rb.reset();
    const out = new Uint8Array(5);
    for (let i = 0; i < 100; i++) {
      shiftOffset(rb, i, out);
      expect(rb.put(range(5))).toBe(5);
      expect(rb.getClaim(2)).toBe(2);
      const a = rb.getClaim(5);
      const b = rb.getClaim(5);
      expect(a + b).toBe(3);
      rb.getFinish(5);
      expect(rb.isEmpty).toBe(true);
      expect(rb.space).toBe(5);
    }
  });

  it('test_ringbuffer_equal_bufs (A21)', () => {
    const rb = new RingBuf(engine, 8);
    for (let i = 0; i < 100; i++) {
      expect(rb.putClaim(4)).toBe(4);
      rb.putFinish(4);
      expect(rb.getClaim(4)).toBe(4);
      rb.getFinish(4);
    }
  });

  // Part C: the 2026 rework's copy and peek tests, which apply to the classic API.

  it('test_ringbuffer_copy_api', () => {
    const rb = new RingBuf(engine, 16);
    const input = range(12);
    const out = new Uint8Array(12);
    expect(rb.get(out)).toBe(0);
    expect(rb.put(input)).toBe(12);
    expect(rb.get(out, 0, 6)).toBe(6);
    expect(rb.get(out, 6, 12)).toBe(6);
    expect(out).toEqual(input);
    expect(rb.get(out, 0, 1)).toBe(0);
    expect(rb.put(range(8, 100))).toBe(8);
    expect(rb.get(new Uint8Array(8))).toBe(8);
    // The offset is now 20 mod 16 = 4: these 12 bytes reach the last byte of storage …
    const wrapIn = range(12, 50);
    expect(rb.put(wrapIn)).toBe(12);
    expect(rb.get(out)).toBe(12);
    expect(out).toEqual(wrapIn);
    rb.put(range(12));
    expect(rb.get(out, 0, 6)).toBe(6);
    expect(rb.put(range(10))).toBe(10); // … and these cross its end
    expect(rb.get(out, 0, 6)).toBe(6);
    expect(rb.get(out)).toBe(10);
    expect(out.subarray(0, 10)).toEqual(range(10));
    rb.reset();
    expect(rb.get(out, 0, 1)).toBe(0);
    expect(rb.put(range(16))).toBe(16);
  });

  function peekChecks(rb: RingBuf, input: Uint8Array): void {
    const six = new Uint8Array(6);
    expect(rb.peek(six)).toBe(6);
    expect(six).toEqual(input.subarray(0, 6));
    const big = new Uint8Array(17).fill(0xee);
    expect(rb.peek(big)).toBe(12);
    expect(big.subarray(0, 12)).toEqual(input);
    expect(big.subarray(12)).toEqual(new Uint8Array(5).fill(0xee)); // nothing written past byte 12
    for (let i = 0; i < 3; i++) {
      const again = new Uint8Array(12);
      expect(rb.peek(again)).toBe(12);
      expect(again).toEqual(input);
    }
    expect(rb.size).toBe(12);
    const out = new Uint8Array(12);
    expect(rb.get(out)).toBe(12);
    expect(out).toEqual(input);
    expect(rb.size).toBe(0);
  }

  it('test_ringbuffer_peek', () => {
    const rb = new RingBuf(engine, 16);
    const input = range(12, 7);
    expect(rb.put(input)).toBe(12);
    peekChecks(rb, input);
  });

  it('test_ringbuffer_peek_wrap', () => {
    const rb = new RingBuf(engine, 16);
    rb.put(range(12));
    rb.get(new Uint8Array(12));
    const input = range(12, 200);
    expect(rb.put(input)).toBe(12);
    expect(rb.getClaim(16)).toBe(4); // the data really straddles the end
    rb.getFinish(0);
    peekChecks(rb, input);
  });

  // index_math.c: put/get/peek with size UINT32_MAX clamp. The size is the
  // window of the array the API is given, so the huge request is a discard
  // (the only call that takes a bare count) and a window over a large array.
  it('test_put_size_uint32_max / test_get_size_uint32_max / test_peek_size_uint32_max', () => {
    const rb = new RingBuf(engine, 16);
    const big = range(64);
    expect(rb.put(big)).toBe(16);
    expect(rb.put(big)).toBe(0);
    const out = new Uint8Array(64);
    expect(rb.peek(out)).toBe(16);
    expect(rb.get(out, 8)).toBe(16);
    expect(out.subarray(8, 24)).toEqual(big.subarray(0, 16));
    rb.put(big, 0, 5);
    expect(rb.discard(UINT32_MAX)).toBe(5);
    expect(rb.isEmpty).toBe(true);
    expect(rb.putClaim(UINT32_MAX)).toBe(16 - 5); // up to the end of storage
    rb.putFinish(0);
    expect(rb.getClaim(UINT32_MAX)).toBe(0);
  });

  // docs/zephyr-semantics.md §1.6, the byte-mode edge cases.

  it('edge 1: put_claim(capacity) on an empty buffer at a non-zero offset stops at the end of storage', () => {
    const rb = new RingBuf(engine, 7);
    rb.put(range(3));
    rb.discard(3);
    expect(rb.isEmpty).toBe(true);
    expect(rb.space).toBe(7);
    expect(rb.putClaim(7)).toBe(4);
    expect(rb.putOffset).toBe(3);
    expect(rb.putClaim(7)).toBe(3);
    expect(rb.putOffset).toBe(0);
    rb.putFinish(7);
    expect(rb.size).toBe(7);
  });

  it('edge 2: two halves can be claimed and finished alternately forever (test_ringbuffer_equal_bufs)', () => {
    const rb = new RingBuf(engine, 8);
    for (let i = 0; i < 1000; i++) {
      expect(rb.putClaim(4)).toBe(4);
      expect(rb.putOffset).toBe((i % 2) * 4);
      fillClaim(rb, range(4, i));
      rb.putFinish(4);
      expect(rb.getClaim(4)).toBe(4);
      expect(claimed(rb, 4)).toEqual(range(4, i));
      rb.getFinish(4);
    }
  });

  it('edge 3: finish(6), finish(1), finish(4) after claims of 1 and 4 on a 5-byte buffer', () => {
    const rb = new RingBuf(engine, 5);
    rb.putClaim(1);
    fillClaim(rb, bytes(0xaa));
    rb.putClaim(4);
    expect(finishErrno(() => rb.putFinish(6))).toBe(-22);
    expect(finishErrno(() => rb.putFinish(1))).toBeUndefined();
    expect(finishErrno(() => rb.putFinish(4))).toBe(-22);
    const out = new Uint8Array(5);
    expect(rb.get(out)).toBe(1);
    expect(out[0]).toBe(0xaa);
  });

  it('edge 4: after get_claim of everything, empty and size 0 but space still short', () => {
    const rb = new RingBuf(engine, 8);
    rb.put(range(6));
    expect(rb.getClaim(8)).toBe(6);
    expect(rb.isEmpty).toBe(true);
    expect(rb.size).toBe(0);
    expect(rb.space).toBe(2);
    rb.getFinish(6);
    expect(rb.space).toBe(8);
  });

  it('edge 5: peek after get_claim(k) cancels the claim, so get_finish(k) fails', () => {
    const rb = new RingBuf(engine, 8);
    rb.put(range(4));
    expect(rb.getClaim(2)).toBe(2);
    const out = new Uint8Array(8);
    expect(rb.peek(out)).toBe(2); // the claim is counted out of what peek sees …
    expect(out.subarray(0, 2)).toEqual(range(2, 2));
    expect(finishErrno(() => rb.getFinish(2))).toBe(-22); // … and cancelled by it
    expect(rb.size).toBe(4);
    expect(rb.get(out)).toBe(4);
    expect(out.subarray(0, 4)).toEqual(range(4));
  });

  it('edge 8: counters crossing 2^32 are invisible', () => {
    const rb = new RingBuf(engine, 16);
    rb.internalReset(0xfffffffc);
    const seq = range(20);
    expect(rb.put(seq, 0, 10)).toBe(10);
    const out = new Uint8Array(16);
    expect(rb.get(out, 0, 7)).toBe(7);
    expect(out.subarray(0, 7)).toEqual(seq.subarray(0, 7));
    expect(rb.put(seq, 10, 20)).toBe(10);
    expect(rb.size).toBe(13);
    expect(rb.space).toBe(3);
    expect(rb.get(out)).toBe(13);
    expect(out.subarray(0, 13)).toEqual(seq.subarray(7, 20));
    expect(rb.isEmpty).toBe(true);
    // Claims and finishes across the wrap too.
    for (const start of [0xffffffff, 0xfffffff0, 2 ** 31 - 1, 2 ** 31]) {
      rb.internalReset(start);
      for (let i = 0; i < 40; i++) {
        const g = rb.putClaim(5);
        fillClaim(rb, range(g, i));
        rb.putFinish(g);
        expect(rb.getClaim(5)).toBe(g);
        expect(claimed(rb, g)).toEqual(range(g, i));
        rb.getFinish(g);
        expect(rb.space).toBe(16);
      }
    }
  });

  it('edge 9: get with no destination discards; peek needs a destination', () => {
    const rb = new RingBuf(engine, 8);
    rb.put(range(5));
    expect(rb.discard(3)).toBe(3);
    const out = new Uint8Array(2);
    expect(rb.peek(out)).toBe(2);
    expect(out).toEqual(range(2, 3));
    expect(() => rb.peek(null as unknown as Uint8Array)).toThrow(TypeError);
    expect(rb.size).toBe(2);
  });

  it('put with an outstanding put claim commits the claimed bytes first (edge_cases trace)', () => {
    const rb = new RingBuf(engine, 8);
    expect(rb.putClaim(2)).toBe(2);
    fillClaim(rb, bytes(0xee, 0xee));
    expect(rb.put(bytes(1, 2, 3))).toBe(3);
    const out = new Uint8Array(8);
    expect(rb.get(out)).toBe(3);
    expect(out.subarray(0, 3)).toEqual(bytes(0xee, 0xee, 1));
  });

  it('get with an outstanding get claim frees the claimed bytes first', () => {
    const rb = new RingBuf(engine, 8);
    rb.put(range(6));
    expect(rb.getClaim(2)).toBe(2);
    const out = new Uint8Array(2);
    expect(rb.get(out)).toBe(2); // copies bytes 2, 3 but frees bytes 0, 1
    expect(out).toEqual(range(2, 2));
    expect(rb.size).toBe(4);
    const rest = new Uint8Array(8);
    expect(rb.get(rest)).toBe(4);
    expect(rest.subarray(0, 4)).toEqual(range(4, 2));
  });
});

// The TypeScript twin of assembly/ringbuf.ts: the same algorithm on the same
// control block, so either engine can pick up a buffer the other created.
// Comments on the algorithm and on memory ordering live in the AS file; the
// orderings here are the same: Atomics.load/store (sequentially consistent)
// on the two published tails, plain accesses to each side's private fields.
// `>>> 0` keeps every counter a u32, as AssemblyScript's u32 arithmetic does.

import {
  RB_KIND_OFF,
  RB_SIZE_OFF,
  RB_STORAGE_OFF,
  RB_PUT_OFF,
  RB_GET_OFF,
  RB_CB_BYTES,
  RB_DATA_WAITERS_OFF,
  RB_SPACE_WAITERS_OFF,
  IDX_HEAD_OFF,
  IDX_TAIL_OFF,
  IDX_BASE_OFF,
  IDX_LIMIT_OFF,
  IDX_CLAIM_OFF,
  EINVAL,
} from '../../assembly/layout.js';
import type { RingCore } from '../core.js';
import type { Views } from '../views.js';

// The layout constants the hot functions use, re-bound as module-level
// consts: V8 11.3 does not constant-fold imported bindings in optimised code,
// and with these three claims through the engine take 20 ns instead of 35.
const HEAD = IDX_HEAD_OFF >> 2,
  TAIL = IDX_TAIL_OFF >> 2,
  BASE = IDX_BASE_OFF >> 2,
  LIMIT = IDX_LIMIT_OFF >> 2,
  CLAIM = IDX_CLAIM_OFF >> 2;
const SIZE = RB_SIZE_OFF,
  PUT = RB_PUT_OFF,
  GET = RB_GET_OFF,
  DATA_WAITERS = RB_DATA_WAITERS_OFF,
  SPACE_WAITERS = RB_SPACE_WAITERS_OFF;

export function ringJs(v: Views): RingCore {
  function setSide(side: number, value: number, limit: number): void {
    const u32 = v.u32,
      w = side >>> 2;
    u32[w + HEAD] = value;
    u32[w + BASE] = value;
    u32[w + LIMIT] = limit;
    u32[w + CLAIM] = 0;
    Atomics.store(u32, w + TAIL, value);
  }

  function areaClaim(cb: number, side: number, other: number, extra: number, want: number): number {
    const u32 = v.u32,
      w = side >>> 2;
    const size = u32[(cb + SIZE) >>> 2];
    const head = u32[w + HEAD];
    let off = (head - u32[w + BASE]) >>> 0;
    if (off >= size) off -= size;
    let n = Math.min(want, size - off);
    if ((u32[w + LIMIT] - head) >>> 0 < n) {
      const limit = (Atomics.load(u32, (other >>> 2) + TAIL) + extra) >>> 0;
      u32[w + LIMIT] = limit;
      n = Math.min(n, (limit - head) >>> 0);
    }
    u32[w + HEAD] = head + n;
    u32[w + CLAIM] = off;
    return n;
  }

  function areaFinish(cb: number, side: number, waiters: number, n: number): number {
    const u32 = v.u32,
      w = side >>> 2;
    const tail = u32[w + TAIL];
    if (n > (u32[w + HEAD] - tail) >>> 0) return -EINVAL;
    const newTail = (tail + n) >>> 0;
    const base = u32[w + BASE];
    const size = u32[(cb + SIZE) >>> 2];
    if ((newTail - base) >>> 0 >= size) u32[w + BASE] = base + size;
    u32[w + HEAD] = newTail;
    Atomics.store(u32, w + TAIL, newTail);
    // Wake sleepers on this tail (bindings/wait.ts); on an unshared memory
    // nobody can sleep and Atomics.notify returns 0.
    if (Atomics.load(u32, (cb + waiters) >>> 2) !== 0) Atomics.notify(v.i32, w + TAIL);
    return 0;
  }

  const putClaim = (cb: number, want: number): number =>
    areaClaim(cb, cb + PUT, cb + GET, v.u32[(cb + SIZE) >>> 2], want);
  const getClaim = (cb: number, want: number): number => areaClaim(cb, cb + GET, cb + PUT, 0, want);
  const putFinish = (cb: number, n: number): number => areaFinish(cb, cb + PUT, DATA_WAITERS, n);
  const getFinish = (cb: number, n: number): number => areaFinish(cb, cb + GET, SPACE_WAITERS, n);

  const putClaimed = (cb: number): number =>
    (v.u32[(cb + PUT + IDX_HEAD_OFF) >>> 2] - v.u32[(cb + PUT + IDX_TAIL_OFF) >>> 2]) >>> 0;

  function putFlush(cb: number): number {
    const n = putClaimed(cb);
    if (n !== 0) putFinish(cb, n);
    return n;
  }

  function putWrite(cb: number, src: number, n: number): number {
    const storage = v.u32[(cb + RB_STORAGE_OFF) >>> 2];
    let done = 0;
    while (done < n) {
      const g = putClaim(cb, n - done);
      if (g === 0) break;
      v.u8.copyWithin(storage + v.u32[(cb + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2], src + done, src + done + g);
      done += g;
    }
    return done;
  }

  function getOrPeek(cb: number, dst: number, n: number, peek: boolean): number {
    const storage = v.u32[(cb + RB_STORAGE_OFF) >>> 2];
    let done = 0;
    while (done < n) {
      const g = getClaim(cb, n - done);
      if (g === 0) break;
      if (dst !== 0) {
        const at = storage + v.u32[(cb + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2];
        v.u8.copyWithin(dst + done, at, at + g);
      }
      done += g;
    }
    getFinish(cb, peek ? 0 : done);
    return done;
  }

  return {
    rb_init(cb, kind, storage, size) {
      v.u8.fill(0, cb, cb + RB_CB_BYTES);
      const u32 = v.u32;
      u32[(cb + RB_KIND_OFF) >>> 2] = kind;
      u32[(cb + RB_SIZE_OFF) >>> 2] = size;
      u32[(cb + RB_STORAGE_OFF) >>> 2] = storage;
      u32[(cb + RB_PUT_OFF + IDX_LIMIT_OFF) >>> 2] = size;
    },
    rb_internal_reset(cb, value) {
      const size = v.u32[(cb + RB_SIZE_OFF) >>> 2];
      setSide(cb + RB_PUT_OFF, value >>> 0, (value + size) >>> 0);
      setSide(cb + RB_GET_OFF, value >>> 0, value >>> 0);
    },
    rb_put_claim: putClaim,
    rb_get_claim: getClaim,
    rb_put_finish: putFinish,
    rb_get_finish: getFinish,
    rb_size: (cb) =>
      (Atomics.load(v.u32, (cb + RB_PUT_OFF + IDX_TAIL_OFF) >>> 2) - v.u32[(cb + RB_GET_OFF + IDX_HEAD_OFF) >>> 2]) >>>
      0,
    rb_space: (cb) => {
      const u32 = v.u32;
      return (
        (u32[(cb + RB_SIZE_OFF) >>> 2] -
          (u32[(cb + RB_PUT_OFF + IDX_HEAD_OFF) >>> 2] - Atomics.load(u32, (cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2))) >>>
        0
      );
    },
    rb_put_claimed: putClaimed,
    rb_get_claimed: (cb) =>
      (v.u32[(cb + RB_GET_OFF + IDX_HEAD_OFF) >>> 2] - v.u32[(cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2]) >>> 0,
    rb_put(cb, src, n) {
      const done = putWrite(cb, src, n);
      putFinish(cb, done);
      return done;
    },
    rb_write: putWrite,
    rb_put_flush: putFlush,
    rb_get: (cb, dst, n) => getOrPeek(cb, dst, n, false),
    rb_peek: (cb, dst, n) => getOrPeek(cb, dst, n, true),
  };
}

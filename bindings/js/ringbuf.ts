// The TypeScript twin of assembly/ringbuf.ts: the same functions, names and
// units (byte addresses) on the same control block, so either engine can
// pick up a buffer the other created. Why the algorithm and its memory
// ordering are right is said in the AS file; the orderings here are the
// same: Atomics.load/store (sequentially consistent) on the two published
// tails, plain typed-array accesses to each side's private fields.
// `>>> 0` keeps a counter a u32, as AssemblyScript's u32 arithmetic does.
// Every function takes the memory's views first; each exported one (an entry
// point, bound to the views in index.ts) starts by checking they are attached.

import * as layout from '../../assembly/layout.js';
import { attached, type Views } from '../views.js';

// Module-level copies of the imports: V8 11.3 does not fold imported constants (bench/README.md).
const {
  RB_KIND_OFF,
  RB_SIZE_OFF,
  RB_STORAGE_OFF,
  RB_PUT_OFF,
  RB_GET_OFF,
  RB_CB_BYTES,
  RB_DATA_WAITERS_OFF,
  RB_SPACE_WAITERS_OFF,
  RB_DATA_WAKE_OFF,
  RB_SPACE_WAKE_OFF,
  IDX_HEAD_OFF,
  IDX_TAIL_OFF,
  IDX_BASE_OFF,
  IDX_LIMIT_OFF,
  IDX_CLAIM_OFF,
  EINVAL,
} = layout;

// assembly/ringbuf.ts: rb_init
export function rb_init(v: Views, cb: number, kind: number, storage: number, size: number): void {
  attached(v);
  v.u8.fill(0, cb, cb + RB_CB_BYTES);
  const u32 = v.u32;
  u32[(cb + RB_KIND_OFF) >>> 2] = kind;
  u32[(cb + RB_SIZE_OFF) >>> 2] = size;
  u32[(cb + RB_STORAGE_OFF) >>> 2] = storage;
  u32[(cb + RB_PUT_OFF + IDX_LIMIT_OFF) >>> 2] = size;
}

// assembly/ringbuf.ts: rb_internal_reset
export function rb_internal_reset(v: Views, cb: number, value: number): void {
  attached(v);
  const size = v.u32[(cb + RB_SIZE_OFF) >>> 2];
  setSide(v, cb + RB_PUT_OFF, value >>> 0, (value + size) >>> 0);
  setSide(v, cb + RB_GET_OFF, value >>> 0, value >>> 0);
}

// assembly/ringbuf.ts: setSide
function setSide(v: Views, side: number, value: number, limit: number): void {
  const u32 = v.u32;
  u32[(side + IDX_HEAD_OFF) >>> 2] = value;
  u32[(side + IDX_BASE_OFF) >>> 2] = value;
  u32[(side + IDX_LIMIT_OFF) >>> 2] = limit;
  u32[(side + IDX_CLAIM_OFF) >>> 2] = 0;
  Atomics.store(u32, (side + IDX_TAIL_OFF) >>> 2, value);
}

// assembly/ringbuf.ts: areaClaim
function areaClaim(v: Views, cb: number, side: number, other: number, extra: number, want: number): number {
  const u32 = v.u32;
  const size = u32[(cb + RB_SIZE_OFF) >>> 2];
  const head = u32[(side + IDX_HEAD_OFF) >>> 2];
  let off = (head - u32[(side + IDX_BASE_OFF) >>> 2]) >>> 0;
  if (off >= size) off -= size;
  let n = Math.min(want, size - off);
  if ((u32[(side + IDX_LIMIT_OFF) >>> 2] - head) >>> 0 < n) {
    // Short: refresh the cached limit from the other side's tail (acquire).
    const limit = (Atomics.load(u32, (other + IDX_TAIL_OFF) >>> 2) + extra) >>> 0;
    u32[(side + IDX_LIMIT_OFF) >>> 2] = limit;
    n = Math.min(n, (limit - head) >>> 0);
  }
  u32[(side + IDX_HEAD_OFF) >>> 2] = head + n;
  u32[(side + IDX_CLAIM_OFF) >>> 2] = off;
  return n;
}

// assembly/ringbuf.ts: areaFinish
function areaFinish(v: Views, cb: number, side: number, waiters: number, wake: number, n: number): number {
  const u32 = v.u32;
  const tail = u32[(side + IDX_TAIL_OFF) >>> 2];
  if (n > (u32[(side + IDX_HEAD_OFF) >>> 2] - tail) >>> 0) return -EINVAL;
  const newTail = (tail + n) >>> 0;
  const base = u32[(side + IDX_BASE_OFF) >>> 2];
  const size = u32[(cb + RB_SIZE_OFF) >>> 2];
  if ((newTail - base) >>> 0 >= size) u32[(side + IDX_BASE_OFF) >>> 2] = base + size;
  u32[(side + IDX_HEAD_OFF) >>> 2] = newTail;
  Atomics.store(u32, (side + IDX_TAIL_OFF) >>> 2, newTail);
  // On an unshared memory nobody can sleep, the count stays 0.
  if (Atomics.load(u32, (cb + waiters) >>> 2) !== 0) {
    Atomics.add(u32, (cb + wake) >>> 2, 1);
    Atomics.notify(v.i32, (cb + wake) >>> 2);
  }
  return 0;
}

// assembly/ringbuf.ts: rb_put_claim
export function rb_put_claim(v: Views, cb: number, want: number): number {
  attached(v);
  return areaClaim(v, cb, cb + RB_PUT_OFF, cb + RB_GET_OFF, v.u32[(cb + RB_SIZE_OFF) >>> 2], want);
}

// assembly/ringbuf.ts: rb_get_claim
export function rb_get_claim(v: Views, cb: number, want: number): number {
  attached(v);
  return areaClaim(v, cb, cb + RB_GET_OFF, cb + RB_PUT_OFF, 0, want);
}

// assembly/ringbuf.ts: rb_put_finish
export function rb_put_finish(v: Views, cb: number, n: number): number {
  attached(v);
  return areaFinish(v, cb, cb + RB_PUT_OFF, RB_DATA_WAITERS_OFF, RB_DATA_WAKE_OFF, n);
}

// assembly/ringbuf.ts: rb_get_finish
export function rb_get_finish(v: Views, cb: number, n: number): number {
  attached(v);
  return areaFinish(v, cb, cb + RB_GET_OFF, RB_SPACE_WAITERS_OFF, RB_SPACE_WAKE_OFF, n);
}

// assembly/ringbuf.ts: rb_size
export function rb_size(v: Views, cb: number): number {
  attached(v);
  const u32 = v.u32;
  return (
    (Atomics.load(u32, (cb + RB_PUT_OFF + IDX_TAIL_OFF) >>> 2) - u32[(cb + RB_GET_OFF + IDX_HEAD_OFF) >>> 2]) >>> 0
  );
}

// assembly/ringbuf.ts: rb_space
export function rb_space(v: Views, cb: number): number {
  attached(v);
  const u32 = v.u32;
  const used = u32[(cb + RB_PUT_OFF + IDX_HEAD_OFF) >>> 2] - Atomics.load(u32, (cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2);
  return (u32[(cb + RB_SIZE_OFF) >>> 2] - used) >>> 0;
}

// assembly/ringbuf.ts: rb_put_claimed
export function rb_put_claimed(v: Views, cb: number): number {
  attached(v);
  const u32 = v.u32;
  return (u32[(cb + RB_PUT_OFF + IDX_HEAD_OFF) >>> 2] - u32[(cb + RB_PUT_OFF + IDX_TAIL_OFF) >>> 2]) >>> 0;
}

// assembly/ringbuf.ts: rb_get_claimed
export function rb_get_claimed(v: Views, cb: number): number {
  attached(v);
  const u32 = v.u32;
  return (u32[(cb + RB_GET_OFF + IDX_HEAD_OFF) >>> 2] - u32[(cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2]) >>> 0;
}

// assembly/ringbuf.ts: rb_write (memory.copy is copyWithin over the memory's bytes)
export function rb_write(v: Views, cb: number, src: number, n: number): number {
  attached(v);
  const storage = v.u32[(cb + RB_STORAGE_OFF) >>> 2];
  let done = 0;
  while (done < n) {
    const g = rb_put_claim(v, cb, n - done);
    if (g === 0) break;
    const at = storage + v.u32[(cb + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2];
    v.u8.copyWithin(at, src + done, src + done + g);
    done += g;
  }
  return done;
}

// assembly/ringbuf.ts: rb_put
export function rb_put(v: Views, cb: number, src: number, n: number): number {
  attached(v);
  const done = rb_write(v, cb, src, n);
  rb_put_finish(v, cb, done);
  return done;
}

// assembly/ringbuf.ts: rb_put_flush
export function rb_put_flush(v: Views, cb: number): number {
  attached(v);
  const n = rb_put_claimed(v, cb);
  if (n !== 0) rb_put_finish(v, cb, n);
  return n;
}

// assembly/ringbuf.ts: getOrPeek
function getOrPeek(v: Views, cb: number, dst: number, n: number, peek: boolean): number {
  const storage = v.u32[(cb + RB_STORAGE_OFF) >>> 2];
  let done = 0;
  while (done < n) {
    const g = rb_get_claim(v, cb, n - done);
    if (g === 0) break;
    if (dst !== 0) {
      const at = storage + v.u32[(cb + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2];
      v.u8.copyWithin(dst + done, at, at + g);
    }
    done += g;
  }
  rb_get_finish(v, cb, peek ? 0 : done);
  return done;
}

// assembly/ringbuf.ts: rb_get
export function rb_get(v: Views, cb: number, dst: number, n: number): number {
  attached(v);
  return getOrPeek(v, cb, dst, n, false);
}

// assembly/ringbuf.ts: rb_peek
export function rb_peek(v: Views, cb: number, dst: number, n: number): number {
  attached(v);
  return getOrPeek(v, cb, dst, n, true);
}

// The TypeScript twin of assembly/ringbuf.ts: the same functions, names and
// units (byte addresses) on the same control block, so either engine can
// pick up a buffer the other created. Why the algorithm and its memory
// ordering are right is said in the AS file; the orderings here are the
// same: Atomics.load/store (sequentially consistent) on the two published
// tails, plain typed-array accesses to each side's private fields. On an
// unshared memory no other thread can look, so those accesses are plain too
// (`v.shared`, fixed for the memory's life): one thread sees its own stores
// in program order, which is all a one-thread ring needs.
// `>>> 0` keeps a counter a u32, as AssemblyScript's u32 arithmetic does.
// Every function takes the memory's views first; each exported one (an entry
// point, bound to the views in index.ts) starts by checking they are attached
// (words(), which returns the current u32 view for the rest of the call).

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

/** The memory's words, reattached first if the memory grew: attached() (views.ts), returning the view the call reads. */
function words(v: Views): Uint32Array {
  const u32 = v.u32;
  if (u32.length !== 0) return u32;
  v.refresh();
  return v.u32;
}

// The claim/finish primitives work on word indices (cb >>> 2 once per call):
// fewer bytecodes per access keeps a caller's claim cycle within V8's inlining budget.
const SIZE_W = RB_SIZE_OFF >>> 2,
  PUT_W = RB_PUT_OFF >>> 2,
  GET_W = RB_GET_OFF >>> 2,
  HEAD_W = IDX_HEAD_OFF >>> 2,
  TAIL_W = IDX_TAIL_OFF >>> 2,
  BASE_W = IDX_BASE_OFF >>> 2,
  LIMIT_W = IDX_LIMIT_OFF >>> 2,
  CLAIM_W = IDX_CLAIM_OFF >>> 2;

// assembly/ringbuf.ts: areaClaim (`c`, `s`, `o`: word indices of the control block, this side and the other)
function areaClaim(v: Views, u32: Uint32Array, c: number, s: number, o: number, extra: number, want: number): number {
  const size = u32[c + SIZE_W];
  const head = u32[s + HEAD_W];
  let off = (head - u32[s + BASE_W]) >>> 0;
  if (off >= size) off -= size;
  const n = Math.min(want, size - off);
  const granted = (u32[s + LIMIT_W] - head) >>> 0 < n ? shortClaim(v, u32, s, o, extra, head, n) : n;
  u32[s + HEAD_W] = head + granted;
  u32[s + CLAIM_W] = off;
  return granted;
}

// areaClaim's rare branch: the cached limit is short, refresh it from the other side's tail (acquire).
function shortClaim(v: Views, u32: Uint32Array, s: number, o: number, extra: number, head: number, n: number): number {
  const limit = ((v.shared ? Atomics.load(u32, o + TAIL_W) : u32[o + TAIL_W]) + extra) >>> 0;
  u32[s + LIMIT_W] = limit;
  const avail = (limit - head) >>> 0;
  return Math.min(avail, n);
}

// assembly/ringbuf.ts: areaFinish (`waiters`, `wake`: word offsets in the control block of the other side's sleepers and their wake word)
function areaFinish(
  v: Views,
  u32: Uint32Array,
  c: number,
  s: number,
  waiters: number,
  wake: number,
  n: number,
): number {
  const tail = u32[s + TAIL_W];
  if (n > (u32[s + HEAD_W] - tail) >>> 0) return -EINVAL;
  const newTail = (tail + n) >>> 0;
  const base = u32[s + BASE_W];
  const size = u32[c + SIZE_W];
  if ((newTail - base) >>> 0 >= size) u32[s + BASE_W] = base + size;
  u32[s + HEAD_W] = newTail;
  if (v.shared) {
    Atomics.store(u32, s + TAIL_W, newTail);
    if (Atomics.load(u32, c + waiters) !== 0) wakeOther(v, c + wake);
  } else {
    // Nobody can sleep on an unshared memory: the waiter count stays 0.
    u32[s + TAIL_W] = newTail;
  }
  return 0;
}

// areaFinish's rare branch: someone sleeps; the add before the notify (lost-wake-up argument, AS file).
function wakeOther(v: Views, w: number): void {
  Atomics.add(v.u32, w, 1);
  Atomics.notify(v.i32, w);
}

const DATA_WAITERS_W = RB_DATA_WAITERS_OFF >>> 2,
  SPACE_WAITERS_W = RB_SPACE_WAITERS_OFF >>> 2,
  DATA_WAKE_W = RB_DATA_WAKE_OFF >>> 2,
  SPACE_WAKE_W = RB_SPACE_WAKE_OFF >>> 2;

// assembly/ringbuf.ts: rb_put_claim
export function rb_put_claim(v: Views, cb: number, want: number): number {
  const u32 = words(v),
    c = cb >>> 2;
  return areaClaim(v, u32, c, c + PUT_W, c + GET_W, u32[c + SIZE_W], want);
}

// assembly/ringbuf.ts: rb_get_claim
export function rb_get_claim(v: Views, cb: number, want: number): number {
  const c = cb >>> 2;
  return areaClaim(v, words(v), c, c + GET_W, c + PUT_W, 0, want);
}

// assembly/ringbuf.ts: rb_put_finish
export function rb_put_finish(v: Views, cb: number, n: number): number {
  const c = cb >>> 2;
  return areaFinish(v, words(v), c, c + PUT_W, DATA_WAITERS_W, DATA_WAKE_W, n);
}

// assembly/ringbuf.ts: rb_get_finish
export function rb_get_finish(v: Views, cb: number, n: number): number {
  const c = cb >>> 2;
  return areaFinish(v, words(v), c, c + GET_W, SPACE_WAITERS_W, SPACE_WAKE_W, n);
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

/** Pieces up to this many bytes move with a loop, longer ones with copyWithin (a builtin call). */
const LOOP_MOVE_BYTES = 32;

// JS only, memory.copy's stand-in: `n` bytes from `from` to `to`, overlapping or not.
function moveBytes(u8: Uint8Array, to: number, from: number, n: number): void {
  if (n <= LOOP_MOVE_BYTES && (to + n <= from || from + n <= to)) {
    for (let i = 0; i < n; i++) u8[to + i] = u8[from + i];
  } else {
    u8.copyWithin(to, from, from + n);
  }
}

// assembly/ringbuf.ts: rb_write (memory.copy is moveBytes over the memory's bytes)
export function rb_write(v: Views, cb: number, src: number, n: number): number {
  attached(v);
  const storage = v.u32[(cb + RB_STORAGE_OFF) >>> 2];
  let done = 0;
  while (done < n) {
    const g = rb_put_claim(v, cb, n - done);
    if (g === 0) break;
    const at = storage + v.u32[(cb + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2];
    moveBytes(v.u8, at, src + done, g);
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
      moveBytes(v.u8, dst + done, at, g);
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

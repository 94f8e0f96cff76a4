// Zephyr's ring_buf (byte mode) on a control block at a host-given address.
//
// Like Zephyr's ring_buffer.c, one claim/finish primitive serves both
// directions: `side` is the address of the producer's or the consumer's
// private index line, its tail one line further (see layout.ts), and
// `extra` turns the other side's tail into this side's limit (the producer
// may run `size` bytes ahead of the consumer's tail; the consumer may run
// up to the producer's tail).
//
// Memory ordering, for one producer thread and one consumer thread: the
// only cross-thread fields are the two tails, published with atomic.store (a
// release) and read with atomic.load (an acquire); everything else is
// private to its side, so plain loads and stores suffice (docs/design.md §2.3).

import {
  RB_KIND_OFF, RB_SIZE_OFF, RB_STORAGE_OFF, RB_PUT_OFF, RB_GET_OFF, RB_CB_BYTES, RB_DATA_WAITERS_OFF, RB_SPACE_WAITERS_OFF,
  RB_DATA_WAKE_OFF, RB_SPACE_WAKE_OFF, IDX_HEAD_OFF, IDX_TAIL_OFF, IDX_BASE_OFF, IDX_LIMIT_OFF, IDX_CLAIM_OFF, EINVAL,
} from './layout';

/** Writes a fresh control block: all six counters 0, storage at `storage`. */
export function rb_init(cb: usize, kind: u32, storage: usize, size: u32): void {
  memory.fill(cb, 0, RB_CB_BYTES);
  store<u32>(cb, kind, RB_KIND_OFF);
  store<u32>(cb, size, RB_SIZE_OFF);
  store<u32>(cb, <u32>storage, RB_STORAGE_OFF);
  store<u32>(cb + RB_PUT_OFF, size, IDX_LIMIT_OFF);
}

/**
 * Sets all six counters to `v` (Zephyr's ring_buf_internal_reset; reset()
 * is v = 0). Outstanding claims are dropped. Not safe while the other side
 * runs, exactly as in Zephyr.
 */
export function rb_internal_reset(cb: usize, v: u32): void {
  const size = load<u32>(cb, RB_SIZE_OFF);
  setSide(cb + RB_PUT_OFF, v, v + size);
  setSide(cb + RB_GET_OFF, v, v);
}

@inline function setSide(side: usize, v: u32, limit: u32): void {
  store<u32>(side, v, IDX_HEAD_OFF);
  store<u32>(side, v, IDX_BASE_OFF);
  store<u32>(side, limit, IDX_LIMIT_OFF);
  store<u32>(side, 0, IDX_CLAIM_OFF);
  atomic.store<u32>(side, v, IDX_TAIL_OFF);
}

// Zephyr's ring_buf_area_claim. Grants min(want, available, bytes to the end
// of storage) and records where the grant starts in the side's claim field.
// `limit - head` is the available amount; the cached limit is refreshed from
// the other side's published tail only when it is too small to grant the
// request, so the result equals Zephyr's, which reads the tail every time:
// the other tail only moves forward, so a stale limit can only understate.
@inline function areaClaim(cb: usize, side: usize, other: usize, extra: u32, want: u32): u32 {
  const size = load<u32>(cb, RB_SIZE_OFF);
  const head = load<u32>(side, IDX_HEAD_OFF);
  let off = head - load<u32>(side, IDX_BASE_OFF);
  if (off >= size) off -= size;
  let n = min(want, size - off);
  let avail = load<u32>(side, IDX_LIMIT_OFF) - head;
  if (avail < n) {
    // Acquire: pairs with the other side's release in areaFinish, so the
    // bytes (or the free space) behind its tail are visible before we use them.
    const limit = atomic.load<u32>(other, IDX_TAIL_OFF) + extra;
    store<u32>(side, limit, IDX_LIMIT_OFF);
    avail = limit - head;
    n = min(n, avail);
  }
  store<u32>(side, head + n, IDX_HEAD_OFF);
  store<u32>(side, off, IDX_CLAIM_OFF);
  return n;
}

// Zephyr's ring_buf_area_finish: final, cancels what was claimed beyond `n`.
// `waiters` is the line-0 count of the other side's sleepers, `wake` the
// line-0 word they sleep on.
@inline function areaFinish(cb: usize, side: usize, waiters: usize, wake: usize, n: u32): i32 {
  const tail = load<u32>(side, IDX_TAIL_OFF);
  if (n > load<u32>(side, IDX_HEAD_OFF) - tail) return -EINVAL;
  const newTail = tail + n;
  const base = load<u32>(side, IDX_BASE_OFF);
  if (newTail - base >= load<u32>(cb, RB_SIZE_OFF)) store<u32>(side, base + load<u32>(cb, RB_SIZE_OFF), IDX_BASE_OFF);
  store<u32>(side, newTail, IDX_HEAD_OFF);
  // Release: everything this side did to the bytes up to newTail happens
  // before the other side can observe the new tail.
  atomic.store<u32>(side, newTail, IDX_TAIL_OFF);
  // Sequentially consistent load after the store above, then the add to the
  // wake word before its notify: the lost-wake-up argument (docs/design.md
  // §3) needs exactly this order. While nobody sleeps the count sits in a
  // clean, cached line 0, so this is one cheap load.
  if (atomic.load<u32>(cb + waiters) != 0) {
    atomic.add<u32>(cb + wake, 1);
    atomic.notify(cb + wake, -1);
  }
  return 0;
}

export function rb_put_claim(cb: usize, want: u32): u32 {
  return areaClaim(cb, cb + RB_PUT_OFF, cb + RB_GET_OFF, load<u32>(cb, RB_SIZE_OFF), want);
}

export function rb_get_claim(cb: usize, want: u32): u32 {
  return areaClaim(cb, cb + RB_GET_OFF, cb + RB_PUT_OFF, 0, want);
}

export function rb_put_finish(cb: usize, n: u32): i32 {
  return areaFinish(cb, cb + RB_PUT_OFF, RB_DATA_WAITERS_OFF, RB_DATA_WAKE_OFF, n);
}

export function rb_get_finish(cb: usize, n: u32): i32 {
  return areaFinish(cb, cb + RB_GET_OFF, RB_SPACE_WAITERS_OFF, RB_SPACE_WAKE_OFF, n);
}

/** Zephyr's ring_buf_size_get: committed bytes not yet claimed by the consumer. */
export function rb_size(cb: usize): u32 {
  // Acquire, as in areaClaim: the consumer may read what this reports.
  return atomic.load<u32>(cb + RB_PUT_OFF, IDX_TAIL_OFF) - load<u32>(cb + RB_GET_OFF, IDX_HEAD_OFF);
}

/** Zephyr's ring_buf_space_get: bytes neither claimed nor holding data. */
export function rb_space(cb: usize): u32 {
  return load<u32>(cb, RB_SIZE_OFF) - (load<u32>(cb + RB_PUT_OFF, IDX_HEAD_OFF) - atomic.load<u32>(cb + RB_GET_OFF, IDX_TAIL_OFF));
}

/** Bytes `rb_put_finish` would accept: what is claimed and not finished. */
export function rb_put_claimed(cb: usize): u32 {
  return load<u32>(cb + RB_PUT_OFF, IDX_HEAD_OFF) - load<u32>(cb + RB_PUT_OFF, IDX_TAIL_OFF);
}

/** Bytes `rb_get_finish` would accept. */
export function rb_get_claimed(cb: usize): u32 {
  return load<u32>(cb + RB_GET_OFF, IDX_HEAD_OFF) - load<u32>(cb + RB_GET_OFF, IDX_TAIL_OFF);
}

// Copying API for data that already sits in linear memory: Zephyr's
// ring_buf_put/get/peek, a claim + memory.copy loop (at most two pieces,
// the second from offset 0) closed by one finish.

/**
 * ring_buf_put without its finish: claims and fills up to `n` bytes from
 * `src` and leaves them claimed (Zephyr lets claims stack), for
 * RingBuf.write, whose bytes one rb_put_flush publishes together.
 */
export function rb_write(cb: usize, src: usize, n: u32): u32 {
  const storage = <usize>load<u32>(cb, RB_STORAGE_OFF);
  let done: u32 = 0;
  while (done < n) {
    const g = rb_put_claim(cb, n - done);
    if (g == 0) break;
    memory.copy(storage + load<u32>(cb + RB_PUT_OFF, IDX_CLAIM_OFF), src + done, g);
    done += g;
  }
  return done;
}

/** ring_buf_put from linear memory at `src`; returns the bytes written. */
export function rb_put(cb: usize, src: usize, n: u32): u32 {
  const done = rb_write(cb, src, n);
  rb_put_finish(cb, done);
  return done;
}

/**
 * Commits every outstanding put claim and returns how many bytes that
 * published. One finish for many writes: the consumer pays one cross-core
 * hand-off of the producer's tail per flush rather than per chunk.
 */
export function rb_put_flush(cb: usize): u32 {
  const n = rb_put_claimed(cb);
  // Nothing pending: skip the finish, whose atomic store would fence for nothing.
  if (n != 0) rb_put_finish(cb, n);
  return n;
}

/**
 * ring_buf_get into linear memory at `dst`, or a discard when `dst` is 0;
 * `peek` keeps the data (finish 0, which also cancels outstanding claims).
 */
@inline function getOrPeek(cb: usize, dst: usize, n: u32, peek: bool): u32 {
  const storage = <usize>load<u32>(cb, RB_STORAGE_OFF);
  let done: u32 = 0;
  while (done < n) {
    const g = rb_get_claim(cb, n - done);
    if (g == 0) break;
    if (dst != 0) memory.copy(dst + done, storage + load<u32>(cb + RB_GET_OFF, IDX_CLAIM_OFF), g);
    done += g;
  }
  rb_get_finish(cb, peek ? 0 : done);
  return done;
}

export function rb_get(cb: usize, dst: usize, n: u32): u32 {
  return getOrPeek(cb, dst, n, false);
}

export function rb_peek(cb: usize, dst: usize, n: u32): u32 {
  return getOrPeek(cb, dst, n, true);
}


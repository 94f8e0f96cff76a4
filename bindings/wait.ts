// Waiting on a word of a shared memory, written once for every buffer class.
//
// A sleeper always follows the same protocol: it reads the word it will wait
// on, finds its condition false, adds itself to a waiter count, and waits
// while the word still holds the value it read. The side that makes the
// condition true stores the word first and then reads the count, notifying
// only when it is non-zero (layout.ts explains why no wake-up is lost; every
// access here is a sequentially consistent Atomics operation, which that
// argument needs). A wake-up only means "look again": callers loop until
// their condition holds or the deadline passes, so spurious or stolen
// wake-ups are harmless.
//
// Three ways to wait, chosen once per thread (not per call):
//   - blocking, Atomics.wait: Node's main thread, workers;
//   - a Promise from Atomics.waitAsync: a browser's main thread;
//   - polling with setTimeout, where waitAsync is missing or the memory is
//     not shared (then the other side can only be this very thread).

import { RB_PUT_OFF, RB_GET_OFF, IDX_TAIL_OFF, RB_DATA_WAITERS_OFF, RB_SPACE_WAITERS_OFF } from '../assembly/layout.js';
import type { RingCore } from './core.js';
import type { Views } from './views.js';

/** Sleep between two looks of a polling wait, in ms: short against a frame, long against a loop. */
const POLL_MS = 1;

/**
 * How long the waits of the SPSC rings watch the word before they sleep,
 * in ms. Across threads the other side usually moves within microseconds,
 * while a sleep and its wake-up cost more: on the 2-vCPU VM of
 * bench/README.md a wait/notify round trip between two threads takes
 * 27 us, and the waker pays a system call for every notify. Watching first
 * took the batched cross-thread stream (`xthread.write.256`) from 230-270
 * to 120-150 ns per chunk. Spins of 3, 10 and 30 us measured the same; 10
 * stays below one wake-up. MpscPbuf does not spin: with more producer
 * threads than cores a spinner takes the time a producer needs
 * (`xthread.mpsc.2p`: 710-1040 ns per packet without a spin, 1130-1620
 * with one, on the same machine).
 */
const RING_SPIN_MS = 0.01;

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
type WaitAsync = (i32: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult;

const waitAsync: WaitAsync | undefined = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

let blockingAllowed: boolean | undefined;

/**
 * Whether this thread may block in `Atomics.wait`: true in Node (main thread
 * included) and in workers, false on a browser's main thread. Found once per
 * thread by one zero-timeout wait on a scratch word.
 *
 * @example
 * ```ts
 * if (!canBlock()) await rb.waitForDataAsync(16); else rb.waitForData(16);
 * ```
 */
export function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    if (typeof SharedArrayBuffer !== 'function') {
      blockingAllowed = false;
    } else {
      try {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
        blockingAllowed = true;
      } catch {
        blockingAllowed = false;
      }
    }
  }
  return blockingAllowed;
}

/** @internal Whether `i32` lies over shared memory, so another thread can change and notify it. */
export function isSharedView(i32: Int32Array): boolean {
  return typeof SharedArrayBuffer === 'function' && i32.buffer instanceof SharedArrayBuffer;
}

/**
 * @internal The deadline (a performance.now() time) of a wait of `ms`
 * milliseconds; Infinity waits for ever. Validates `ms`.
 */
export function deadlineOf(ms: number): number {
  if (typeof ms !== 'number') throw new TypeError(`ms must be a number, got ${ms === null ? 'null' : typeof ms}`);
  if (!(ms >= 0)) throw new RangeError(`ms must be from 0 to Infinity, got ${ms}`);
  return ms === Infinity ? Infinity : performance.now() + ms;
}

/**
 * @internal Sleeps on `i32[word]` while it holds `seen`, registered in
 * `i32[waiters]`, until notified or `deadline`, after watching the word
 * for up to `spinMs` ms. Returns false when the deadline has passed (the
 * caller then looks one last time), true otherwise. The memory must be
 * shared and the thread allowed to block.
 */
export function sleepOn(
  i32: Int32Array,
  waiters: number,
  word: number,
  seen: number,
  deadline: number,
  spinMs = 0,
): boolean {
  let now = performance.now();
  if (deadline - now <= 0) return false;
  if (spinMs > 0) {
    // Plain looks, no registration: the other side pays nothing for a
    // spinner. The clock is read every 64 looks (a look is ~5 ns, a clock
    // read ~40), and the spin stops at the deadline.
    const end = Math.min(now + spinMs, deadline);
    do {
      for (let k = 0; k < 64; k++) if (Atomics.load(i32, word) !== seen) return true;
      now = performance.now();
    } while (now < end);
    if (deadline - now <= 0) return false;
  }
  const remaining = deadline - now;
  // Register before the wait compares the word: see the argument in layout.ts.
  Atomics.add(i32, waiters, 1);
  const r = Atomics.wait(i32, word, seen, remaining);
  Atomics.sub(i32, waiters, 1);
  return r !== 'timed-out';
}

/**
 * @internal The asynchronous form of {@link sleepOn}: Atomics.waitAsync on a
 * shared memory where it exists, else one short sleep (no registration is
 * needed, nobody has to notify a poller).
 */
export async function sleepOnAsync(
  i32: Int32Array,
  waiters: number,
  word: number,
  seen: number,
  deadline: number,
): Promise<boolean> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) return false;
  if (waitAsync === undefined || !isSharedView(i32)) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(remaining, POLL_MS)));
    return true;
  }
  Atomics.add(i32, waiters, 1);
  try {
    const r = waitAsync(i32, word, seen, remaining);
    return (r.async ? await r.value : r.value) !== 'timed-out';
  } finally {
    Atomics.sub(i32, waiters, 1);
  }
}

/** @internal A core function that measures a buffer: its readable or its free amount. */
export type Measure = (cb: number) => number;

function blockingError(method: string): Error {
  return new Error(`${method} cannot block on this thread (a browser's main thread may not): use ${method}Async`);
}

/**
 * @internal Blocks until `measure(cb) >= need` or `ms` pass; returns whether
 * it holds. `word` is the i32 index the other side stores (and notifies)
 * when the amount grows, `waiters` its waiter count. On an unshared memory
 * nothing else can change the buffer while this thread waits, so it looks
 * once and returns.
 */
export function waitFor(
  method: string,
  v: Views,
  waiters: number,
  word: number,
  measure: Measure,
  cb: number,
  need: number,
  ms: number,
): boolean {
  const deadline = deadlineOf(ms);
  if (measure(cb) >= need) return true;
  // Shared memory never detaches its views, so this one stays valid.
  const i32 = v.i32;
  if (!isSharedView(i32)) return false;
  if (!canBlock()) throw blockingError(method);
  for (;;) {
    // Read the word before measuring: a change after this read makes the
    // wait below return at once instead of sleeping on a stale value.
    const seen = Atomics.load(i32, word);
    if (measure(cb) >= need) return true;
    if (!sleepOn(i32, waiters, word, seen, deadline, RING_SPIN_MS)) return measure(cb) >= need;
  }
}

/**
 * @internal The Promise form of {@link waitFor}, for threads that must not
 * block. Bad arguments throw at once, as in the blocking form.
 */
export function waitForAsync(
  v: Views,
  waiters: number,
  word: number,
  measure: Measure,
  cb: number,
  need: number,
  ms: number,
): Promise<boolean> {
  return waitLoopAsync(v, waiters, word, measure, cb, need, deadlineOf(ms));
}

async function waitLoopAsync(
  v: Views,
  waiters: number,
  word: number,
  measure: Measure,
  cb: number,
  need: number,
  deadline: number,
): Promise<boolean> {
  for (;;) {
    // An unshared memory may grow (and detach its views) while we poll.
    v.sync();
    const seen = Atomics.load(v.i32, word);
    if (measure(cb) >= need) return true;
    if (!(await sleepOnAsync(v.i32, waiters, word, seen, deadline))) return measure(cb) >= need;
  }
}

// ── RingBuf and ItemRingBuf: one control block layout, one pair of waits ──

/**
 * @internal Blocks until the ring at `cb` has `bytes` bytes readable (the
 * consumer's wait, `space` false: it sleeps on put.tail) or free (the
 * producer's, `space` true: on get.tail). See {@link waitFor}.
 */
export function ringWait(
  method: string,
  v: Views,
  core: RingCore,
  cb: number,
  space: boolean,
  bytes: number,
  ms: number,
): boolean {
  return space
    ? waitFor(
        method,
        v,
        (cb + RB_SPACE_WAITERS_OFF) >>> 2,
        (cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2,
        core.rb_space,
        cb,
        bytes,
        ms,
      )
    : waitFor(
        method,
        v,
        (cb + RB_DATA_WAITERS_OFF) >>> 2,
        (cb + RB_PUT_OFF + IDX_TAIL_OFF) >>> 2,
        core.rb_size,
        cb,
        bytes,
        ms,
      );
}

/** @internal The Promise form of {@link ringWait}. */
export function ringWaitAsync(
  v: Views,
  core: RingCore,
  cb: number,
  space: boolean,
  bytes: number,
  ms: number,
): Promise<boolean> {
  return space
    ? waitForAsync(
        v,
        (cb + RB_SPACE_WAITERS_OFF) >>> 2,
        (cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2,
        core.rb_space,
        cb,
        bytes,
        ms,
      )
    : waitForAsync(
        v,
        (cb + RB_DATA_WAITERS_OFF) >>> 2,
        (cb + RB_PUT_OFF + IDX_TAIL_OFF) >>> 2,
        core.rb_size,
        cb,
        bytes,
        ms,
      );
}

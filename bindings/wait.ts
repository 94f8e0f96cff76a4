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
import { checkInt } from './errors.js';
import { attached, type Views } from './views.js';

/** Sleep between two looks of a polling wait, in ms: short against a frame, long against a loop. */
const POLL_MS = 1;

/**
 * How long the rings' waits watch the word before they sleep, in ms: below
 * one wait/notify round trip, which costs more than the other side usually
 * takes to move. MpscPbuf does not watch: with more producers than cores a
 * watcher takes a producer's time. Figures: bench/README.md, "Cross-thread figures".
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
    const i32 = attached(v).i32;
    const seen = Atomics.load(i32, word);
    if (measure(cb) >= need) return true;
    if (!(await sleepOnAsync(i32, waiters, word, seen, deadline))) return measure(cb) >= need;
  }
}

// ── RingBuf and ItemRingBuf: one control block layout, one set of waits ──

/**
 * @internal The four waits of one ring, counted in units of `unitBytes`
 * bytes (1 for RingBuf, 4 for ItemRingBuf's words) and checked against
 * `max` units under the argument name `unit`. The consumer sleeps on
 * put.tail, the producer on get.tail; see {@link waitFor}.
 */
export class RingWaits {
  private readonly views: Views;
  private readonly core: RingCore;
  private readonly cb: number;
  private readonly unit: string;
  private readonly unitBytes: number;
  private readonly max: number;

  constructor(views: Views, core: RingCore, cb: number, unit: string, unitBytes: number, max: number) {
    this.views = views;
    this.core = core;
    this.cb = cb;
    this.unit = unit;
    this.unitBytes = unitBytes;
    this.max = max;
  }

  /** Checks an amount argument (1 to the capacity) and returns it in bytes. */
  need(n: number): number {
    return this.unitBytes * checkInt(this.unit, n, 1, this.max);
  }

  /** Blocks until `bytes` bytes are readable or `ms` pass; returns whether they are. */
  data(method: string, ms: number, bytes: number): boolean {
    const cb = this.cb;
    return waitFor(method, this.views, dataWaiters(cb), putTail(cb), this.core.rb_size, cb, bytes, ms);
  }

  /** Blocks until `bytes` bytes are free or `ms` pass; returns whether they are. */
  space(method: string, ms: number, bytes: number): boolean {
    const cb = this.cb;
    return waitFor(method, this.views, spaceWaiters(cb), getTail(cb), this.core.rb_space, cb, bytes, ms);
  }

  /** The Promise form of {@link RingWaits.data}. */
  dataAsync(ms: number, bytes: number): Promise<boolean> {
    const cb = this.cb;
    return waitForAsync(this.views, dataWaiters(cb), putTail(cb), this.core.rb_size, cb, bytes, ms);
  }

  /** The Promise form of {@link RingWaits.space}. */
  spaceAsync(ms: number, bytes: number): Promise<boolean> {
    const cb = this.cb;
    return waitForAsync(this.views, spaceWaiters(cb), getTail(cb), this.core.rb_space, cb, bytes, ms);
  }
}

// i32 indices of the words the ring waits use, for the control block at cb.
const dataWaiters = (cb: number): number => (cb + RB_DATA_WAITERS_OFF) >>> 2;
const spaceWaiters = (cb: number): number => (cb + RB_SPACE_WAITERS_OFF) >>> 2;
const putTail = (cb: number): number => (cb + RB_PUT_OFF + IDX_TAIL_OFF) >>> 2;
const getTail = (cb: number): number => (cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2;

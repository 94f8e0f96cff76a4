// Waiting on a word of a shared memory, written once for every buffer class.
//
// Two protocols, one idea: a sleeper waits with Atomics.wait while a word
// still holds the value it read before its last look at the buffer, after
// adding itself to a waiter count that the waker reads; so a change it did
// not see in that look has changed the word it sleeps on, or is followed by
// a notify (docs/design.md §3 has the proof).
//   - MpscPbuf (sleepOn): the word is a counter of commits or frees; the
//     sleeper registers in the waiter count, reads the counter, looks once
//     more, then waits; a commit or free adds to it only when someone is
//     registered; close and abort add to it too.
//   - RingBuf/ItemRingBuf (RingWaits): the word is a wake word of the
//     sleeper's side, which the other side's finish changes (and notifies)
//     only when someone sleeps, and close and abort change too. Not the
//     tail: close and abort must wake a sleeper without touching a tail.
// A wake-up only means "look again": callers loop until their condition
// holds or the deadline passes, so spurious or stolen wake-ups are harmless.
// Every access here is a sequentially consistent Atomics operation.
//
// Three ways to wait, chosen once per thread (not per call):
//   - blocking, Atomics.wait: Node's main thread, workers;
//   - a Promise from Atomics.waitAsync: a browser's main thread;
//   - polling with setTimeout, where waitAsync is missing or the memory is
//     not shared (then the other side can only be this very thread).

import {
  IDX_TAIL_OFF,
  RB_DATA_WAITERS_OFF,
  RB_DATA_WAKE_OFF,
  RB_GET_OFF,
  RB_PUT_OFF,
  RB_SPACE_WAITERS_OFF,
  RB_SPACE_WAKE_OFF,
  ST_ABORTED,
  ST_OPEN,
} from '../assembly/layout.js';
import type { RingCore } from './core.js';
import { checkInt } from './errors.js';
import type { InFlight } from './in-flight.js';
import type { Lifecycle } from './lifecycle.js';
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
  checkMs(ms);
  return ms === Infinity ? Infinity : performance.now() + ms;
}

/** @internal Throws a TypeError or RangeError naming `ms` unless it is a number from 0 to Infinity. */
export function checkMs(ms: unknown): void {
  if (typeof ms !== 'number') throw new TypeError(`ms must be a number, got ${ms === null ? 'null' : typeof ms}`);
  if (!(ms >= 0)) throw new RangeError(`ms must be from 0 to Infinity, got ${ms}`);
}

/**
 * @internal The start of a sleeper's round on an MpscPbuf wake-up counter
 * (the ring form of docs/design.md §3; the caller is registered): reads the
 * counter, then clears the woken word, so that the first commit or free
 * after this read adds to the counter and notifies (layout.ts,
 * MP_SEM_WOKEN_OFF). Returns the value {@link sleepOn} compares with.
 */
export function roundStart(i32: Int32Array, counter: number, woken: number): number {
  const seen = Atomics.load(i32, counter);
  Atomics.store(i32, woken, 0);
  return seen;
}

/**
 * @internal Sleeps on `i32[word]` while it holds `seen`, until notified or
 * `deadline`, for a caller that follows the ring form of docs/design.md §3:
 * it added itself to the waiter count, then read `seen`, then looked once
 * more and found nothing. Returns false when the deadline has passed (the
 * caller then looks one last time), true otherwise. The memory must be
 * shared and the thread allowed to block.
 */
export function sleepOn(i32: Int32Array, word: number, seen: number, deadline: number): boolean {
  const remaining = deadline - performance.now();
  if (remaining <= 0) return false;
  return Atomics.wait(i32, word, seen, remaining) !== 'timed-out';
}

/**
 * @internal The asynchronous form of {@link sleepOn}: Atomics.waitAsync on a
 * shared memory where it exists, else one short sleep (nobody has to
 * notify a poller).
 */
export async function sleepOnAsync(i32: Int32Array, word: number, seen: number, deadline: number): Promise<boolean> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) return false;
  if (waitAsync === undefined || !isSharedView(i32)) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(remaining, POLL_MS)));
    return true;
  }
  const r = waitAsync(i32, word, seen, remaining);
  return (r.async ? await r.value : r.value) !== 'timed-out';
}

function blockingError(method: string): Error {
  return new Error(`${method} cannot block on this thread (a browser's main thread may not): use ${method}Async`);
}

// ── RingBuf and ItemRingBuf: one control block layout, one set of waits ──

/** The i32 indices one side's waits use, and what they measure. */
interface Side {
  /** The other side's tail: watched while spinning. */
  readonly tail: number;
  readonly waiters: number;
  readonly wake: number;
  readonly measure: (cb: number) => number;
  /** Whether a close ends the wait with an error (space) or with true (data). */
  readonly producer: boolean;
}

/**
 * @internal The four waits of one ring, counted in units of `unitBytes`
 * bytes (1 for RingBuf, 4 for ItemRingBuf's words) and checked against
 * `max` units under the argument name `unit`. The data waits return true
 * once the amount is readable or the producer has closed (the caller then
 * reads what is left and checks `ended`); the space waits throw
 * BufferClosedError on a closed ring. Both throw BufferAbortedError on an
 * aborted one, also when the abort comes while they sleep.
 */
export class RingWaits {
  private readonly views: Views;
  private readonly cb: number;
  private readonly lc: Lifecycle;
  /** The handle's async waits: one that wakes after the handle's release() ends there. */
  private readonly inFlight: InFlight;
  private readonly unit: string;
  private readonly unitBytes: number;
  private readonly max: number;
  private readonly dataSide: Side;
  private readonly spaceSide: Side;

  constructor(
    views: Views,
    core: RingCore,
    cb: number,
    lc: Lifecycle,
    inFlight: InFlight,
    unit: string,
    unitBytes: number,
    max: number,
  ) {
    this.views = views;
    this.inFlight = inFlight;
    this.cb = cb;
    this.lc = lc;
    this.unit = unit;
    this.unitBytes = unitBytes;
    this.max = max;
    this.dataSide = {
      tail: (cb + RB_PUT_OFF + IDX_TAIL_OFF) >>> 2,
      waiters: (cb + RB_DATA_WAITERS_OFF) >>> 2,
      wake: (cb + RB_DATA_WAKE_OFF) >>> 2,
      measure: core.rb_size,
      producer: false,
    };
    this.spaceSide = {
      tail: (cb + RB_GET_OFF + IDX_TAIL_OFF) >>> 2,
      waiters: (cb + RB_SPACE_WAITERS_OFF) >>> 2,
      wake: (cb + RB_SPACE_WAKE_OFF) >>> 2,
      measure: core.rb_space,
      producer: true,
    };
  }

  /** Checks an amount argument (1 to the capacity) and returns it in bytes. */
  need(n: number): number {
    return this.unitBytes * checkInt(this.unit, n, 1, this.max);
  }

  /** Blocks until `bytes` bytes are readable (or the ring is closed) or `ms` pass; returns whether. */
  data(method: string, ms: number, bytes: number): boolean {
    return this.wait(method, this.dataSide, bytes, ms);
  }

  /** Blocks until `bytes` bytes are free or `ms` pass; returns whether they are. */
  space(method: string, ms: number, bytes: number): boolean {
    return this.wait(method, this.spaceSide, bytes, ms);
  }

  /** The Promise form of {@link RingWaits.data}. */
  dataAsync(ms: number, bytes: number): Promise<boolean> {
    return this.waitAsync(this.dataSide, bytes, deadlineOf(ms));
  }

  /** The Promise form of {@link RingWaits.space}. */
  spaceAsync(ms: number, bytes: number): Promise<boolean> {
    return this.waitAsync(this.spaceSide, bytes, deadlineOf(ms));
  }

  /**
   * Whether the wait is over; throws on abort, and on close for a producer.
   * The state is read before the measure: a close seen here was stored after
   * the producer's last tail store, which the measure then sees (§10).
   */
  private done(i32: Int32Array, side: Side, bytes: number): boolean {
    const s = Atomics.load(i32, this.lc.stateWord);
    if (s !== ST_OPEN) {
      if (s === ST_ABORTED || side.producer) throw this.lc.refusal();
      return true;
    }
    return side.measure(this.cb) >= bytes;
  }

  private wait(method: string, side: Side, bytes: number, ms: number): boolean {
    const deadline = deadlineOf(ms);
    // Shared memory never detaches its views, so this one stays valid.
    const i32 = attached(this.views).i32;
    if (this.done(i32, side, bytes)) return true;
    // Unshared: nothing else can change the ring while this thread waits.
    if (!isSharedView(i32)) return false;
    if (!canBlock()) throw blockingError(method);
    const state = this.lc.stateWord;
    for (;;) {
      let now = performance.now();
      if (deadline - now <= 0) return this.done(i32, side, bytes);
      // Watch the tail and the state without registering (the other side
      // then pays nothing); the clock is read every 64 looks.
      const seen = Atomics.load(i32, side.tail);
      const end = Math.min(now + RING_SPIN_MS, deadline);
      let moved = false;
      do {
        for (let k = 0; k < 64 && !moved; k++) {
          moved = Atomics.load(i32, side.tail) !== seen || Atomics.load(i32, state) !== ST_OPEN;
        }
        now = performance.now();
      } while (!moved && now < end);
      if (this.done(i32, side, bytes)) return true;
      if (moved || deadline - now <= 0) continue;
      // The wake word, then the registration, then the last look, then the
      // sleep: the order the lost-wake-up proof needs (docs/design.md §3).
      const w = Atomics.load(i32, side.wake);
      Atomics.add(i32, side.waiters, 1);
      try {
        if (this.done(i32, side, bytes)) return true;
        Atomics.wait(i32, side.wake, w, deadline - now);
      } finally {
        Atomics.sub(i32, side.waiters, 1);
      }
    }
  }

  private async waitAsync(side: Side, bytes: number, deadline: number): Promise<boolean> {
    for (;;) {
      // Released while asleep: InFlight.run turns this into BufferFreedError, before the block can go back.
      if (this.inFlight.released) return false;
      // An unshared memory may grow (and detach its views) while we poll.
      const i32 = attached(this.views).i32;
      if (this.done(i32, side, bytes)) return true;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      if (waitAsync === undefined || !isSharedView(i32)) {
        // Nobody notifies a poller: it looks again after a short sleep.
        await new Promise<void>((resolve) => setTimeout(resolve, Math.min(remaining, POLL_MS)));
        continue;
      }
      const w = Atomics.load(i32, side.wake);
      Atomics.add(i32, side.waiters, 1);
      try {
        if (this.done(i32, side, bytes)) return true;
        const r = waitAsync(i32, side.wake, w, remaining);
        if (r.async) await r.value;
      } finally {
        Atomics.sub(i32, side.waiters, 1);
      }
    }
  }
}

// The waits of RingBuf and ItemRingBuf: for data (the consumer) and for
// space (the producer), blocking or as a Promise, woken by the other side's
// finish and by close and abort from either side.
//
// A sleeper does not wait on the tail it needs but on its side's wake word
// (RB_DATA_WAKE_OFF, RB_SPACE_WAKE_OFF), because close and abort must be
// able to wake it without touching a tail. One round:
//
//   w = load(wake); add(waiters, 1); look at the tail and the state;
//   if still nothing: Atomics.wait(wake, w); sub(waiters, 1)
//
// The other side's finish stores its tail, reads the waiter count and, if
// non-zero, adds 1 to the wake word and notifies it (assembly/ringbuf.ts);
// close and abort store the state, then add to both wake words and notify
// them (lifecycle.ts). layout.ts has the argument that no wake-up is lost.
// Before it registers, a waiter watches the tail for up to RING_SPIN_MS
// without registering (the finisher then pays nothing), as before.

import {
  IDX_TAIL,
  RB_DATA_WAITERS,
  RB_DATA_WAKE_OFF,
  RB_GET,
  RB_PUT,
  RB_SPACE_WAITERS,
  RB_SPACE_WAKE_OFF,
  ST_ABORTED,
  ST_OPEN,
} from '../assembly/layout.js';
import type { RingCore } from './core.js';
import type { Lifecycle } from './lifecycle.js';
import type { Views } from './views.js';
import { canBlock, deadlineOf, isSharedView } from './wait.js';

/** Sleep between two looks of a polling wait, in ms (no waitAsync, or an unshared memory). */
const POLL_MS = 1;

/**
 * How long a ring's wait watches the tail before it sleeps, in ms: below
 * one wait/notify round trip, which costs more than the other side usually
 * takes to move (figures: bench/README.md, "Cross-thread figures").
 */
const RING_SPIN_MS = 0.01;

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
type WaitAsync = (i32: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult;

const waitAsync: WaitAsync | undefined = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** The i32 indices one side's wait uses, and what it measures. */
interface Side {
  /** The other side's tail: watched while spinning. */
  tail: number;
  waiters: number;
  wake: number;
  measure: (cb: number) => number;
}

function sideOf(core: RingCore, cb: number, space: boolean): Side {
  return space
    ? {
        tail: (cb + RB_GET + IDX_TAIL) >>> 2,
        waiters: (cb + RB_SPACE_WAITERS) >>> 2,
        wake: (cb + RB_SPACE_WAKE_OFF) >>> 2,
        measure: core.rb_space,
      }
    : {
        tail: (cb + RB_PUT + IDX_TAIL) >>> 2,
        waiters: (cb + RB_DATA_WAITERS) >>> 2,
        wake: (cb + RB_DATA_WAKE_OFF) >>> 2,
        measure: core.rb_size,
      };
}

/**
 * @internal The waits of one ring handle. The data waits return true once
 * `bytes` are readable or the producer has closed (the caller then reads
 * what is left and checks `ended`); the space waits throw
 * BufferClosedError on a closed ring. Both throw BufferAbortedError on an
 * aborted one, also when the abort comes while they sleep.
 */
export class RingWaiter {
  private readonly views: Views;
  private readonly cb: number;
  private readonly lc: Lifecycle;
  private readonly data: Side;
  private readonly space: Side;

  constructor(views: Views, core: RingCore, cb: number, lc: Lifecycle) {
    this.views = views;
    this.cb = cb;
    this.lc = lc;
    this.data = sideOf(core, cb, false);
    this.space = sideOf(core, cb, true);
  }

  /**
   * Whether the wait is over: true when `bytes` are there (or, for data, the
   * ring is closed); throws on abort, and on close for space. Reads the
   * state first, so that a close seen here comes after the producer's last
   * tail store, which the measure that follows then sees (layout.ts).
   */
  private done(i32: Int32Array, side: Side, bytes: number): boolean {
    const s = Atomics.load(i32, this.lc.stateWord);
    if (s !== ST_OPEN) {
      if (s === ST_ABORTED) throw this.lc.aborted();
      if (side === this.space) throw this.lc.refusal();
      return true;
    }
    return side.measure(this.cb) >= bytes;
  }

  /** Blocks until {@link RingWaiter.done} or `ms` pass; `method` names the call in the error of a thread that may not block. */
  wait(method: string, spaceSide: boolean, bytes: number, ms: number): boolean {
    const deadline = deadlineOf(ms);
    const side = spaceSide ? this.space : this.data;
    const v = this.views;
    v.sync();
    if (this.done(v.i32, side, bytes)) return true;
    // Shared memory never detaches its views, so this one stays valid.
    const i32 = v.i32;
    // Unshared: nothing else can change the ring while this thread waits.
    if (!isSharedView(i32)) return false;
    if (!canBlock()) {
      throw new Error(`${method} cannot block on this thread (a browser's main thread may not): use ${method}Async`);
    }
    for (;;) {
      let now = performance.now();
      if (deadline - now <= 0) return this.done(i32, side, bytes);
      // Watch the tail (and the state) without registering.
      const seen = Atomics.load(i32, side.tail);
      const end = Math.min(now + RING_SPIN_MS, deadline);
      let moved = false;
      do {
        for (let k = 0; k < 64 && !moved; k++) {
          moved = Atomics.load(i32, side.tail) !== seen || Atomics.load(i32, this.lc.stateWord) !== ST_OPEN;
        }
        now = performance.now();
      } while (!moved && now < end);
      if (this.done(i32, side, bytes)) return true;
      if (moved) continue;
      if (deadline - now <= 0) return false;
      // Wake word, then registration, then the last look: this order is the
      // lost-wake-up argument of layout.ts.
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

  /** The Promise form of {@link RingWaiter.wait}, for any thread. Bad arguments throw at once. */
  waitAsync(spaceSide: boolean, bytes: number, ms: number): Promise<boolean> {
    return this.loopAsync(spaceSide ? this.space : this.data, bytes, deadlineOf(ms));
  }

  private async loopAsync(side: Side, bytes: number, deadline: number): Promise<boolean> {
    const v = this.views;
    for (;;) {
      // An unshared memory may grow (and detach its views) while we poll.
      v.sync();
      const i32 = v.i32;
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

// A handle's async waits in flight, so that release() cannot hand their
// buffer's memory to another buffer under them: a wait that ends writes its
// side's waiter count in the control block, and loops on the buffer's
// words until then. release() wakes them (they end with BufferFreedError)
// and the block goes back to the heap when the last one has ended.

import { BufferFreedError } from './freed.js';

/** @internal The async waits of one handle, and its release while any is pending. */
export class InFlight {
  /** Waits started and not ended. */
  private count = 0;
  /** What release() left to do once the last wait ends (give the block back), or null. */
  private onIdle: (() => void) | null = null;
  /** Set by release(): a wait that wakes after it ends with `BufferFreedError`. */
  released = false;

  /**
   * Starts the async wait `wait` (argument errors it throws before its first
   * await still throw here, synchronously) and counts it until it ends;
   * after a release it ends with BufferFreedError naming `type`.
   */
  run<T>(type: string, wait: () => Promise<T>): Promise<T> {
    const pending = wait();
    this.count++;
    return this.settle(type, pending);
  }

  private async settle<T>(type: string, pending: Promise<T>): Promise<T> {
    try {
      const r = await pending;
      if (this.released) throw new BufferFreedError(type);
      return r;
    } finally {
      if (--this.count === 0 && this.onIdle !== null) {
        const last = this.onIdle;
        this.onIdle = null;
        last();
      }
    }
  }

  /**
   * Marks the handle released and runs `giveBack` now if no wait is pending,
   * else after the last one ends; returns whether it had to wait (the
   * caller then wakes the sleepers, so that they end at once).
   */
  release(giveBack: () => void): boolean {
    this.released = true;
    if (this.count === 0) {
      giveBack();
      return false;
    }
    this.onIdle = giveBack;
    return true;
  }
}

// Event-loop helpers of the streams: a callback on the next turn, and a hold
// that keeps the loop alive while a stream waits on shared memory.

type Immediate = (fn: () => void) => unknown;

const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;

/**
 * Runs `fn` on the next turn of the event loop: after the current task and
 * its microtasks, so that everything written meanwhile goes out at once.
 * setImmediate where it exists (Node, Bun), else a 0 ms timer.
 */
export function nextTurn(fn: () => void): void {
  if (immediate !== undefined) immediate(fn);
  else setTimeout(fn, 0);
}

/** The interval that holds the loop; it never fires in practice. */
const HOLD_MS = 2 ** 30;
const noop = (): void => {};

/**
 * Keeps the event loop alive while a stream waits for the other thread.
 * A pending Atomics.waitAsync does not: Node (and a worker thread) would
 * exit in the middle of a stream that has not ended. One idle interval is
 * held from `hold()` to `release()`; once a stream has ended nothing is
 * held, so the process can exit by itself.
 */
export class LoopHold {
  private timer: ReturnType<typeof setInterval> | null = null;

  hold(): void {
    if (this.timer === null) this.timer = setInterval(noop, HOLD_MS);
  }

  release(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

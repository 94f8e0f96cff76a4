// The producer side of a byte stream over a RingBuf, with automatic batching.
//
// Strings are encoded, one pass each, into a private stage (TextStage), and
// the stage goes into the ring in one copy; byte chunks are placed with
// RingBuf.write (or writeText for strings too long for the stage). Either
// way the bytes stay pending and are published by one flush on the next
// turn of the event loop, or at once when `batchBytes` are pending. A stream
// of small writes thus pays one publication (one store the other core must
// fetch, and one wake-up) per batch instead of per chunk, and no byte waits
// longer than one turn. When the ring is full the producer publishes and
// waits for space without blocking the thread; writes wait behind it.

import { checkInt } from '../errors.js';
import type { RingBuf } from '../ringbuf.js';
import { TextStage, utf8Length, writeText } from '../text.js';
import { abortUnlessOver } from './lifecycle.js';
import { LoopHold, nextTurn } from './turn.js';

/**
 * Default for `batchBytes`: the size of RingBuf.write's stage, one copy into shared memory per batch.
 * @example
 * ```ts
 * new RingWritable(rb, { batchBytes: 4 * BATCH_BYTES });   // fewer, larger publications
 * ```
 */
export const BATCH_BYTES = 4096;

const noop = (): void => {};

/** @internal A RingBuf producer that batches by itself; the Node and Web writables share it. */
export class RingProducer {
  readonly rb: RingBuf;
  private readonly batchBytes: number;
  /** Bytes placed in the ring (RingBuf.write, writeText) and not yet published. */
  private pending = 0;
  /** Strings of up to a third of its size, encoded here first and copied into the ring at publication. */
  private readonly text: TextStage;
  /** Set while the stage waits for room in the ring: every write waits behind it. */
  private moving: Promise<void> | null = null;
  private scheduled = false;
  private readonly hold = new LoopHold();
  private readonly onTurn = (): void => {
    this.scheduled = false;
    // A closed or aborted ring has nothing pending, and flush would throw;
    // a stage being moved is published by its mover.
    if (this.moving !== null || this.rb.state !== 'open') return;
    // A failure (an abort while waiting for room) reaches the next write or
    // the close, which wait on the same move.
    this.publish()?.catch(noop);
  };

  /** @throws RangeError unless `batchBytes` is an integer from 1 to 2^30. */
  constructor(rb: RingBuf, batchBytes = BATCH_BYTES) {
    checkInt('batchBytes', batchBytes, 1, 2 ** 30);
    this.rb = rb;
    this.batchBytes = batchBytes;
    this.text = new TextStage(2 * Math.max(batchBytes, BATCH_BYTES));
  }

  /**
   * Writes all of `chunk`; returns undefined when it is all placed (in the
   * stage or the ring), or a Promise when the ring was full and the rest
   * follows as space frees. Throws (or rejects) with the buffer's error
   * once it is closed or aborted.
   */
  write(chunk: Uint8Array | string): Promise<void> | undefined {
    if (this.moving !== null) return this.moving.then(() => this.write(chunk));
    const rb = this.rb;
    if (typeof chunk === 'string') {
      // The stage does not touch the ring: check its state here. putClaim(0)
      // claims nothing and throws the error of a closed or aborted ring.
      if (rb.state !== 'open') rb.putClaim(0);
      if (this.text.add(chunk)) return this.wrote();
      const moved = this.moveText();
      if (moved !== undefined) return moved.then(() => this.write(chunk));
      if (this.text.add(chunk)) return this.wrote();
      // Too long for the stage: encoded straight into the ring.
      const took = writeText(rb, chunk);
      if (took === chunk.length) {
        this.pending += took;
        return this.wrote();
      }
      this.publish();
      return this.textRest(chunk, took);
    }
    const moved = this.moveText();
    if (moved !== undefined) return moved.then(() => this.write(chunk));
    const done = rb.write(chunk);
    if (done === chunk.length) {
      this.pending += done;
      return this.wrote();
    }
    // write() published what was pending when it came up short.
    this.pending = 0;
    return this.bytesRest(chunk, done);
  }

  /** After a write: publishes now if a batch is full, else on the next turn. */
  private wrote(): Promise<void> | undefined {
    if (this.pending + this.text.length >= this.batchBytes) return this.publish();
    if (!this.scheduled) {
      this.scheduled = true;
      nextTurn(this.onTurn);
    }
    return undefined;
  }

  /**
   * Publishes every pending byte now: the ring's, then the stage's, or as
   * much of the stage as fits, returning a Promise that publishes the rest
   * as space frees.
   */
  publish(): Promise<void> | undefined {
    const moved = this.moveText();
    this.pending = 0;
    this.rb.flush();
    return moved;
  }

  /** Places the stage in the ring (pending); a Promise if it did not all fit. */
  private moveText(): Promise<void> | undefined {
    const t = this.text,
      n = t.length;
    if (n === 0) return undefined;
    const done = this.rb.write(t.bytes, 0, n);
    if (done === n) {
      t.length = 0;
      this.pending += n;
      return undefined;
    }
    // write() published what was pending when it came up short.
    this.pending = 0;
    const p = this.textStageRest(done);
    this.moving = p;
    const clear = (): void => {
      if (this.moving === p) this.moving = null;
    };
    p.then(clear, clear);
    return p;
  }

  /** Places the rest of the stage from byte `done` as space frees, publishing as it goes. */
  private async textStageRest(done: number): Promise<void> {
    const rb = this.rb,
      t = this.text,
      n = t.length;
    this.hold.hold();
    try {
      while (done < n) {
        await rb.waitForSpaceAsync(Infinity, Math.max(1, Math.min(n - done, rb.capacity >>> 1)));
        done += rb.write(t.bytes, done, n);
      }
      rb.flush();
    } finally {
      // Also on an abort: the error that ends the wait is the writer's error.
      t.length = 0;
      this.hold.release();
    }
  }

  private async bytesRest(chunk: Uint8Array, done: number): Promise<void> {
    const rb = this.rb,
      n = chunk.length;
    this.hold.hold();
    try {
      while (done < n) {
        await rb.waitForSpaceAsync(Infinity, Math.min(n - done, rb.capacity >>> 1));
        done += rb.write(chunk, done, n);
      }
    } finally {
      this.hold.release();
    }
    this.publish();
  }

  private async textRest(s: string, from: number): Promise<void> {
    const rb = this.rb;
    this.hold.hold();
    try {
      while (from < s.length) {
        // Enough room for the rest, or half the ring, but at least one character (4 bytes at most).
        const need = Math.min(Math.max(4, Math.min(utf8Length(s, from), rb.capacity >>> 1)), rb.capacity);
        await rb.waitForSpaceAsync(Infinity, need);
        const took = writeText(rb, s, from);
        if (took === 0 && rb.space === rb.capacity) {
          throw new RangeError(`a character of the string does not fit in the ${rb.capacity}-byte RingBuf`);
        }
        from += took;
        if (from < s.length) this.publish();
      }
    } finally {
      this.hold.release();
    }
    this.publish();
  }

  /**
   * Publishes what is pending and closes the ring: the consumer reads it
   * all, then sees the end. A Promise when the stage waits for room first.
   */
  close(): Promise<void> | undefined {
    if (this.moving !== null) return this.moving.then(() => this.close());
    // flush, not only close: close publishes write()'s bytes but cancels
    // other put claims, and text is written through claims.
    if (this.rb.state === 'open') {
      const moved = this.publish();
      if (moved !== undefined) return moved.then(() => this.rb.close());
    }
    this.rb.close();
    return undefined;
  }

  /** Aborts the ring with the code for `reason`, unless it is already over. */
  abort(reason: unknown): void {
    this.pending = 0;
    this.text.length = 0;
    this.hold.release();
    abortUnlessOver(this.rb, reason);
  }
}

// The producer side of a byte stream over a RingBuf, with automatic batching.
//
// Each chunk is placed with RingBuf.write (or writeText for strings) and
// stays pending; the pending bytes are published by one flush on the next
// turn of the event loop, or at once when `batchBytes` are pending. A stream
// of small writes thus pays one publication (one store the other core must
// fetch, and one wake-up) per batch instead of per chunk, and no byte waits
// longer than one turn. When the ring is full the producer publishes and
// waits for space without blocking the thread.

import type { RingBuf } from '../ringbuf.js';
import { utf8Length, writeText } from '../text.js';
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

/** @internal A RingBuf producer that batches by itself; the Node and Web writables share it. */
export class RingProducer {
  readonly rb: RingBuf;
  private readonly batchBytes: number;
  /** Bytes (code units for strings: a bound, not a count) written and not yet published. */
  private pending = 0;
  private scheduled = false;
  private readonly hold = new LoopHold();
  private readonly onTurn = (): void => {
    this.scheduled = false;
    // A closed or aborted ring has nothing pending, and flush would throw.
    if (this.pending !== 0 && this.rb.state === 'open') this.publish();
  };

  constructor(rb: RingBuf, batchBytes = BATCH_BYTES) {
    this.rb = rb;
    this.batchBytes = batchBytes;
  }

  /**
   * Writes all of `chunk`; returns undefined when it is all in the ring,
   * or a Promise when the ring was full and the rest follows as space frees.
   * Throws (or rejects) with the buffer's error once it is closed or aborted.
   */
  write(chunk: Uint8Array | string): Promise<void> | undefined {
    const rb = this.rb;
    if (typeof chunk === 'string') {
      const took = writeText(rb, chunk);
      if (took === chunk.length) return this.wrote(took);
      this.publish();
      return this.textRest(chunk, took);
    }
    const done = rb.write(chunk);
    if (done === chunk.length) return this.wrote(done);
    // write() published what was pending when it came up short.
    this.pending = 0;
    return this.bytesRest(chunk, done);
  }

  /** Notes `n` more pending bytes; publishes now if a batch is full, else on the next turn. */
  private wrote(n: number): undefined {
    this.pending += n;
    if (this.pending >= this.batchBytes) this.publish();
    else if (!this.scheduled) {
      this.scheduled = true;
      nextTurn(this.onTurn);
    }
    return undefined;
  }

  /** Publishes every pending byte now. */
  publish(): void {
    this.pending = 0;
    this.rb.flush();
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

  /** Publishes what is pending and closes the ring: the consumer reads it all, then sees the end. */
  close(): void {
    // flush, not only close: close publishes write()'s bytes but cancels
    // other put claims, and text is written through claims.
    if (this.rb.state === 'open') this.publish();
    this.rb.close();
  }

  /** Aborts the ring with the code for `reason`, unless it is already over. */
  abort(reason: unknown): void {
    this.pending = 0;
    this.hold.release();
    abortUnlessOver(this.rb, reason);
  }
}

// Both ends of a message stream over an MpscPbuf (framing.ts): a producer
// per thread, one consumer. The Node and Web streams share them.

import type { MpscPbuf } from '../mpsc-pbuf.js';
import {
  checkMessageBuffer,
  commitEnd,
  commitMessage,
  isEnd,
  MESSAGE_HEADER_WORDS,
  messageBytes,
  messageWords,
  PacketBytes,
  readMessage,
} from './framing.js';
import { abortUnlessOver } from './lifecycle.js';
import { LoopHold } from './turn.js';

/** What {@link MessageConsumer.poll} returns once the stream is over. */
export const DONE: unique symbol = Symbol('done');

/** @internal One producer of messages: one packet per message, committed at once. */
export class MessageProducer {
  readonly pb: MpscPbuf;
  private readonly view = new PacketBytes();
  private readonly hold = new LoopHold();

  constructor(pb: MpscPbuf) {
    checkMessageBuffer(pb);
    this.pb = pb;
  }

  /** Checks `msg` (TypeError, RangeError) and returns its length in bytes; nothing is written. */
  check(msg: unknown): number {
    return messageBytes(this.pb, msg);
  }

  /**
   * Commits `msg` of `bytes` bytes (from {@link MessageProducer.check});
   * returns undefined when done, or a Promise when it waits for room.
   */
  write(msg: Uint8Array | string, bytes: number): Promise<void> | undefined {
    const p = this.pb.alloc(messageWords(bytes));
    if (p === null) return this.later(msg, bytes);
    commitMessage(this.pb, this.view, p, msg, bytes);
    return undefined;
  }

  private async later(msg: Uint8Array | string | null, bytes: number): Promise<void> {
    this.hold.hold();
    try {
      const p = await this.pb.allocAsync(messageWords(bytes), Infinity);
      if (p === null) throw new Error('MpscPbuf.allocAsync gave up waiting for room');
      if (msg === null) commitEnd(this.pb, p);
      else commitMessage(this.pb, this.view, p, msg, bytes);
    } finally {
      this.hold.release();
    }
  }

  /** Commits this producer's end marker: the consumer counts it (see `producers`). */
  end(): Promise<void> | undefined {
    const p = this.pb.alloc(MESSAGE_HEADER_WORDS);
    if (p === null) return this.later(null, 0);
    commitEnd(this.pb, p);
    return undefined;
  }

  /** Closes the whole buffer (every producer): the consumer reads what was committed, then ends. */
  close(): void {
    this.pb.close();
  }

  abort(reason: unknown): void {
    this.hold.release();
    abortUnlessOver(this.pb, reason);
  }
}

/** @internal The consumer of messages. */
export class MessageConsumer {
  readonly pb: MpscPbuf;
  private readonly producers: number;
  private ends = 0;
  private done = false;
  private readonly view = new PacketBytes();
  private readonly hold = new LoopHold();
  private readonly alloc: (n: number) => Uint8Array;

  /** Ends after `producers` end markers (Infinity: only when the buffer has ended). */
  constructor(pb: MpscPbuf, producers: number, alloc: (n: number) => Uint8Array) {
    checkMessageBuffer(pb);
    if (producers !== Infinity && !(Number.isInteger(producers) && producers >= 1)) {
      throw new RangeError(`producers must be an integer from 1 up, or Infinity, got ${producers}`);
    }
    this.pb = pb;
    this.producers = producers;
    this.alloc = alloc;
  }

  /** Whether the stream is over (every producer's end seen, or the buffer ended). */
  get over(): boolean {
    return this.done;
  }

  /** The next message if one is ready, null if none is, DONE once the stream is over. */
  poll(): Uint8Array | string | null | typeof DONE {
    const pb = this.pb;
    for (;;) {
      if (this.done) return DONE;
      const p = pb.claim();
      if (p === null) {
        if (!pb.ended) return null;
        this.done = true;
        return DONE;
      }
      const m = this.take(p);
      if (m !== null) return m;
    }
  }

  /** The message of the claimed packet `p`, freed; null for an end marker (counted). */
  private take(p: number): Uint8Array | string | null {
    const pb = this.pb;
    if (isEnd(pb, p)) {
      pb.free(p);
      if (++this.ends >= this.producers) this.done = true;
      return null;
    }
    const m = readMessage(pb, this.view, p, this.alloc);
    pb.free(p);
    return m;
  }

  /** The next message, waiting for it without blocking the thread; DONE once the stream is over. */
  async next(): Promise<Uint8Array | string | typeof DONE> {
    for (;;) {
      const m = this.poll();
      if (m !== null) return m;
      this.hold.hold();
      let p: number | null;
      try {
        p = await this.pb.claimAsync(Infinity);
      } finally {
        this.hold.release();
      }
      if (p === null) continue; // the buffer ended: poll says so
      const taken = this.take(p);
      if (taken !== null) return taken;
    }
  }

  abort(reason: unknown): void {
    this.hold.release();
    if (!this.done) abortUnlessOver(this.pb, reason);
  }
}

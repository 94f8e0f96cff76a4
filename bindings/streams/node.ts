// Node streams over the buffers (`wasm-ringbuf/node`): a byte Writable and
// Readable over a RingBuf, and object-mode ones over an MpscPbuf, one
// message per packet. Every wait is asynchronous, so no thread's event loop
// is ever blocked, and nothing holds the loop once a stream has ended.

import { Buffer } from 'node:buffer';
import { Readable, Writable } from 'node:stream';
import type { MpscPbuf } from '../mpsc-pbuf.js';
import type { RingBuf } from '../ringbuf.js';
import { RingProducer } from './batching.js';
import { abortUnlessOver } from './lifecycle.js';
import { DONE, MessageConsumer, MessageProducer } from './messages.js';
import { LoopHold } from './turn.js';
import { TextReader } from '../text.js';

export { ABORT_CANCELLED, ABORT_ERROR } from './lifecycle.js';
export { BATCH_BYTES } from './batching.js';
export { maxMessageBytes } from './framing.js';
export { TextReader, utf8Length, writeText } from '../text.js';

/**
 * Options of {@link RingWritable}.
 * @example
 * ```ts
 * new RingWritable(rb, { highWaterMark: 64 * 1024, batchBytes: 8192 });
 * ```
 */
export interface RingWritableOptions {
  /** Node's highWaterMark, in bytes buffered in the stream (not in the ring) before write() returns false. Default: Node's. */
  highWaterMark?: number;
  /** Publish at once when this many bytes are pending, else on the next turn of the event loop. Default 4096. */
  batchBytes?: number;
}

const writeError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** Calls a stream callback when a write step is done: at once if it finished synchronously, else when it settles. */
function settle(p: Promise<void> | undefined, cb: (e?: Error | null) => void): void {
  if (p === undefined) cb();
  else
    p.then(
      () => cb(),
      (e) => cb(writeError(e)),
    );
}

/**
 * A Writable of bytes and strings into a RingBuf, for the producer's thread.
 * Chunks go into the ring as they come and are published together on the
 * next turn of the event loop (or when `batchBytes` are pending), with no
 * call from you; strings are encoded as UTF-8 (short ones one after another
 * in a private stage, copied into the ring in one piece when published).
 * `_writev` places a whole batch and publishes it once. When the ring is
 * full the chunk waits (asynchronously) for space, and Node buffers the
 * writes behind it: `write()` returns false beyond `highWaterMark`, and
 * `'drain'` follows, as for any Writable. `end()` closes the ring: the
 * reader gets everything, then its end. `destroy(err)` aborts it (code
 * `err.abortCode` if valid, else {@link ABORT_ERROR}; {@link ABORT_CANCELLED}
 * without an error), and the other side's next operation fails.
 * @example
 * ```ts
 * // a worker: send log lines to the main thread
 * const engine = await createEngine('wasm', { memory: desc.memory, module });
 * const out = new RingWritable(RingBuf.attach(engine, desc));
 * out.write('{"level":30,"msg":"hello"}\n');
 * out.end();
 * ```
 */
export class RingWritable extends Writable {
  /** The ring it writes. */
  readonly ring: RingBuf;
  private readonly producer: RingProducer;
  private closedRing = false;

  constructor(rb: RingBuf, options: RingWritableOptions = {}) {
    super({ highWaterMark: options.highWaterMark, decodeStrings: false });
    this.ring = rb;
    this.producer = new RingProducer(rb, options.batchBytes);
  }

  /** @internal */
  override _write(chunk: Buffer | string, encoding: BufferEncoding, cb: (e?: Error | null) => void): void {
    let p: Promise<void> | undefined;
    try {
      p = this.producer.write(asChunk(chunk, encoding));
    } catch (e) {
      cb(writeError(e));
      return;
    }
    settle(p, cb);
  }

  /** @internal Places every chunk of the batch, then publishes them with one flush. */
  override _writev(
    chunks: { chunk: Buffer | string; encoding: BufferEncoding }[],
    cb: (e?: Error | null) => void,
  ): void {
    settle(this.writeFrom(chunks, 0), cb);
  }

  private async writeFrom(chunks: { chunk: Buffer | string; encoding: BufferEncoding }[], i: number): Promise<void> {
    for (; i < chunks.length; i++) {
      const p = this.producer.write(asChunk(chunks[i].chunk, chunks[i].encoding));
      if (p !== undefined) await p;
    }
    await this.producer.publish();
  }

  /** @internal end(): publish and close the ring. */
  override _final(cb: (e?: Error | null) => void): void {
    let p: Promise<void> | undefined;
    try {
      p = this.producer.close();
    } catch (e) {
      cb(writeError(e));
      return;
    }
    settle(p, (e) => {
      if (!e) this.closedRing = true;
      cb(e);
    });
  }

  /** @internal destroy(err): abort the ring unless it was closed. */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    try {
      if (!this.closedRing) this.producer.abort(err);
    } catch {
      // The ring's state already says why (aborted by the other side).
    }
    cb(err);
  }
}

/** A chunk as the producer takes it: UTF-8 strings as they are, other encodings as bytes. */
function asChunk(chunk: Buffer | string, encoding: BufferEncoding): Uint8Array | string {
  if (typeof chunk !== 'string' || encoding === 'utf8' || encoding === 'utf-8') return chunk;
  return Buffer.from(chunk, encoding);
}

/**
 * Options of {@link RingReadable}.
 * @example
 * ```ts
 * new RingReadable(rb, { chunkBytes: 16384 });
 * ```
 */
export interface RingReadableOptions {
  /** Node's highWaterMark in bytes. Default: Node's. */
  highWaterMark?: number;
  /** The largest chunk it pushes, in bytes. Default 65536. */
  chunkBytes?: number;
}

/**
 * A Readable of the bytes in a RingBuf, for the consumer's thread (async
 * iteration included). Each chunk is a Buffer holding everything readable
 * at the time (up to `chunkBytes`); `setEncoding('utf8')` gives strings, with
 * characters split at the wrap or between chunks put back together. Called
 * before the first read, it decodes in place from the ring (one string per
 * run, no Buffer copied out): the fast way to read text. It
 * ends when the producer has closed the ring and every byte was read, and
 * errors with the buffer's BufferAbortedError when either side aborts.
 * Destroying it before its end aborts the ring, so that the producer stops.
 * @example
 * ```ts
 * const rb = new RingBuf(engine, 1 << 16);
 * new Worker('./logger.js', { workerData: { desc: rb.descriptor, module: engine.module } });
 * for await (const line of readline.createInterface({ input: new RingReadable(rb) })) console.log(line);
 * ```
 */
export class RingReadable extends Readable {
  /** The ring it reads. */
  readonly ring: RingBuf;
  private readonly chunkBytes: number;
  private readonly hold = new LoopHold();
  private waiting = false;
  /**
   * Set at the first read after setEncoding('utf8'): text is then decoded
   * straight from the ring, one TextDecoder call per contiguous run, with
   * no Buffer copied out (the copy and Node's StringDecoder were most of a
   * text reader's time; bench/README.md).
   */
  private text: TextReader | null = null;
  /** Whether a Buffer was pushed: Node's own decoder then holds the stream's state, so it keeps decoding. */
  private pushedBytes = false;

  constructor(rb: RingBuf, options: RingReadableOptions = {}) {
    super({ highWaterMark: options.highWaterMark });
    this.ring = rb;
    this.chunkBytes = options.chunkBytes ?? 65536;
  }

  /** @internal */
  override _read(): void {
    if (this.waiting) return;
    const rb = this.ring;
    try {
      // setEncoding('utf8') before the first chunk: decode runs in place (below).
      if (this.text === null && !this.pushedBytes && this.readableEncoding === 'utf8') this.text = new TextReader(rb);
      const n = rb.size;
      if (n > 0) {
        if (this.text !== null) {
          const s = this.text.read(this.chunkBytes);
          // '' when only the first bytes of a character came: wait for the rest.
          if (s !== '') {
            this.push(s, 'utf8');
            return;
          }
        } else {
          const buf = Buffer.allocUnsafe(Math.min(n, this.chunkBytes));
          rb.get(buf);
          this.pushedBytes = true;
          this.push(buf);
          return;
        }
      }
      if (rb.ended) {
        const rest = this.text?.end() ?? '';
        if (rest !== '') this.push(rest, 'utf8');
        this.push(null);
        return;
      }
      this.waiting = true;
      this.hold.hold();
      rb.waitForDataAsync().then(this.woke, this.failed);
    } catch (e) {
      this.destroy(writeError(e));
    }
  }

  private readonly woke = (): void => {
    this.waiting = false;
    this.hold.release();
    if (!this.destroyed) this._read();
  };

  private readonly failed = (e: unknown): void => {
    this.waiting = false;
    this.hold.release();
    this.destroy(writeError(e));
  };

  /** @internal Destroyed before its end: abort, so that the producer does not wait for ever. */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.hold.release();
    try {
      abortUnlessOver(this.ring, err);
    } catch {
      // Already over.
    }
    cb(err);
  }
}

/**
 * Options of {@link MessageWritable}.
 * @example
 * ```ts
 * new MessageWritable(pb, { highWaterMark: 64 });
 * ```
 */
export interface MessageWritableOptions {
  /** Messages buffered in the stream before write() returns false. Default: Node's object mode default (16). */
  highWaterMark?: number;
  /**
   * What `end()` does: `'producer'` (default) commits this producer's end
   * marker, so that a {@link MessageReadable} with `producers: N` ends after
   * N of them and the other producers go on; `'buffer'` also closes the
   * whole buffer (the lifecycle's close), for the last or only producer.
   */
  end?: 'producer' | 'buffer';
}

/**
 * An object-mode Writable of messages (Uint8Array or string) into an
 * MpscPbuf: one packet per message, so many threads can each have one. A
 * message the buffer can never hold makes `write()` throw a RangeError that
 * names its size and the limit, and one that is neither bytes nor a string a
 * TypeError; nothing is written and the stream goes on. When the buffer is
 * full the message waits (asynchronously) for room, and Node buffers the
 * messages behind it (`highWaterMark`, `'drain'`). In overwrite mode the
 * buffer drops its oldest packets instead, and counts them (`pb.dropped`).
 * @example
 * ```ts
 * // each of four workers:
 * const out = new MessageWritable(MpscPbuf.attach(engine, desc));
 * out.write(JSON.stringify({ worker: id, msg: 'started' }));
 * out.end();                                   // the consumer counts 4 ends
 * ```
 */
export class MessageWritable extends Writable {
  /** The buffer it writes. */
  readonly buffer: MpscPbuf;
  private readonly producer: MessageProducer;
  private readonly endMode: 'producer' | 'buffer';
  private ended_ = false;
  /** The last message write() checked, and its length in bytes. */
  private checked: unknown = null;
  private checkedBytes = 0;

  constructor(pb: MpscPbuf, options: MessageWritableOptions = {}) {
    super({ objectMode: true, highWaterMark: options.highWaterMark });
    const { end = 'producer' } = options;
    if (end !== 'producer' && end !== 'buffer')
      throw new TypeError(`options.end must be 'producer' or 'buffer', got ${end}`);
    this.buffer = pb;
    this.producer = new MessageProducer(pb);
    this.endMode = end;
  }

  /**
   * Node's write(), after checking the message.
   * @throws TypeError for a message that is not a Uint8Array or a string;
   * RangeError for one larger than the buffer can ever hold (nothing is written).
   */
  override write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    // Checked here, not in _write, so that a bad message throws to its writer
    // and leaves the stream going, as Node does for a chunk of the wrong type.
    this.checkedBytes = this.producer.check(chunk);
    this.checked = chunk;
    return (super.write as (c: unknown, e?: unknown, cb?: unknown) => boolean)(chunk, encoding, cb);
  }

  /** @internal */
  override _write(msg: Uint8Array | string, _: BufferEncoding, cb: (e?: Error | null) => void): void {
    let p: Promise<void> | undefined;
    try {
      // Checked in write() unless it came through end(msg).
      const bytes = msg === this.checked ? this.checkedBytes : this.producer.check(msg);
      this.checked = null;
      p = this.producer.write(msg, bytes);
    } catch (e) {
      cb(writeError(e));
      return;
    }
    settle(p, cb);
  }

  /** @internal end(): the end marker, and a close of the buffer with `end: 'buffer'`. */
  override _final(cb: (e?: Error | null) => void): void {
    const done = (): void => {
      try {
        if (this.endMode === 'buffer') this.producer.close();
        this.ended_ = true;
        cb();
      } catch (e) {
        cb(writeError(e));
      }
    };
    let p: Promise<void> | undefined;
    try {
      p = this.producer.end();
    } catch (e) {
      cb(writeError(e));
      return;
    }
    if (p === undefined) done();
    else p.then(done, (e) => cb(writeError(e)));
  }

  /** @internal destroy(err) before the end aborts the whole buffer. */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    try {
      if (!this.ended_) this.producer.abort(err);
    } catch {
      // Already over.
    }
    cb(err);
  }
}

/**
 * Options of {@link MessageReadable}.
 * @example
 * ```ts
 * new MessageReadable(pb, { producers: 4 });
 * ```
 */
export interface MessageReadableOptions {
  /** End after this many producers' end markers (see {@link MessageWritable}). Default: only when the buffer ends (closed and drained). */
  producers?: number;
  /** Messages buffered before it stops reading. Default: Node's object mode default (16). */
  highWaterMark?: number;
}

/**
 * An object-mode Readable of the messages in an MpscPbuf, one per packet,
 * in the order they were allocated: strings for text messages, Buffers for
 * byte ones. It ends after `producers` end markers or when the buffer has
 * ended, and errors with BufferAbortedError when the buffer is aborted.
 * Destroying it before its end aborts the buffer, so that producers stop.
 * @example
 * ```ts
 * const pb = new MpscPbuf(engine, 1 << 16);
 * for (let i = 0; i < 4; i++) new Worker('./producer.js', { workerData: { desc: pb.descriptor, module: engine.module } });
 * for await (const msg of new MessageReadable(pb, { producers: 4 })) console.log(msg);
 * ```
 */
export class MessageReadable extends Readable {
  /** The buffer it reads. */
  readonly buffer: MpscPbuf;
  private readonly consumer: MessageConsumer;
  private waiting = false;

  constructor(pb: MpscPbuf, options: MessageReadableOptions = {}) {
    super({ objectMode: true, highWaterMark: options.highWaterMark });
    this.buffer = pb;
    this.consumer = new MessageConsumer(pb, options.producers ?? Infinity, (n) => Buffer.allocUnsafe(n));
  }

  /** @internal */
  override _read(): void {
    if (this.waiting) return;
    try {
      for (;;) {
        const m = this.consumer.poll();
        if (m === DONE) {
          this.push(null);
          return;
        }
        if (m === null) break;
        if (!this.push(m)) return;
      }
    } catch (e) {
      this.destroy(writeError(e));
      return;
    }
    this.waiting = true;
    this.consumer.next().then(
      (m) => {
        this.waiting = false;
        if (this.destroyed) return;
        if (m === DONE) this.push(null);
        else if (this.push(m)) this._read();
      },
      (e) => {
        this.waiting = false;
        this.destroy(writeError(e));
      },
    );
  }

  /** @internal Destroyed before its end: abort, so that producers do not wait for ever. */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    try {
      this.consumer.abort(err);
    } catch {
      // Already over.
    }
    cb(err);
  }
}

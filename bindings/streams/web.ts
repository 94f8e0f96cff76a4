// Web streams over the buffers (`wasm-ringbuf/web`): WHATWG WritableStream
// and ReadableStream, for browsers (a Web Worker and the main thread),
// Node, Deno and Bun. Nothing here blocks a thread: every wait is an
// Atomics.waitAsync (or a short poll where that is missing).

import type { MpscPbuf } from '../mpsc-pbuf.js';
import type { RingBuf } from '../ringbuf.js';
import { RingProducer } from './batching.js';
import { abortUnlessOver } from './lifecycle.js';
import { DONE, MessageConsumer, MessageProducer } from './messages.js';
import { LoopHold } from './turn.js';

export { ABORT_CANCELLED, ABORT_ERROR } from './lifecycle.js';
export { BATCH_BYTES } from './batching.js';
export { maxMessageBytes } from './framing.js';
export { TextReader, utf8Length, writeText } from '../text.js';

/** A chunk a byte WritableStream takes: bytes (any ArrayBuffer view or an ArrayBuffer) or a string (UTF-8). */
export type ByteChunk = ArrayBufferView | ArrayBuffer | string;

/**
 * Options of {@link ringWritableStream}.
 * @example
 * ```ts
 * ringWritableStream(rb, { highWaterMark: 1 << 16 });
 * ```
 */
export interface RingWritableStreamOptions {
  /** Bytes (code units for strings) queued in the stream before `writer.desiredSize` goes to 0. Default 65536. */
  highWaterMark?: number;
  /** Publish at once when this many bytes are pending, else on the next turn of the event loop. Default 4096. */
  batchBytes?: number;
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? `a ${v.constructor?.name ?? 'object'}` : typeof v;
}

/** The bytes of a chunk, without a copy; a TypeError for anything else. */
function bytesOf(chunk: unknown): Uint8Array | string {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`a chunk must be an ArrayBuffer, a view of one or a string, got ${describe(chunk)}`);
}

/**
 * Aborts the buffer of a writable whose write failed, so that the reader does
 * not wait for ever on a stream that has errored, and rejects with `e`.
 */
function failed(producer: { abort(reason: unknown): void }, e: unknown): Promise<never> {
  try {
    producer.abort(e);
  } catch {
    // Already over: the reader knows.
  }
  return Promise.reject(e);
}

/**
 * A WritableStream of bytes and strings into a RingBuf. Chunks go into the
 * ring as they come and are published together on the next turn of the
 * event loop (or when `batchBytes` are pending); strings are encoded as
 * UTF-8 (short ones in a private stage, copied into the ring in one piece
 * when published). A write waits (without blocking) while the
 * ring is full. `close()` closes the ring; `abort(reason)` aborts it (code
 * `reason.abortCode` if valid, else 1). Writing after close, or once either
 * side aborted, rejects (the Streams spec's errors, or the buffer's
 * BufferAbortedError); a chunk of the wrong type rejects with a TypeError.
 * A write that fails errors the stream and aborts the ring (code 1), so that
 * the reader learns of it.
 * @example
 * ```ts
 * // a Web Worker, sending frames to the page
 * const writer = ringWritableStream(RingBuf.attach(engine, desc)).getWriter();
 * await writer.write(frame);
 * await writer.close();
 * ```
 */
export function ringWritableStream(rb: RingBuf, options: RingWritableStreamOptions = {}): WritableStream<ByteChunk> {
  const producer = new RingProducer(rb, options.batchBytes);
  return new WritableStream<ByteChunk>(
    {
      write: (chunk) => {
        // A failed write errors this stream; the abort tells the reader.
        try {
          return producer.write(bytesOf(chunk))?.catch((e) => failed(producer, e));
        } catch (e) {
          return failed(producer, e);
        }
      },
      close: () => producer.close(),
      abort: (reason) => producer.abort(reason),
    },
    {
      highWaterMark: options.highWaterMark ?? 65536,
      size: (chunk) =>
        typeof chunk === 'string' ? chunk.length : ((chunk as ArrayBufferView | ArrayBuffer | null)?.byteLength ?? 1),
    },
  );
}

/**
 * Options of {@link ringReadableStream}.
 * @example
 * ```ts
 * ringReadableStream(rb, { chunkBytes: 16384 });
 * ```
 */
export interface RingReadableStreamOptions {
  /** Size of the chunks the stream allocates for default readers, in bytes. Default 65536. */
  chunkBytes?: number;
}

/**
 * A ReadableStream of the bytes in a RingBuf, of type `'bytes'`: a BYOB
 * reader (`getReader({ mode: 'byob' })`) reads into your own array, a
 * default reader gets Uint8Arrays of up to `chunkBytes`. Either way the
 * bytes are copied out of the ring: a BYOB read into a view of the shared
 * memory itself is not possible, since the Streams spec transfers the
 * reader's ArrayBuffer and a SharedArrayBuffer cannot be transferred. It
 * closes when the producer has closed the ring and every byte was read, and
 * errors with BufferAbortedError when either side aborts. Cancelling it
 * before the end aborts the ring (code 2), so that the producer stops.
 * @example
 * ```ts
 * const reader = ringReadableStream(rb).getReader({ mode: 'byob' });
 * let buf = new Uint8Array(4096);
 * for (let r = await reader.read(buf); !r.done; r = await reader.read(buf)) {
 *   use(r.value);                            // the bytes read
 *   buf = new Uint8Array(r.value.buffer);    // the same memory, handed back
 * }
 * ```
 */
export function ringReadableStream(rb: RingBuf, options: RingReadableStreamOptions = {}): ReadableStream<Uint8Array> {
  const hold = new LoopHold();
  return new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: options.chunkBytes ?? 65536,
    async pull(controller) {
      // With autoAllocateChunkSize every pull has a request, default readers' included.
      const req = controller.byobRequest;
      const view = req?.view;
      if (!req || !view) throw new TypeError('a bytes stream with autoAllocateChunkSize must have a BYOB request');
      const into = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      for (;;) {
        const n = rb.get(into);
        if (n > 0) {
          req.respond(n);
          return;
        }
        if (rb.ended) {
          controller.close();
          req.respond(0);
          return;
        }
        hold.hold();
        try {
          await rb.waitForDataAsync();
        } finally {
          hold.release();
        }
      }
    },
    cancel(reason) {
      hold.release();
      abortUnlessOver(rb, reason ?? null);
    },
  });
}

/**
 * Options of {@link messageReadableStream}.
 * @example
 * ```ts
 * messageReadableStream(pb, { producers: 4, highWaterMark: 64 });
 * ```
 */
export interface MessageReadableStreamOptions {
  /** Close after this many producers' end markers. Default: only when the buffer ends (closed and drained). */
  producers?: number;
  /** Messages queued in the stream before it stops reading. Default 16. */
  highWaterMark?: number;
}

/**
 * A ReadableStream of the messages in an MpscPbuf, one per packet: strings
 * for text, Uint8Arrays (copies) for bytes. It closes after `producers` end
 * markers (see {@link messageWritableStream}) or when the buffer has ended,
 * errors with BufferAbortedError when it is aborted, and aborts the buffer
 * if cancelled before its end.
 * @example
 * ```ts
 * for await (const msg of messageReadableStream(pb, { producers: 2 })) console.log(msg);
 * ```
 */
export function messageReadableStream(
  pb: MpscPbuf,
  options: MessageReadableStreamOptions = {},
): ReadableStream<Uint8Array | string> {
  const consumer = new MessageConsumer(pb, options.producers ?? Infinity, (n) => new Uint8Array(n));
  return new ReadableStream<Uint8Array | string>(
    {
      async pull(controller) {
        // Take what is ready now, up to the queue's room; wait only when nothing was.
        let any = false;
        for (;;) {
          const m = consumer.poll();
          if (m === DONE) {
            controller.close();
            return;
          }
          if (m === null) break;
          controller.enqueue(m);
          any = true;
          if ((controller.desiredSize ?? 0) <= 0) return;
        }
        if (any) return;
        const m = await consumer.next();
        if (m === DONE) controller.close();
        else controller.enqueue(m);
      },
      cancel(reason) {
        consumer.abort(reason ?? null);
      },
    },
    { highWaterMark: options.highWaterMark ?? 16 },
  );
}

/**
 * Options of {@link messageWritableStream}.
 * @example
 * ```ts
 * messageWritableStream(pb, { end: 'buffer' });
 * ```
 */
export interface MessageWritableStreamOptions {
  /** Messages queued in the stream before `writer.desiredSize` goes to 0. Default 16. */
  highWaterMark?: number;
  /** What `close()` does: `'producer'` (default) commits this producer's end marker; `'buffer'` also closes the whole buffer. */
  end?: 'producer' | 'buffer';
}

/**
 * A WritableStream of messages (Uint8Array or string) into an MpscPbuf, one
 * packet each, for one of many producer threads. A message the buffer can
 * never hold rejects with a RangeError naming its size and the limit, one
 * of another type with a TypeError; nothing is written, and, as for any
 * failed write, the stream errors and the buffer is aborted (a reader
 * counting producers' ends would otherwise wait for ever).
 * @example
 * ```ts
 * const w = messageWritableStream(MpscPbuf.attach(engine, desc)).getWriter();
 * await w.write('hello');
 * await w.close();                             // this producer's end marker
 * ```
 */
export function messageWritableStream(
  pb: MpscPbuf,
  options: MessageWritableStreamOptions = {},
): WritableStream<Uint8Array | string> {
  const producer = new MessageProducer(pb);
  const { end = 'producer' } = options;
  if (end !== 'producer' && end !== 'buffer')
    throw new TypeError(`options.end must be 'producer' or 'buffer', got ${end}`);
  return new WritableStream<Uint8Array | string>(
    {
      write: (msg) => {
        try {
          return producer.write(msg, producer.check(msg))?.catch((e) => failed(producer, e));
        } catch (e) {
          return failed(producer, e);
        }
      },
      async close() {
        await producer.end();
        if (end === 'buffer') producer.close();
      },
      abort: (reason) => producer.abort(reason ?? null),
    },
    { highWaterMark: options.highWaterMark ?? 16 },
  );
}

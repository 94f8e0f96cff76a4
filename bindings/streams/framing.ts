// Messages in MpscPbuf packets: one message per packet.
//
//   word 0  header: valid, busy (the buffer's bits), length in words (bits 2..)
//   word 1  bits 0..29 the message's length in bytes, bit 30 text (UTF-8),
//           bit 31 end: the producer that wrote it has ended (no payload)
//   word 2… the message's bytes, zero-padded to a whole word
//
// A producer's end marker lets a consumer end after the last of N producers
// without closing the buffer for the others.

import type { MpscPbuf } from '../mpsc-pbuf.js';
import { decodeWhole, encodeAt, utf8Length } from '../text.js';

/** Words of a packet in front of the message: the header and the length word. */
export const MESSAGE_HEADER_WORDS = 2;
const TEXT = 1 << 30;
const END = 2 ** 31;
const LEN_MASK = TEXT - 1;

const decoder = new TextDecoder('utf-8');

/**
 * The largest message in bytes that `pb` can ever hold: its size (or its
 * length field's limit, if narrower) less the two header words.
 * @example
 * ```ts
 * maxMessageBytes(new MpscPbuf(engine, 64));    // 248: 62 words of payload
 * ```
 */
export function maxMessageBytes(pb: MpscPbuf): number {
  const words = pb.lengthBits === 0 ? pb.size : Math.min(pb.size, 2 ** pb.lengthBits - 1);
  return Math.max(0, Math.min(words - MESSAGE_HEADER_WORDS, LEN_MASK >>> 2) * 4);
}

/** @internal Throws unless `pb` can carry messages: its lengths must be in the header (no `getWlen`). */
export function checkMessageBuffer(pb: MpscPbuf): void {
  if (pb.lengthBits === 0) {
    throw new TypeError(
      'the MpscPbuf must keep packet lengths in the header (created without getWlen) to carry messages',
    );
  }
}

/**
 * Checks a message and returns its length in bytes.
 * @throws TypeError unless it is a Uint8Array or a string; RangeError, naming
 * the size and the limit, if `pb` can never hold it.
 */
export function messageBytes(pb: MpscPbuf, msg: unknown): number {
  let n: number;
  if (typeof msg === 'string') n = utf8Length(msg);
  else if (msg instanceof Uint8Array) n = msg.length;
  else {
    const got = msg === null ? 'null' : typeof msg === 'object' ? `a ${msg.constructor?.name ?? 'object'}` : typeof msg;
    throw new TypeError(`a message must be a Uint8Array or a string, got ${got}`);
  }
  const max = maxMessageBytes(pb);
  if (n > max) {
    throw new RangeError(
      `a message of ${n} bytes cannot fit: this MpscPbuf of ${pb.size} words holds messages of at most ${max} bytes`,
    );
  }
  return n;
}

/** Words of the packet that carries a message of `bytes` bytes. */
export function messageWords(bytes: number): number {
  return MESSAGE_HEADER_WORDS + ((bytes + 3) >>> 2);
}

/** A byte view of `pb`'s storage, rebuilt only when its word view changes (the memory grew). */
export class PacketBytes {
  private words: Uint32Array | null = null;
  private u8: Uint8Array = new Uint8Array(0);

  of(pb: MpscPbuf): Uint8Array {
    const w = pb.words;
    if (w !== this.words) {
      this.words = w;
      this.u8 = new Uint8Array(w.buffer, w.byteOffset, w.byteLength);
    }
    return this.u8;
  }
}

/**
 * Writes `msg` (`bytes` long, from {@link messageBytes}) into the allocated
 * packet `p` and commits it.
 */
export function commitMessage(
  pb: MpscPbuf,
  view: PacketBytes,
  p: number,
  msg: Uint8Array | string,
  bytes: number,
): void {
  const wlen = messageWords(bytes);
  const u8 = view.of(pb),
    w = pb.words,
    at = (p + MESSAGE_HEADER_WORDS) * 4;
  // The last word's padding is zeroed, so no stale bytes of an older packet cross threads.
  if ((bytes & 3) !== 0) w[p + wlen - 1] = 0;
  if (typeof msg === 'string') {
    encodeAt(msg, u8, at, bytes);
    w[p + 1] = bytes | TEXT;
  } else {
    u8.set(msg, at);
    w[p + 1] = bytes;
  }
  w[p] = (wlen << 2) >>> 0;
  pb.commit(p);
}

/** Writes and commits a producer's end marker into the allocated 2-word packet `p`. */
export function commitEnd(pb: MpscPbuf, p: number): void {
  const w = pb.words;
  w[p + 1] = END;
  w[p] = (MESSAGE_HEADER_WORDS << 2) >>> 0;
  pb.commit(p);
}

/** Whether the claimed packet `p` is a producer's end marker. */
export function isEnd(pb: MpscPbuf, p: number): boolean {
  return pb.words[p + 1] >= END;
}

/** Whether TextDecoder.decode accepts views of shared memory here. */
let decodesShared: boolean | undefined;

/**
 * Reads the message of the claimed packet `p` (not an end marker): a string,
 * or a copy of its bytes in an array from `alloc` (the packet's storage is
 * reused once freed).
 */
export function readMessage(
  pb: MpscPbuf,
  view: PacketBytes,
  p: number,
  alloc: (n: number) => Uint8Array,
): Uint8Array | string {
  const u8 = view.of(pb),
    info = pb.words[p + 1],
    n = info & LEN_MASK,
    at = (p + MESSAGE_HEADER_WORDS) * 4;
  if ((info & TEXT) === 0) {
    const out = alloc(n);
    out.set(u8.subarray(at, at + n));
    return out;
  }
  if (decodesShared === undefined) {
    try {
      decoder.decode(new Uint8Array(new SharedArrayBuffer(1)));
      decodesShared = true;
    } catch {
      decodesShared = false;
    }
  }
  if (decodesShared || typeof SharedArrayBuffer !== 'function' || !(u8.buffer instanceof SharedArrayBuffer))
    return decodeWhole(u8, at, at + n, decoder);
  return decoder.decode(u8.slice(at, at + n));
}

// UTF-8 text over a RingBuf, both ways.
//
// Writing encodes straight into claimed storage with TextEncoder.encodeInto:
// the exact byte length is found first, so exactly that much is claimed and
// the bytes wait, claimed, for the producer's next flush, as those of
// RingBuf.write do. Where the claim crosses the end of storage, the one
// character that straddles it goes through a 4-byte scratch array, so every
// byte lands in order; where the space is short, only whole characters are
// taken. Reading decodes with a streaming TextDecoder, which holds the first
// bytes of a character split at the wrap or between two reads until the rest
// arrives. Engines that refuse to encode into shared memory (Chromium: the
// Encoding spec's encodeInto takes no [AllowShared] view) encode into a
// private array and copy.

import type { RingBuf } from './ringbuf.js';

const encoder = new TextEncoder();
/** Where one character that straddles the end of storage is encoded. */
const scratch = new Uint8Array(4);

/** Node's and Bun's native byte count, when the runtime has it (a JS loop otherwise). */
const nativeByteLength = (globalThis as { Buffer?: { byteLength(s: string, e: 'utf8'): number } }).Buffer?.byteLength;

/** Whether encodeInto accepts a view of shared memory here (Node, Deno and Bun do; Chromium does not). */
let encodesShared: boolean | undefined;
/** Where text is encoded first when it does not (grown as needed, kept). */
let staging = new Uint8Array(0);

/**
 * @internal TextEncoder.encodeInto into `dest`, which may be a view of
 * shared memory: directly where the engine allows it, else through a
 * private array and one copy. Returns the code units read and bytes written.
 */
export function encodeInto(s: string, dest: Uint8Array): { read: number; written: number } {
  if (encodesShared === undefined) {
    try {
      encoder.encodeInto('', new Uint8Array(new SharedArrayBuffer(1)));
      encodesShared = true;
    } catch {
      encodesShared = false;
    }
  }
  if (encodesShared || typeof SharedArrayBuffer !== 'function' || !(dest.buffer instanceof SharedArrayBuffer)) {
    return encoder.encodeInto(s, dest) as { read: number; written: number };
  }
  if (staging.length < dest.length) staging = new Uint8Array(Math.max(dest.length, 2 * staging.length));
  const r = encoder.encodeInto(s, staging.subarray(0, dest.length)) as { read: number; written: number };
  dest.set(staging.subarray(0, r.written));
  return r;
}

/** Node's and Bun's Buffer, whose utf8Write encodes at an offset with no view or result object per call. */
type NodeBuffer = Uint8Array & { utf8Write(s: string, offset: number, length: number): number };
const NodeBufferClass = (
  globalThis as unknown as {
    Buffer?: { from(b: ArrayBufferLike, at: number, n: number): NodeBuffer; prototype: object };
  }
).Buffer;
const hasUtf8Write =
  typeof (NodeBufferClass?.prototype as { utf8Write?: unknown } | undefined)?.utf8Write === 'function';
/** The last storage view {@link nodeView} was asked for, and its Buffer (one ring per writer thread is the common case). */
let viewOf: Uint8Array | null = null;
let viewBuffer: NodeBuffer | null = null;

/**
 * A Buffer over the same bytes as `storage`, kept while `storage` is the
 * same view; null where the runtime has no Buffer with utf8Write. It spares
 * each string a subarray and encodeInto's result object (bench/README.md).
 */
function nodeView(storage: Uint8Array): NodeBuffer | null {
  if (!hasUtf8Write || NodeBufferClass === undefined) return null;
  if (storage !== viewOf) {
    viewOf = storage;
    viewBuffer = NodeBufferClass.from(storage.buffer, storage.byteOffset, storage.byteLength);
  }
  return viewBuffer;
}

/** Set by {@link utf8Fit}: the UTF-8 byte length of the prefix it returned. */
let fitBytes = 0;

/**
 * The UTF-8 length in bytes of `s[from, to)`, as TextEncoder encodes it (a
 * lone surrogate becomes U+FFFD, 3 bytes).
 * @example
 * ```ts
 * utf8Length('héllo');                    // 6
 * utf8Length('😀');                        // 4
 * ```
 */
export function utf8Length(s: string, from = 0, to = s.length): number {
  if (from === 0 && to === s.length && nativeByteLength !== undefined) return nativeByteLength(s, 'utf8');
  utf8Fit(s, from, to, Infinity);
  return fitBytes;
}

/**
 * The end (a code unit index) of the longest prefix of `s[from, to)` made of
 * whole characters whose UTF-8 encoding fits in `maxBytes`; its length in
 * bytes is left in `fitBytes`.
 */
function utf8Fit(s: string, from: number, to: number, maxBytes: number): number {
  let bytes = 0,
    i = from;
  while (i < to) {
    const c = s.charCodeAt(i);
    let n = 1,
      k = 1;
    if (c >= 0x80) {
      if (c < 0x800) n = 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
        const d = s.charCodeAt(i + 1);
        // A surrogate pair is one 4-byte character; a lone surrogate is U+FFFD.
        if (d >= 0xdc00 && d <= 0xdfff) {
          n = 4;
          k = 2;
        } else n = 3;
      } else n = 3;
    }
    if (bytes + n > maxBytes) break;
    bytes += n;
    i += k;
  }
  fitBytes = bytes;
  return i;
}

/**
 * Encodes as much of `s` (from code unit `from`) into `rb` as fits, whole
 * characters only, and returns how many code units it took (`0` when not
 * even one character fits; `s.length - from` when all of it did). The bytes
 * are claimed and pending, like those of {@link RingBuf.write}: the next
 * {@link RingBuf.flush} publishes them with the rest. Call `flush`, not
 * `put` or `putFinish`, after writing text (those two finish only the
 * claims they are told about). Where the space is contiguous the string is
 * encoded in place, with no array in between; a character that straddles
 * the end of storage is split byte-wise across the wrap, never cut.
 * @example
 * ```ts
 * let at = 0;
 * while ((at += writeText(rb, line, at)) < line.length) await rb.waitForSpaceAsync();
 * rb.flush();
 * ```
 */
export function writeText(rb: RingBuf, s: string, from = 0): number {
  if (typeof s !== 'string') throw new TypeError(`s must be a string, got ${s === null ? 'null' : typeof s}`);
  if (!Number.isInteger(from) || from < 0 || from > s.length) {
    throw new RangeError(`from must be an integer from 0 to ${s.length}, got ${from}`);
  }
  const space = rb.space;
  let end = s.length,
    bytes = utf8Length(s, from);
  if (bytes > space) {
    end = utf8Fit(s, from, end, space);
    bytes = fitBytes;
  }
  if (bytes === 0) return end - from;
  const part = from === 0 && end === s.length ? s : s.slice(from, end);
  const first = rb.putClaim(bytes),
    at = rb.putOffset,
    storage = rb.storage;
  if (first === bytes) {
    const view = nodeView(storage);
    if (view !== null) view.utf8Write(part, at, bytes);
    else encodeInto(part, storage.subarray(at, at + bytes));
    return end - from;
  }
  // The claim crosses the end of storage: `first` bytes there, the rest from offset 0.
  const head = encodeInto(part, storage.subarray(at, at + first));
  // The rest is claimed from offset 0: all of it is free, since bytes <= space.
  rb.putClaim(bytes - first);
  let read = head.read,
    to = 0;
  const short = first - head.written;
  if (short > 0) {
    // The next character does not fit before the end: its bytes straddle the wrap.
    const k = part.charCodeAt(read) >= 0xd800 && part.charCodeAt(read) <= 0xdbff && read + 1 < part.length ? 2 : 1;
    const n = encoder.encodeInto(part.slice(read, read + k), scratch).written as number;
    storage.set(scratch.subarray(0, short), at + head.written);
    storage.set(scratch.subarray(short, n), 0);
    read += k;
    to = n - short;
  }
  encodeInto(part.slice(read), storage.subarray(to, bytes - first));
  return end - from;
}

/**
 * @internal Strings encoded one after another into a private array, each in
 * one pass: a string is taken when its worst case (3 bytes per code unit)
 * fits in the room left, so no byte count is needed first, and the caller
 * copies the whole run into the ring at once. For a stream of short strings
 * this replaces a count, a claim and an encode per string with one encode
 * per string and one copy per run (bench/README.md, "Stream figures").
 */
export class TextStage {
  /** The staged bytes are `bytes[0, length)`. */
  readonly bytes: Uint8Array;
  length = 0;
  /** A Buffer over `bytes` where the runtime has utf8Write (Node, Bun): no view or result object per string. */
  private readonly node: NodeBuffer | null;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
    this.node =
      hasUtf8Write && NodeBufferClass !== undefined ? NodeBufferClass.from(this.bytes.buffer, 0, capacity) : null;
  }

  /** Encodes `s` after the staged bytes and returns true, or returns false, staging nothing, when it might not fit. */
  add(s: string): boolean {
    const at = this.length,
      room = this.bytes.length - at;
    if (s.length > room / 3) return false;
    if (this.node !== null) this.length = at + this.node.utf8Write(s, at, room);
    else this.length = at + (encoder.encodeInto(s, this.bytes.subarray(at)).written as number);
    return true;
  }
}

/** Node's Buffer, with latin1Slice (start and end relative to the Buffer). */
type Latin1Buffer = Uint8Array & { latin1Slice(start: number, end: number): string };

/** Bytes of non-ASCII that the ASCII fast path walks one by one before it hands the rest of a read to TextDecoder. */
const NON_ASCII_SPAN = 64;

/** The first index in `u8[from, to)` of a byte >= 0x80, or `to`; `words` views the whole memory of `u8`, which starts at byte `base` of it. */
function asciiEnd(u8: Uint8Array, words: Int32Array, base: number, from: number, to: number): number {
  let i = from;
  for (; i < to && ((base + i) & 3) !== 0; i++) if (u8[i] >= 0x80) return i;
  for (; i + 4 <= to; i += 4) if ((words[(base + i) >>> 2] & 0x80808080) !== 0) break;
  for (; i < to; i++) if (u8[i] >= 0x80) return i;
  return to;
}

/** The first index in `u8[from, to)` of an ASCII byte, or `to`. */
function nextAscii(u8: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && u8[i] >= 0x80) i++;
  return i;
}

/** The array {@link decodeWhole} last decoded from, a Buffer over it and a word view of its whole memory. */
let wholeOf: Uint8Array | null = null;
let wholeLatin1: Latin1Buffer | null = null;
let wholeWords: Int32Array = new Int32Array(0);

/**
 * @internal Decodes `u8[from, to)`, UTF-8 with no character cut at either
 * end (a whole message): with latin1Slice when it is all ASCII and the
 * runtime has Node's Buffer (a copy, no UTF-8 decoder), else with `decoder`.
 */
export function decodeWhole(u8: Uint8Array, from: number, to: number, decoder: TextDecoder): string {
  if (u8 !== wholeOf) {
    wholeOf = u8;
    wholeLatin1 = null;
    const B = NodeBufferClass;
    if (B !== undefined && typeof (B.prototype as { latin1Slice?: unknown }).latin1Slice === 'function') {
      wholeLatin1 = B.from(u8.buffer, u8.byteOffset, u8.byteLength) as unknown as Latin1Buffer;
      wholeWords = new Int32Array(u8.buffer, 0, u8.buffer.byteLength >>> 2);
    }
  }
  if (wholeLatin1 !== null && asciiEnd(u8, wholeWords, u8.byteOffset, from, to) === to) {
    return wholeLatin1.latin1Slice(from, to);
  }
  return decoder.decode(u8.subarray(from, to));
}

/**
 * @internal Encodes `s`, whose UTF-8 is exactly `bytes` long, into
 * `u8[at, at + bytes)`: Buffer.utf8Write where the runtime has it (no view
 * or result object), else {@link encodeInto}.
 */
export function encodeAt(s: string, u8: Uint8Array, at: number, bytes: number): void {
  const view = nodeView(u8);
  if (view !== null) view.utf8Write(s, at, bytes);
  else encodeInto(s, u8.subarray(at, at + bytes));
}

/** Whether TextDecoder.decode accepts a view of shared memory here (the Encoding spec allows it; older engines refuse). */
let decodesShared: boolean | undefined;

function canDecodeShared(): boolean {
  if (decodesShared === undefined) {
    try {
      new TextDecoder().decode(new Uint8Array(new SharedArrayBuffer(1)));
      decodesShared = true;
    } catch {
      decodesShared = false;
    }
  }
  return decodesShared;
}

/**
 * The consumer's side of text: reads UTF-8 from a RingBuf and returns
 * strings, holding back the bytes of a character split at the wrap or
 * between two reads until the rest of it arrives. It reads in place (claims)
 * where the runtime decodes views of shared memory, through a private array
 * otherwise.
 * @example
 * ```ts
 * const text = new TextReader(rb);
 * while (await rb.waitForDataAsync()) log(text.read());
 * log(text.end());                         // a last incomplete character becomes U+FFFD
 * ```
 */
export class TextReader {
  /** The ring it reads. */
  readonly rb: RingBuf;
  private readonly decoder = new TextDecoder('utf-8');
  private copy: Uint8Array | null = null;

  constructor(rb: RingBuf) {
    this.rb = rb;
  }

  /**
   * Consumes what is readable now, up to about `maxBytes` (whole runs: at
   * least one), and returns it decoded (`''` when nothing complete arrived).
   */
  read(maxBytes = Infinity): string {
    const rb = this.rb;
    let out = '',
      left = maxBytes;
    for (; left > 0; ) {
      const g = rb.getClaim(Math.min(rb.capacity, left));
      if (g === 0) return out;
      left -= g;
      const at = rb.getOffset,
        storage = rb.storage;
      if (this.latin1Of(storage) !== null) {
        out += this.decodeAsciiFast(storage, at, at + g);
      } else if (canDecodeShared() || !rb.engine.shared) {
        out += this.decoder.decode(storage.subarray(at, at + g), { stream: true });
      } else {
        this.copy ??= new Uint8Array(rb.capacity);
        const copy = this.copy;
        copy.set(storage.subarray(at, at + g));
        out += this.decoder.decode(copy.subarray(0, g), { stream: true });
      }
      rb.getFinish(g);
    }
    return out;
  }

  /** The storage view the Node fast path was set up for, a Buffer over it, and word view of its whole memory. */
  private fastOf: Uint8Array | null = null;
  private latin1: Latin1Buffer | null = null;
  private words: Int32Array = new Int32Array(0);
  /** Whether the streaming decoder may hold the first bytes of a character (its last span ended a run). */
  private held = false;

  /** A Buffer with latin1Slice over `storage` (Node, Bun), null elsewhere. */
  private latin1Of(storage: Uint8Array): Latin1Buffer | null {
    if (storage !== this.fastOf) {
      this.fastOf = storage;
      this.latin1 = null;
      const B = NodeBufferClass;
      if (B !== undefined && typeof (B.prototype as { latin1Slice?: unknown }).latin1Slice === 'function') {
        this.latin1 = B.from(storage.buffer, storage.byteOffset, storage.byteLength) as unknown as Latin1Buffer;
        this.words = new Int32Array(storage.buffer, 0, storage.buffer.byteLength >>> 2);
      }
    }
    return this.latin1;
  }

  /**
   * Decodes `storage[from, to)`: runs of ASCII bytes with latin1Slice (a
   * copy: ASCII is the same in Latin-1), the rest with the streaming
   * decoder, which is always handed an ASCII byte after a non-ASCII span
   * (so it holds nothing across an ASCII run) unless the span ends the read.
   * Log lines are mostly ASCII; a span of non-ASCII longer than
   * {@link NON_ASCII_SPAN} sends the rest of the read to the decoder.
   */
  private decodeAsciiFast(storage: Uint8Array, from: number, to: number): string {
    const latin1 = this.latin1 as Latin1Buffer,
      words = this.words,
      base = storage.byteOffset,
      decoder = this.decoder;
    let out = '',
      i = from;
    if (this.held) {
      // The decoder may hold part of a character: it takes bytes up to an ASCII one.
      const k = nextAscii(storage, i, Math.min(to, i + NON_ASCII_SPAN));
      if (k === to || storage[k] >= 0x80) return decoder.decode(storage.subarray(i, to), { stream: true });
      out = decoder.decode(storage.subarray(i, k + 1), { stream: true });
      this.held = false;
      i = k + 1;
    }
    while (i < to) {
      const j = asciiEnd(storage, words, base, i, to);
      if (j > i) out += latin1.latin1Slice(i, j);
      if (j === to) break;
      const k = nextAscii(storage, j + 1, Math.min(to, j + 1 + NON_ASCII_SPAN));
      if (k < to && storage[k] < 0x80) {
        out += decoder.decode(storage.subarray(j, k + 1), { stream: true });
        i = k + 1;
      } else {
        // The read ends in this span, or the span is long (not ASCII text): the decoder takes the rest.
        out += decoder.decode(storage.subarray(j, to), { stream: true });
        this.held = true;
        break;
      }
    }
    return out;
  }

  /** Ends the text: returns what is still held, an incomplete last character as U+FFFD. */
  end(): string {
    return this.read() + this.decoder.decode();
  }
}

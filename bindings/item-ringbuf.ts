// ItemRingBuf: Zephyr's ring buffer in item mode (ring_buf_item_put/get)
// over a control block of kind RB_KIND_ITEMS (layout: assembly/layout.ts).
// A class of its own, so byte access and item access can never be mixed on
// one buffer (Zephyr only warns about that).
//
// The core only reads and writes linear memory. Data already in the
// engine's memory goes through one core call; data in a JavaScript array is
// copied by JS into a staging area of the engine's memory and then goes
// through the same single call (one call per item or per batch chunk, where
// copying straight into storage would need a claim call and a finish call).

import {
  RB_SIZE_OFF,
  RB_STORAGE_OFF,
  RB_CB_BYTES,
  RB_KIND_ITEMS,
  RB_MAX_SIZE_BYTES,
  EAGAIN as E_AGAIN,
  EMSGSIZE as E_MSGSIZE,
} from '../assembly/layout.js';
import type { Core } from './core.js';
import { checkInt, checkWindow, checkWords } from './errors.js';
import type { Engine } from './engine.js';
import { attachAddress, checkEngine, type BufferDescriptor } from './ringbuf.js';
import type { Views } from './views.js';
import { ringWait, ringWaitAsync } from './wait.js';

/**
 * `get` result: the buffer is empty (Zephyr's -EAGAIN, as glibc numbers it).
 * @example
 * ```ts
 * while (rb.get(out) !== EAGAIN) handle(rb.itemType, out);
 * ```
 */
export const EAGAIN = -E_AGAIN;
/**
 * `put` result: the item does not fit (nothing was written); `get` result:
 * the destination is too small (the item stays; {@link ItemRingBuf.itemWords}
 * says how many words it needs). Zephyr's -EMSGSIZE, as glibc numbers it.
 * @example
 * ```ts
 * if (rb.get(out) === EMSGSIZE) out = new Uint32Array(rb.itemWords);
 * ```
 */
export const EMSGSIZE = -E_MSGSIZE;

/**
 * Most payload words one item can carry: Zephyr's size32 is a uint8_t.
 * @example
 * ```ts
 * const out = new Uint32Array(ITEM_MAX_WORDS);   // room for any item
 * ```
 */
export const ITEM_MAX_WORDS = 255;

/** Largest capacity in words: storage is 4 bytes a word and at most RB_MAX_SIZE_BYTES bytes. */
const MAX_CAPACITY = Math.floor(RB_MAX_SIZE_BYTES / 4);

/**
 * Per engine (one memory in one thread): the core's output word at +0 and,
 * from +64, room for JS-array data on its way in or out. Several handles of
 * one engine share it, since calls in one thread never overlap.
 */
const STAGE_OFFSET = 64;
/** Staging room in words (16 KiB): a batch of 64 items of 32 words goes in one chunk, and any chunk holds the largest item. */
const STAGE_WORDS = 4096;
const scratchOf = new WeakMap<Engine, number>();

function scratch(engine: Engine): number {
  let at = scratchOf.get(engine);
  if (at === undefined) {
    at = engine.alloc(STAGE_OFFSET + 4 * STAGE_WORDS, 'the item staging area');
    scratchOf.set(engine, at);
  }
  return at;
}

/** Longest in-memory batch handed to the core in one call: its byte count must fit in a u32. */
const MAX_DIRECT_WORDS = 2 ** 29;

/**
 * How words cross between a JS array and the shared memory, measured on node
 * 20 (CPU time, median of 7, ns per copy):
 *
 *   words                      4    8   16   32   64
 *   loop, into the memory      6   11   17   35   66
 *   set(whole array), into    16   16   15   19   22
 *   loop, out of the memory    6   10   19   42   77
 *   set(subarray), out        47   42   38   44   46
 *
 * So: whole arrays of 16 words or more go in with one set; other pieces up
 * to 32 words are copied with a loop; longer pieces go through a subarray
 * view, the one allocation of such a call.
 */
const SET_WHOLE_WORDS = 16;
const LOOP_COPY_WORDS = 32;

/** Copies `n` words from `src[from..]` into `u32` at word index `to`. */
function copyIn(u32: Uint32Array, to: number, src: Uint32Array, from: number, n: number): void {
  if (n >= SET_WHOLE_WORDS && from === 0 && n === src.length) {
    u32.set(src, to);
  } else if (n <= LOOP_COPY_WORDS) {
    for (let i = 0; i < n; i++) u32[to + i] = src[from + i];
  } else {
    u32.set(src.subarray(from, from + n), to);
  }
}

/** Copies `n` words from `u32` at word index `from` into `dst[to..]`; the mirror of {@link copyIn}. */
function copyOut(dst: Uint32Array, to: number, u32: Uint32Array, from: number, n: number): void {
  if (n <= LOOP_COPY_WORDS) {
    for (let i = 0; i < n; i++) dst[to + i] = u32[from + i];
  } else {
    dst.set(u32.subarray(from, from + n), to);
  }
}

/**
 * checkWindow with an allocation-free fast path: checkWindow builds its
 * argument names ("dst start") on every call, which showed as ~50 bytes of
 * garbage per get in a --trace-gc run (node 20); here they are built only
 * to report a bad window.
 */
function checkSpan(name: string, length: number, start: unknown, end: unknown): void {
  if (
    Number.isInteger(start) &&
    Number.isInteger(end) &&
    (start as number) >= 0 &&
    (start as number) <= (end as number) &&
    (end as number) <= length
  )
    return;
  checkWindow(name, length, start, end);
}

/**
 * Where an array lies: in the engine's memory, at which byte address, or
 * elsewhere. TypedArray `.buffer` and `.byteOffset` are builtin calls of
 * ~15 ns each on node 20 (an identity check is ~1 ns), and callers pass the
 * same arrays again and again, so the answer for the last array is kept
 * until the views change (the memory grew, which replaces or detaches views).
 */
class Placement {
  private array: Uint32Array | null = null;
  private u32: Uint32Array | null = null;
  private address = -1;

  /** The byte address of `a[0]` in the memory behind `u32`, or -1 when `a` lies elsewhere. */
  of(a: Uint32Array, u32: Uint32Array): number {
    if (a !== this.array || u32 !== this.u32) {
      this.array = a;
      this.u32 = u32;
      // Address 0 holds the heap header, never a buffer's data: a view that
      // starts there (or a detached one, whose byteOffset reads 0) is staged.
      this.address = a.buffer === u32.buffer && a.byteOffset !== 0 ? a.byteOffset : -1;
    }
    return this.address;
  }
}

/** Words one record (header + payload) takes, from its header. */
function recordWords(header: number): number {
  return 1 + ((header >>> 16) & 0xff);
}

/** The RangeError for records that do not end exactly at `end`; null when they do. */
function malformed(records: Uint32Array, start: number, end: number): RangeError | null {
  let at = start;
  let last = start;
  while (at < end) {
    last = at;
    at += recordWords(records[at]);
  }
  if (at === end) return null;
  return new RangeError(
    `records must hold whole items from start to end: the header at word ${last} needs ${at - last} words, ` +
      `but only ${end - last} remain before end (${end})`,
  );
}

/**
 * Zephyr's ring buffer in item mode: items of 0 to 255 32-bit words, each
 * with a 16-bit type and an 8-bit value, stored as one header word plus the
 * payload, all or nothing. One producer and one consumer may run in two
 * threads at once. Capacity, size and space count 32-bit words; an item
 * takes 1 + its payload words.
 *
 * `get` reports the item's type, value and length through
 * {@link ItemRingBuf.itemType}, {@link ItemRingBuf.itemValue} and
 * {@link ItemRingBuf.itemWords}, read after the call: nothing is allocated
 * per item. Batches move many items in storage format
 * (`[header, payload…]*`, see {@link ItemRingBuf.header}) in one call.
 *
 * @example
 * ```ts
 * const engine = await createEngine('wasm');
 * const rb = new ItemRingBuf(engine, 256);          // 256 words
 * rb.put(7, 1, new Uint32Array([10, 20]));           // 0
 * const out = new Uint32Array(255);
 * rb.get(out);                                       // 2: out starts 10, 20
 * rb.itemType;                                       // 7
 * rb.itemValue;                                      // 1
 * ```
 */
export class ItemRingBuf {
  /** `get` result when the buffer is empty: {@link EAGAIN}. */
  static readonly EAGAIN = EAGAIN;
  /** `put`/`get` result when the item or the destination is too small: {@link EMSGSIZE}. */
  static readonly EMSGSIZE = EMSGSIZE;

  /** The engine (memory and core) this handle runs on. */
  readonly engine: Engine;
  /** Address of the control block; with the memory it identifies the buffer. */
  readonly address: number;
  /** Capacity in 32-bit words. */
  readonly capacity: number;
  /** Absolute byte address of the storage in the memory. */
  readonly storageAddress: number;
  private readonly core: Core;
  private readonly views: Views;
  /** The core's output word (byte address) and the staging area (byte address and word index). */
  private readonly out: number;
  private readonly stage: number;
  private readonly stageWord: number;
  /** The header seen by the last get or getBatch that reported one. */
  private header = 0;
  /** Where the last data/records and the last destination lie. */
  private readonly putPlace = new Placement();
  private readonly getPlace = new Placement();

  /**
   * Places a new, empty buffer of `capacity` 32-bit words in the engine's memory.
   * @throws RangeError if `capacity` is not an integer from 1 to 536870911, or the memory cannot hold it.
   */
  constructor(engine: Engine, capacity: number);
  /** @internal Attaches to the control block at `address` (see {@link ItemRingBuf.attach}). */
  constructor(engine: Engine, capacity: number, address: number);
  constructor(engine: Engine, capacity: number, address?: number) {
    checkEngine(engine);
    this.engine = engine;
    this.core = engine.core;
    this.views = engine.views;
    if (address === undefined) {
      checkInt('capacity', capacity, 1, MAX_CAPACITY);
      address = engine.alloc(RB_CB_BYTES + 4 * capacity, `capacity ${capacity} words`);
      this.core.rb_init(address, RB_KIND_ITEMS, address + RB_CB_BYTES, 4 * capacity);
    }
    this.address = address;
    this.capacity = capacity;
    this.storageAddress = this.views.u32[(address + RB_STORAGE_OFF) >>> 2];
    this.views.cover(this.storageAddress + 4 * capacity);
    this.out = scratch(engine);
    this.stage = this.out + STAGE_OFFSET;
    this.stageWord = this.stage >>> 2;
  }

  /**
   * Attaches to a buffer created elsewhere (typically in another thread)
   * from its {@link ItemRingBuf.descriptor}. Either engine may attach.
   * @example
   * ```ts
   * // worker:
   * const engine = await createEngine('wasm', { memory: desc.memory });
   * const rb = ItemRingBuf.attach(engine, desc);
   * ```
   */
  static attach(engine: Engine, descriptor: BufferDescriptor): ItemRingBuf {
    const address = attachAddress(engine, descriptor, 'ItemRingBuf', RB_KIND_ITEMS);
    return new ItemRingBuf(engine, engine.views.u32[(address + RB_SIZE_OFF) >>> 2] / 4, address);
  }

  /** What {@link ItemRingBuf.attach} needs, ready for `postMessage`. */
  get descriptor(): BufferDescriptor {
    return { type: 'ItemRingBuf', memory: this.engine.memory, address: this.address };
  }

  /**
   * Packs a header word exactly as Zephyr does: type in bits 0-15, payload
   * length in bits 16-23, value in bits 24-31. Use it to build batches.
   * @throws TypeError or RangeError if an argument is out of range.
   * @example
   * ```ts
   * const batch = new Uint32Array([ItemRingBuf.header(1, 2, 1), 42, ItemRingBuf.header(3, 4, 0)]);
   * rb.putBatch(batch);                                // 3 words: two items
   * ```
   */
  static header(type: number, value: number, words: number): number {
    checkInt('type', type, 0, 0xffff);
    checkInt('value', value, 0, 0xff);
    checkInt('words', words, 0, ITEM_MAX_WORDS);
    return (type | (words << 16) | (value << 24)) >>> 0;
  }

  /**
   * The type (bits 0-15) of a header word.
   * @example
   * ```ts
   * ItemRingBuf.headerType(batch[0]);                  // 1
   * ```
   */
  static headerType(header: number): number {
    return header & 0xffff;
  }

  /**
   * The value (bits 24-31) of a header word.
   * @example
   * ```ts
   * ItemRingBuf.headerValue(batch[0]);                 // 2
   * ```
   */
  static headerValue(header: number): number {
    return header >>> 24;
  }

  /**
   * The payload length in words (bits 16-23) of a header word; the record
   * takes one word more.
   * @example
   * ```ts
   * for (let at = 0; at < n; at += 1 + ItemRingBuf.headerWords(out[at])) visit(out, at);
   * ```
   */
  static headerWords(header: number): number {
    return (header >>> 16) & 0xff;
  }

  /** Words of committed items not yet read, headers included. */
  get size(): number {
    return this.core.rb_size(this.address) >>> 2;
  }

  /**
   * Free words (Zephyr's ring_buf_item_space_get): words, not items; an item
   * of n payload words needs n + 1.
   */
  get space(): number {
    return this.core.rb_space(this.address) >>> 2;
  }

  /** True when there is no item to read. */
  get isEmpty(): boolean {
    return this.core.rb_size(this.address) === 0;
  }

  /** Type of the item the last {@link ItemRingBuf.get} returned or kept (EMSGSIZE). */
  get itemType(): number {
    return this.header & 0xffff;
  }

  /** Value of the item the last {@link ItemRingBuf.get} returned or kept. */
  get itemValue(): number {
    return this.header >>> 24;
  }

  /**
   * Payload words of the item the last {@link ItemRingBuf.get} returned, or
   * the words a destination needs after an EMSGSIZE (Zephyr's size32 output).
   */
  get itemWords(): number {
    return (this.header >>> 16) & 0xff;
  }

  /**
   * Stores one item: `type` 0..65535, `value` 0..255 and the payload
   * `data[start, end)` of 0 to 255 words (none when `data` is omitted).
   * All or nothing (Zephyr's ring_buf_item_put): returns 0, or
   * {@link EMSGSIZE} and writes nothing when the item does not fit.
   * @throws TypeError or RangeError naming the argument, before anything is written
   * (unlike Zephyr, more than 255 words is an error, not a silent truncation).
   * @example
   * ```ts
   * if (rb.put(1, 0, samples) === EMSGSIZE) backOff();
   * rb.put(2, 9);                                      // a header-only item
   * ```
   */
  put(type: number, value: number, data?: Uint32Array, start = 0, end = data?.length ?? 0): number {
    checkInt('type', type, 0, 0xffff);
    checkInt('value', value, 0, 0xff);
    let n = 0;
    if (data !== undefined) {
      checkWords('data', data);
      checkSpan('data', data.length, start, end);
      n = end - start;
      if (n > ITEM_MAX_WORDS) {
        throw new RangeError(`data must hold at most ${ITEM_MAX_WORDS} words (end - start), got ${n}`);
      }
    }
    const v = this.views;
    v.sync();
    let src = 0;
    if (n !== 0) {
      const base = this.putPlace.of(data!, v.u32);
      if (base >= 0) {
        src = base + 4 * start;
      } else {
        copyIn(v.u32, this.stageWord, data!, start, n);
        src = this.stage;
      }
    }
    return this.core.item_put(this.address, (type | (n << 16) | (value << 24)) >>> 0, src);
  }

  /**
   * Removes the oldest item and copies its payload into `dst[start, end)`;
   * returns the payload length in words (Zephyr's ring_buf_item_get).
   * Without `dst` the item is dropped (Zephyr's NULL data). Returns
   * {@link EAGAIN} when empty, and {@link EMSGSIZE} when the window is too
   * small: the item stays, and {@link ItemRingBuf.itemWords} says how many
   * words it needs. Type and value are in {@link ItemRingBuf.itemType} and
   * {@link ItemRingBuf.itemValue} until the next get.
   * @example
   * ```ts
   * const out = new Uint32Array(255);
   * for (let n; (n = rb.get(out)) >= 0;) handle(rb.itemType, rb.itemValue, out, n);
   * rb.get();                                          // drop the oldest item
   * ```
   */
  get(dst?: Uint32Array, start = 0, end = dst?.length ?? 0): number {
    let max = 0;
    if (dst !== undefined) {
      checkWords('dst', dst);
      checkSpan('dst', dst.length, start, end);
      max = end - start;
    }
    const v = this.views;
    v.sync();
    let at = 0;
    let staged = false;
    if (dst !== undefined) {
      const base = this.getPlace.of(dst, v.u32);
      staged = base < 0;
      at = staged ? this.stage : base + 4 * start;
    }
    // A JS destination is staged: only max words can come back, and the
    // staging area holds the largest item.
    const r = this.core.item_get(this.address, at, Math.min(max, ITEM_MAX_WORDS), this.out);
    if (r === EAGAIN) return r;
    this.header = v.u32[this.out >>> 2];
    if (staged && r > 0) copyOut(dst!, start, v.u32, this.stageWord, r);
    return r;
  }

  /**
   * Stores as many leading items of `records[start, end)` as fit, in one
   * call per up to 4096 words (one core call in all when the records lie in
   * the engine's memory). The records are in storage format:
   * `[header, payload…]*`, see {@link ItemRingBuf.header}. Returns the words
   * stored, a multiple of whole records (0 when not even the first fits):
   * continue from `start + result`.
   * @throws TypeError or RangeError if the headers do not end exactly at
   * `end`; nothing is written then.
   * @example
   * ```ts
   * let at = 0;
   * while (at < batch.length) at += rb.putBatch(batch, at) || await drained();
   * ```
   */
  putBatch(records: Uint32Array, start = 0, end = records?.length): number {
    checkWords('records', records);
    checkSpan('records', records.length, start, end);
    const v = this.views;
    v.sync();
    const cb = this.address;
    const base = this.putPlace.of(records, v.u32);
    if (base >= 0 && end - start <= MAX_DIRECT_WORDS) {
      // The core validates every header before writing anything.
      const r = this.core.item_put_batch(cb, base + 4 * start, end - start);
      if (r < 0) throw malformed(records, start, end)!;
      return r;
    }
    // A batch that fits the staging area is one core call, which validates
    // every header before writing anything. A longer one goes in chunks of
    // whole records, so it is validated whole first, in JS.
    if (end - start > STAGE_WORDS) {
      const bad = malformed(records, start, end);
      if (bad !== null) throw bad;
    }
    let done = start;
    while (done < end) {
      // A chunk of whole records that fits the staging area (all of them, usually).
      let stop = end;
      if (end - done > STAGE_WORDS) {
        stop = done;
        for (let w = recordWords(records[stop]); stop + w - done <= STAGE_WORDS; w = recordWords(records[stop]))
          stop += w;
      }
      const n = stop - done;
      copyIn(v.u32, this.stageWord, records, done, n);
      const r = this.core.item_put_batch(cb, this.stage, n);
      if (r < 0) throw malformed(records, start, end)!;
      done += r;
      if (r < n) break;
    }
    return done - start;
  }

  /**
   * Moves as many of the oldest whole items as fit into `dst[start, end)`,
   * in storage format (`[header, payload…]*`), and returns the words moved
   * (0 when empty). Returns {@link EMSGSIZE} when the window cannot hold
   * even the oldest item, which stays ({@link ItemRingBuf.itemWords} + 1 is
   * the room it needs).
   * @example
   * ```ts
   * const n = rb.getBatch(out);
   * for (let at = 0; at < n; at += 1 + ItemRingBuf.headerWords(out[at])) visit(out, at);
   * ```
   */
  getBatch(dst: Uint32Array, start = 0, end = dst?.length): number {
    checkWords('dst', dst);
    checkSpan('dst', dst.length, start, end);
    const v = this.views;
    v.sync();
    const cb = this.address,
      core = this.core;
    // No more than the capacity can come out, which also keeps max * 4 in range.
    const room = Math.min(end - start, this.capacity);
    const base = this.getPlace.of(dst, v.u32);
    if (base >= 0) {
      const r = core.item_get_batch(cb, base + 4 * start, room, this.out);
      if (r === EMSGSIZE) this.header = v.u32[this.out >>> 2];
      return r;
    }
    // At least one call, so that an empty window still reports EMSGSIZE.
    let done = 0;
    do {
      const r = core.item_get_batch(cb, this.stage, Math.min(room - done, STAGE_WORDS), this.out);
      if (r <= 0) {
        // EMSGSIZE after a chunk means only that the rest of the window is short.
        if (r === EMSGSIZE && done === 0) {
          this.header = v.u32[this.out >>> 2];
          return r;
        }
        break;
      }
      copyOut(dst, start + done, v.u32, this.stageWord, r);
      done += r;
    } while (done < room);
    return done;
  }

  /**
   * Empties the buffer (Zephyr's ring_buf_reset). Not safe while the other
   * side is running.
   * @example
   * ```ts
   * rb.reset();                                        // rb.space === rb.capacity
   * ```
   */
  reset(): void {
    this.core.rb_internal_reset(this.address, 0);
  }

  /**
   * Test hook (Zephyr's ring_buf_internal_reset): empties the buffer and sets
   * all six index counters to `value` (bytes), so that 32-bit wrap-around can be tested.
   * @example
   * ```ts
   * rb.internalReset(0xfffffff0);                      // the next 16 bytes cross 2^32
   * ```
   */
  internalReset(value: number): void {
    checkInt('value', value, 0, 2 ** 32 - 1);
    this.core.rb_internal_reset(this.address, value);
  }

  /**
   * Consumer side: blocks until at least `words` words (an item is 1 + its
   * payload) are readable or `ms` milliseconds have passed; returns whether
   * they are. Woken by the producer's next put. On an unshared memory it only looks.
   * @throws Error on a thread that may not block (a browser's main thread):
   * use {@link ItemRingBuf.waitForDataAsync} there.
   * @example
   * ```ts
   * while (rb.get(out) === ItemRingBuf.EAGAIN) rb.waitForData(1000);
   * ```
   */
  waitForData(ms = Infinity, words = 1): boolean {
    checkInt('words', words, 1, this.capacity);
    return ringWait('waitForData', this.views, this.core, this.address, false, 4 * words, ms);
  }

  /**
   * Producer side: blocks until at least `words` words are free or `ms`
   * milliseconds have passed; returns whether they are.
   * @throws Error on a thread that may not block: use {@link ItemRingBuf.waitForSpaceAsync}.
   * @example
   * ```ts
   * while (rb.put(1, 0, data) !== 0) rb.waitForSpace(1000, 1 + data.length);
   * ```
   */
  waitForSpace(ms = Infinity, words = 1): boolean {
    checkInt('words', words, 1, this.capacity);
    return ringWait('waitForSpace', this.views, this.core, this.address, true, 4 * words, ms);
  }

  /**
   * {@link ItemRingBuf.waitForData} as a Promise, for any thread: Atomics.waitAsync, or polling where that is missing.
   * @example
   * ```ts
   * if (await rb.waitForDataAsync(100)) rb.get(out);
   * ```
   */
  waitForDataAsync(ms = Infinity, words = 1): Promise<boolean> {
    checkInt('words', words, 1, this.capacity);
    return ringWaitAsync(this.views, this.core, this.address, false, 4 * words, ms);
  }

  /**
   * {@link ItemRingBuf.waitForSpace} as a Promise, for any thread.
   * @example
   * ```ts
   * while (rb.put(1, 0) !== 0) await rb.waitForSpaceAsync();
   * ```
   */
  waitForSpaceAsync(ms = Infinity, words = 1): Promise<boolean> {
    checkInt('words', words, 1, this.capacity);
    return ringWaitAsync(this.views, this.core, this.address, true, 4 * words, ms);
  }
}

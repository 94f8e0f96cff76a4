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
  RB_PUT_OFF,
  IDX_CLAIM_OFF,
  RB_KIND_ITEMS,
  RB_MAX_SIZE_BYTES,
  EAGAIN as E_AGAIN,
  EMSGSIZE as E_MSGSIZE,
  ITEM_TYPE_SHIFT,
  ITEM_TYPE_MASK,
  ITEM_WORDS_SHIFT,
  ITEM_WORDS_MASK,
  ITEM_VALUE_SHIFT,
  ITEM_VALUE_MASK,
  U32_MAX,
  ST_OPEN,
  ST_CLOSED,
  ST_ABORTED,
} from '../assembly/layout.js';
import { copyWords } from './copy.js';
import type { Engine } from './engine.js';
import { checkInt, checkWindow, checkWords, checkWordsAgain } from './errors.js';
import { redeem, releaseBlock } from './blocks.js';
import { checkEngine } from './engine.js';
import { attachBlock, type BufferDescriptor, Handle, placeRing } from './handle.js';
import { acquireStage, releaseStage, STAGE_OFFSET, STAGE_WORDS } from './item-stage.js';
import { DISPOSE } from './lifecycle.js';
import { Placement } from './placement.js';
import { RingWaits } from './wait.js';

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
export const ITEM_MAX_WORDS = ITEM_WORDS_MASK;

// The header layout (layout.ts) as module constants, which V8 folds into
// optimised code where it does not fold imported bindings (bench/README.md,
// "Per-call costs behind the design").
const TYPE_SHIFT = ITEM_TYPE_SHIFT,
  TYPE_MASK = ITEM_TYPE_MASK,
  WORDS_SHIFT = ITEM_WORDS_SHIFT,
  WORDS_MASK = ITEM_WORDS_MASK,
  VALUE_SHIFT = ITEM_VALUE_SHIFT,
  VALUE_MASK = ITEM_VALUE_MASK;

/** A header word from its fields (checked by the caller). */
function pack(type: number, value: number, words: number): number {
  return ((type << TYPE_SHIFT) | (words << WORDS_SHIFT) | (value << VALUE_SHIFT)) >>> 0;
}
/**
 * Whether `v` is an integer from 0 to `mask` (a mask of low bits): a type
 * test V8 folds away and one masked compare. The type test first: `&` would
 * call an object's valueOf, or throw on a BigInt.
 */
function isField(v: number, mask: number): boolean {
  return typeof v === 'number' && (v & mask) === v;
}
const headerTypeOf = (header: number): number => (header >>> TYPE_SHIFT) & TYPE_MASK;
const headerValueOf = (header: number): number => (header >>> VALUE_SHIFT) & VALUE_MASK;
const headerWordsOf = (header: number): number => (header >>> WORDS_SHIFT) & WORDS_MASK;

/** Checks that no window comes without its array (a window given anyway is a mistake, not ignored); returns 0 words. */
function noWindow(name: string, start: number, end: number | undefined): number {
  if (start !== 0 || end !== undefined) checkWindow(name, 0, start, end);
  return 0;
}

/** Largest capacity in words: storage is 4 bytes a word and at most RB_MAX_SIZE_BYTES bytes. */
const MAX_CAPACITY = Math.floor(RB_MAX_SIZE_BYTES / 4);

/** Longest in-memory batch handed to the core in one call: its byte count must fit in a u32. */
const MAX_DIRECT_WORDS = 2 ** 29;

/** Words one record (header + payload) takes, from its header. */
function recordWords(header: number): number {
  return 1 + headerWordsOf(header);
}

/** Throws a RangeError unless the records' headers end exactly at `end`. */
function checkRecords(records: Uint32Array, start: number, end: number): void {
  let at = start;
  let last = start;
  while (at < end) {
    last = at;
    at += recordWords(records[at]);
  }
  if (at === end) return;
  throw new RangeError(
    `records must hold whole items from start to end: the header at word ${last} needs ${at - last} words, ` +
      `but only ${end - last} remain before end (${end})`,
  );
}

/**
 * Zephyr's ring buffer in item mode: items of 0 to 255 32-bit words, each
 * with a 16-bit type and an 8-bit value, stored as one header word plus the
 * payload, all or nothing. One producer and one consumer may run in two
 * threads at once; each side belongs to one handle at a time, as a
 * RingBuf's (`SideOwnedError`). Capacity, size and space count 32-bit
 * words; an item takes 1 + its payload words.
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
export class ItemRingBuf extends Handle {
  /** `get` result when the buffer is empty: {@link EAGAIN}. */
  static readonly EAGAIN = EAGAIN;
  /** `put`/`get` result when the item or the destination is too small: {@link EMSGSIZE}. */
  static readonly EMSGSIZE = EMSGSIZE;

  /** Capacity in 32-bit words. */
  readonly capacity: number;
  /** The core's output word (byte address) and the staging area (byte address and word index). */
  private readonly out: number;
  private readonly stage: number;
  private readonly stageWord: number;
  /** Word index of the put side's claim word (the core's claim offset output). */
  private readonly putClaimWord: number;
  /** The header seen by the last get or getBatch that reported one. */
  private header = 0;
  /** Where the last data/records and the last destination lie. */
  private readonly putPlace = new Placement();
  private readonly getPlace = new Placement();
  private readonly waits: RingWaits;

  /**
   * Places a new, empty buffer of `capacity` 32-bit words in the engine's memory.
   * @throws RangeError if `capacity` is not an integer from 1 to 536870911, or the memory cannot hold it.
   */
  constructor(engine: Engine, capacity: number);
  /** @internal Attaches with a ticket from {@link ItemRingBuf.attach}; nothing else is accepted. */
  constructor(engine: Engine, capacity: number, ticket: unknown);
  constructor(engine: Engine, capacity: number, ticket?: unknown) {
    checkEngine(engine);
    const attached = ticket === undefined ? undefined : redeem(ticket, 'ItemRingBuf', 'engine, capacity');
    // The staging area first: when the memory cannot hold it, nothing is placed.
    let out: number;
    try {
      out = acquireStage(engine);
    } catch (e) {
      if (attached !== undefined) releaseBlock(engine, attached);
      throw e;
    }
    let block = attached;
    try {
      block ??= placeRing(engine, RB_KIND_ITEMS, capacity, MAX_CAPACITY, 4, `capacity ${capacity} words`);
    } catch (e) {
      releaseStage(engine);
      throw e;
    }
    super(engine, 'ItemRingBuf', block, RB_STORAGE_OFF, 4 * capacity);
    this.capacity = capacity;
    this.out = out;
    this.stage = this.out + STAGE_OFFSET;
    this.stageWord = this.stage >>> 2;
    this.putClaimWord = (this.address + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2;
    this.waits = new RingWaits(this.views, this.core, this.address, this.lc, this.inFlight, 'words', 4, capacity);
  }

  /**
   * Attaches to a buffer created elsewhere (typically in another thread)
   * from its {@link Handle.descriptor}. Either engine may attach.
   * @example
   * ```ts
   * // worker:
   * const engine = await createEngine('wasm', { memory: desc.memory });
   * const rb = ItemRingBuf.attach(engine, desc);
   * ```
   */
  static attach(engine: Engine, descriptor: BufferDescriptor): ItemRingBuf {
    const block = attachBlock(engine, descriptor, 'ItemRingBuf', RB_KIND_ITEMS);
    return new ItemRingBuf(engine, engine.views.u32[(block.address + RB_SIZE_OFF) >>> 2] / 4, block);
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
    checkInt('type', type, 0, TYPE_MASK);
    checkInt('value', value, 0, VALUE_MASK);
    checkInt('words', words, 0, ITEM_MAX_WORDS);
    return pack(type, value, words);
  }

  /**
   * The type (bits 0-15) of a header word.
   * @example
   * ```ts
   * ItemRingBuf.headerType(batch[0]);                  // 1
   * ```
   */
  static headerType(header: number): number {
    return headerTypeOf(header);
  }

  /**
   * The value (bits 24-31) of a header word.
   * @example
   * ```ts
   * ItemRingBuf.headerValue(batch[0]);                 // 2
   * ```
   */
  static headerValue(header: number): number {
    return headerValueOf(header);
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
    return headerWordsOf(header);
  }

  /**
   * Words of committed items not yet read, headers included. This value can
   * be stale: the producer may put more at any time, so the consumer sees a
   * lower bound.
   * @example
   * ```ts
   * if (rb.size > 0) rb.get(out);
   * ```
   */
  get size(): number {
    return this.core.rb_size(this.address) >>> 2;
  }

  /**
   * Free words (Zephyr's ring_buf_item_space_get): words, not items; an item
   * of n payload words needs n + 1. This value can be stale: the consumer may
   * free more at any time, so the producer sees a lower bound.
   * @example
   * ```ts
   * if (rb.space > data.length) rb.put(1, 0, data);   // fits: 1 + data.length words
   * ```
   */
  get space(): number {
    return this.core.rb_space(this.address) >>> 2;
  }

  /**
   * True when there is no item to read. Seen from another thread it may not
   * stay true for long: the producer can put at any time.
   * @example
   * ```ts
   * while (!rb.isEmpty) rb.get(out);
   * ```
   */
  get isEmpty(): boolean {
    return this.core.rb_size(this.address) === 0;
  }

  /**
   * Type of the item the last {@link ItemRingBuf.get} returned or kept (EMSGSIZE).
   * @example
   * ```ts
   * if (rb.get(out) >= 0 && rb.itemType === 7) onSample(out);
   * ```
   */
  get itemType(): number {
    return headerTypeOf(this.header);
  }

  /**
   * Value of the item the last {@link ItemRingBuf.get} returned or kept.
   * @example
   * ```ts
   * if (rb.get(out) >= 0) channel = rb.itemValue;
   * ```
   */
  get itemValue(): number {
    return headerValueOf(this.header);
  }

  /**
   * Payload words of the item the last {@link ItemRingBuf.get} returned, or
   * the words a destination needs after an EMSGSIZE (Zephyr's size32 output).
   * @example
   * ```ts
   * if (rb.get(out) === EMSGSIZE) out = new Uint32Array(rb.itemWords);
   * ```
   */
  get itemWords(): number {
    return headerWordsOf(this.header);
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
  put(type: number, value: number, data?: Uint32Array, start = 0, end?: number): number {
    // The valid path in two compares each (isField); anything else gets checkInt's error.
    if (!isField(type, TYPE_MASK)) checkInt('type', type, 0, TYPE_MASK);
    if (!isField(value, VALUE_MASK)) checkInt('value', value, 0, VALUE_MASK);
    // put stays small enough for V8 to inline into the caller's loop: the data's checks and copy are calls.
    const n = data === undefined ? noWindow('data', start, end) : this.dataWords(data, start, end);
    this.live(true);
    return this.core.item_put(
      this.address,
      pack(type, value, n),
      n === 0 ? 0 : this.source(data as Uint32Array, start, n),
    );
  }

  /** Checks put's `data[start, end)` and returns its length in words. */
  private dataWords(data: Uint32Array, start: number, end: number | undefined): number {
    const len = checkWordsAgain('data', data, this.putPlace.array);
    const stop = end === undefined ? len : end;
    checkWindow('data', len, start, stop);
    const n = stop - start;
    if (n > ITEM_MAX_WORDS) {
      throw new RangeError(`data must hold at most ${ITEM_MAX_WORDS} words (end - start), got ${n}`);
    }
    return n;
  }

  /** The address the core reads put's `n` words from: `data` in place, or a copy in the staging area. */
  private source(data: Uint32Array, start: number, n: number): number {
    const v = this.fresh();
    const base = this.putPlace.of(data, v.u32);
    // Data in this ring's own storage is staged first: the core's copy could overwrite words it has yet to read.
    if (base >= 0 && !this.inStorage(base + 4 * start, n)) return base + 4 * start;
    copyWords(v.u32, this.stageWord, data, start, n);
    return this.stage;
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
  get(dst?: Uint32Array, start = 0, end?: number): number {
    let max = 0;
    if (dst === undefined) {
      // Without dst the item is dropped: a window given anyway is refused before that.
      if (start !== 0 || end !== undefined) checkWindow('dst', 0, start, end);
    } else {
      const len = checkWordsAgain('dst', dst, this.getPlace.array);
      if (end === undefined) end = len;
      checkWindow('dst', len, start, end);
      max = end - start;
    }
    const v = this.fresh();
    this.live(false);
    let at = 0;
    let staged = false;
    if (dst !== undefined) {
      // The Placement hit test inline (placement.ts): a call here would cost more than the test.
      const p = this.getPlace;
      const base = dst === p.array && v.u32 === p.memView ? p.address : p.of(dst, v.u32);
      // A destination in this ring's own storage is staged too: the core's copy could overwrite words it has yet to read.
      staged = base < 0 || this.inStorage(base + 4 * start, max);
      at = staged ? this.stage : base + 4 * start;
    }
    // A JS destination is staged: only max words can come back, and the
    // staging area holds the largest item.
    const r = this.core.item_get(this.address, at, Math.min(max, ITEM_MAX_WORDS), this.out);
    if (r === EAGAIN) return r;
    this.header = v.u32[this.out >>> 2];
    if (staged && r > 0) copyWords(dst as Uint32Array, start, v.u32, this.stageWord, r);
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
  putBatch(records: Uint32Array, start = 0, end?: number): number {
    const len = checkWords('records', records);
    if (end === undefined) end = len;
    checkWindow('records', len, start, end);
    const v = this.fresh();
    this.live(true);
    const cb = this.address;
    const base = this.putPlace.of(records, v.u32);
    if (base >= 0 && end - start <= MAX_DIRECT_WORDS) {
      if (this.inStorage(base + 4 * start, end - start)) {
        // Records in this ring's own storage: the copy into storage could
        // overwrite records it has yet to read, so they are copied out first.
        const copy = new Uint32Array(end - start);
        copyWords(copy, 0, records, start, end - start);
        return this.putBatch(copy);
      }
      const claimWord = v.u32[this.putClaimWord];
      const r = this.core.item_put_batch(cb, base + 4 * start, end - start);
      if (r < 0) this.refuseRecords(claimWord, records, start, end);
      return r;
    }
    // Validated whole first, in JS: a longer batch goes in chunks of whole
    // records, and a refused one must not have been copied into the staging area either.
    checkRecords(records, start, end);
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
      copyWords(v.u32, this.stageWord, records, done, n);
      const claimWord = v.u32[this.putClaimWord];
      const r = this.core.item_put_batch(cb, this.stage, n);
      if (r < 0) this.refuseRecords(claimWord, records, start, end);
      done += r;
      if (r < n) break;
    }
    return done - start;
  }

  /**
   * Throws the RangeError of malformed records, after the core refused them
   * (r < 0): it wrote no storage and released its claim, but its claim left
   * an offset in the put side's claim word, put back here to `claimWord`.
   */
  private refuseRecords(claimWord: number, records: Uint32Array, start: number, end: number): never {
    this.views.u32[this.putClaimWord] = claimWord;
    checkRecords(records, start, end);
    throw new Error('unreachable: the core refused records that checkRecords accepts');
  }

  /** Whether `words` words at byte address `at` overlap this ring's storage. */
  private inStorage(at: number, words: number): boolean {
    return at < this.storageAddress + 4 * this.capacity && at + 4 * words > this.storageAddress;
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
  getBatch(dst: Uint32Array, start = 0, end?: number): number {
    const len = checkWords('dst', dst);
    if (end === undefined) end = len;
    checkWindow('dst', len, start, end);
    const v = this.fresh();
    this.live(false);
    const cb = this.address,
      core = this.core;
    // No more than the capacity can come out, which also keeps max * 4 in range.
    const room = Math.min(end - start, this.capacity);
    const base = this.getPlace.of(dst, v.u32);
    // A destination in this ring's own storage goes through the staging area, as a JS one:
    // the words moved first could overwrite words not moved yet.
    if (base >= 0 && !this.inStorage(base + 4 * start, room)) {
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
      copyWords(dst, start + done, v.u32, this.stageWord, r);
      done += r;
    } while (done < room);
    return done;
  }

  /**
   * Empties the buffer (Zephyr's ring_buf_reset). Not safe while the other
   * side is running.
   * @throws SideOwnedError while another handle owns either side.
   * @example
   * ```ts
   * rb.reset();                                        // rb.space === rb.capacity
   * ```
   */
  reset(): void {
    this.checkBothSidesFree();
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
    checkInt('value', value, 0, U32_MAX);
    this.checkBothSidesFree();
    this.core.rb_internal_reset(this.address, value);
  }

  /**
   * Consumer side: blocks until at least `words` words (an item is 1 + its
   * payload) are readable or `ms` milliseconds have passed; returns whether
   * they are. Woken by the producer's next put. Also returns true once the
   * ring is closed (then check {@link ItemRingBuf.ended}). On an unshared memory it only looks.
   * @throws Error on a thread that may not block (a browser's main thread):
   * use {@link ItemRingBuf.waitForDataAsync} there; BufferAbortedError if the
   * ring is or gets aborted (it wakes at once).
   * @example
   * ```ts
   * while (rb.get(out) === ItemRingBuf.EAGAIN) rb.waitForData(1000);
   * ```
   */
  waitForData(ms = Infinity, words = 1): boolean {
    return this.waits.data('waitForData', ms, this.waits.need(words));
  }

  /**
   * Producer side: blocks until at least `words` words are free or `ms`
   * milliseconds have passed; returns whether they are.
   * @throws Error on a thread that may not block: use {@link ItemRingBuf.waitForSpaceAsync};
   * BufferClosedError on a closed ring; BufferAbortedError if the ring is or gets aborted.
   * @example
   * ```ts
   * while (rb.put(1, 0, data) !== 0) rb.waitForSpace(1000, 1 + data.length);
   * ```
   */
  waitForSpace(ms = Infinity, words = 1): boolean {
    return this.waits.space('waitForSpace', ms, this.waits.need(words));
  }

  /**
   * {@link ItemRingBuf.waitForData} as a Promise, for any thread: Atomics.waitAsync, or polling where that is missing.
   * @example
   * ```ts
   * if (await rb.waitForDataAsync(100)) rb.get(out);
   * ```
   */
  waitForDataAsync(ms = Infinity, words = 1): Promise<boolean> {
    const need = this.waits.need(words);
    return this.inFlight.run('ItemRingBuf', () => this.waits.dataAsync(ms, need));
  }

  /**
   * {@link ItemRingBuf.waitForSpace} as a Promise, for any thread.
   * @example
   * ```ts
   * while (rb.put(1, 0) !== 0) await rb.waitForSpaceAsync();
   * ```
   */
  waitForSpaceAsync(ms = Infinity, words = 1): Promise<boolean> {
    const need = this.waits.need(words);
    return this.inFlight.run('ItemRingBuf', () => this.waits.spaceAsync(ms, need));
  }

  /**
   * Producer side: ends the stream. The consumer gets every item put
   * before, then sees {@link ItemRingBuf.ended}; every wait wakes, and from
   * then on producer operations (put, putBatch, waitForSpace) throw
   * `BufferClosedError`. Idempotent. It gives the producer side back; only
   * the producer may close.
   * @throws BufferAbortedError if the ring was aborted; SideOwnedError if
   * another handle owns the producer side (nothing changes).
   * @example
   * ```ts
   * rb.put(END_OF_BATCH, 0);
   * rb.close();
   * ```
   */
  close(): void {
    // Only the producer may end the stream (as RingBuf.close).
    if (this.lc.load() === ST_OPEN) this.holdProducer();
    this.lc.close();
    this.releaseSide(true);
  }

  /**
   * The consumer's end-of-stream: true once the ring is closed and every
   * item put before the close has been read. Not the same as `get`
   * returning {@link EAGAIN}, which an open ring also does between items.
   * @example
   * ```ts
   * while (!rb.ended) if (rb.get(out) === EAGAIN) rb.waitForData();
   * ```
   */
  get ended(): boolean {
    // The state before the tail, as in RingBuf.ended (docs/design.md §10).
    return this.lc.load() === ST_CLOSED && this.core.rb_size(this.address) === 0;
  }

  /** @internal This handle's share of the engine's staging area goes back with it. */
  protected override letGo(): void {
    releaseStage(this.engine);
  }

  /**
   * `using` support: closes the producer side unless another handle owns
   * it, and gives back every side this handle owns; on an aborted ring it only gives them back.
   * @example
   * ```ts
   * { using out = ItemRingBuf.attach(engine, desc); out.put(1, 0); }   // closed and released here
   * ```
   */
  [DISPOSE](): void {
    // Closes as the producer only (as RingBuf's).
    if (this.lc.load() !== ST_ABORTED && this.mayProduce()) this.close();
    this.release();
  }
}

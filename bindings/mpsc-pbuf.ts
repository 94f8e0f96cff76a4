// MpscPbuf: Zephyr's multi-producer single-consumer packet buffer over a
// control block and storage in an engine's memory (layout: assembly/layout.ts,
// algorithm: assembly/mpsc.ts).
//
// The core does the locked part of each iteration of Zephyr's loops; this
// class runs the loops: it calls the drop callback with the lock released
// (as Zephyr does), waits for frees where the thread may block, and turns
// the core's error results into exceptions before anything has changed.

import {
  BLK_KIND_SCRATCH,
  MP_SIZE_OFF,
  MP_STORAGE_OFF,
  MP_LEN_MASK_OFF,
  MP_LENS_OFF,
  MP_CB_BYTES,
  MP_TMP_WR_OFF,
  MP_WR_OFF,
  MP_CONS_TMP_RD_OFF,
  MP_CONS_LINE_OFF,
  MP_CONS_RD_OFF,
  MP_FLAGS_OFF,
  MP_DROPPED_OFF,
  MP_LOST_OFF,
  MP_SEM_OFF,
  MP_CONS_CLAIMED_OFF,
  MP_WAITERS_OFF,
  MP_SCR_BYTES,
  MP_SCR_DROP_OFF,
  MP_COMMITS_OFF,
  MP_CONS_WAITERS_OFF,
  MP_SEM_WOKEN_OFF,
  MP_COMMITS_WOKEN_OFF,
  MP_KIND_VALUE,
  MP_FLAG_OVERWRITE,
  MP_FLAG_FULL,
  MP_FLAG_MAXUTIL,
  MP_MAX_SIZE_WORDS,
  MP_MODE_NOWAIT,
  MP_MODE_WAIT,
  MP_MODE_PUT,
  MP_R_DROPPED,
  MP_R_WAIT,
  MP_R_CLAIMED,
  MP_R_CLOSED,
  MP_R_BUSY,
  MP_R_NONE,
  MP_LOCK_OFF,
  MP_LOCK_WAITERS_OFF,
  U32_MAX,
  ST_CLOSED,
  MP_VALID,
  MP_T_LEN,
  MP_T_RESERVED,
  MP_T_PENDING,
} from '../assembly/layout.js';
import { checkEngine, type Engine } from './engine.js';
import { checkInt, checkWindow, checkWords, describe } from './errors.js';
import { placeBlock, redeem, releaseBlock } from './blocks.js';
import { attachBlock, type BufferDescriptor, Handle } from './handle.js';
import type { Block } from './heap.js';
import { DISPOSE } from './lifecycle.js';
import { canBlock, checkMs, roundStart, sleepOn, sleepOnAsync } from './wait.js';

/**
 * Called with the word offset of each packet dropped to make room; the
 * header's valid bit is already clear, the rest of the packet is intact.
 * @example
 * ```ts
 * const onDrop: DropCallback = (off) => { lostIds.push(pb.words[off + 1]); };
 * ```
 */
export type DropCallback = (offset: number) => void;

/**
 * Returns the length in words of the packet whose header is at `offset`
 * (Zephyr's get_wlen), for headers that keep it somewhere else than bits 2..
 * @example
 * ```ts
 * const getWlen: WlenFunction = (off) => pb.words[off] >>> 24;   // length in the top byte
 * ```
 */
export type WlenFunction = (offset: number) => number;

/**
 * Options of {@link MpscPbuf} that every handle has its own of.
 * @example
 * ```ts
 * const pb = MpscPbuf.attach(engine, desc, { onDrop: (off) => {}, mayBlock: false });
 * ```
 */
export interface MpscHandleOptions {
  /**
   * Called for every packet dropped in overwrite mode, oldest first, with the
   * buffer consistent and unlocked; the packet's words stay intact until the
   * allocation returns. If it throws, the allocation stops and rethrows with
   * the buffer consistent (the dropped packet stays dropped).
   */
  onDrop?: DropCallback;
  /**
   * Packet lengths for custom headers, for a buffer created with `getWlen`:
   * called by `commit` on the packet's offset; must ignore bits 0 and 1.
   */
  getWlen?: WlenFunction;
  /**
   * Whether a timed `alloc` may block this thread in Atomics.wait. Default:
   * detected once (false on a browser's main thread). Pass false where
   * blocking would deadlock (Zephyr's "alloc with a spinlock held"): a timed
   * alloc then behaves as a no-wait one.
   */
  mayBlock?: boolean;
}

/**
 * Options of a new {@link MpscPbuf}.
 * @example
 * ```ts
 * new MpscPbuf(engine, 4096, { overwrite: true, maxUtilization: true, lengthBits: 9 });
 * ```
 */
export interface MpscPbufOptions extends MpscHandleOptions {
  /** When full, drop the oldest packets (MPSC_PBUF_MODE_OVERWRITE). Default false: allocation fails. */
  overwrite?: boolean;
  /** Track the peak usage (MPSC_PBUF_MAX_UTILIZATION). Default false. */
  maxUtilization?: boolean;
  /**
   * Width of the header's length field, bits 2 .. 2+lengthBits-1 (from 1 to
   * 30, default 30). The bits above it are yours. Ignored with `getWlen`.
   */
  lengthBits?: number;
}

const noDrop: DropCallback = () => {};

/**
 * The longest an allocator waiting for space sleeps before it looks again,
 * in ms: frees wake sleepers only once half the storage is free, or when the
 * consumer runs dry (mp_free, wakeSpaceWaiters), so this bounds the delay
 * when the consumer stops in between.
 */
const MP_SPACE_SLICE_MS = 2;

/** How many more times a waiting claim looks before it sleeps (claimPolling). */
const MP_CLAIM_POLLS = 200;

/**
 * Zephyr's MPSC packet buffer: producers `alloc` a packet of `wlen` 32-bit
 * words, write it in place and `commit` it, or store small packets whole
 * with `putWord`/`putWordExt`/`putData`; one consumer `claim`s the oldest
 * committed packet and `free`s it. Packets are word offsets into
 * {@link MpscPbuf.words}; nothing is allocated per operation. Any handle
 * may produce; the consumer side belongs to the handle that claims first,
 * until it gives it back (`release()` or `[Symbol.dispose]()`): another
 * handle's claim or free gets `SideOwnedError`.
 *
 * Header (word 0 of a packet): bit 0 valid, bit 1 busy (both owned by the
 * buffer), the length in bits 2.. (width `lengthBits`), your bits above.
 *
 * @example
 * ```ts
 * const engine = await createEngine('wasm');
 * const pb = new MpscPbuf(engine, 256, { overwrite: true, onDrop: (off) => console.log('dropped', off) });
 * const p = pb.alloc(3);                       // word offset, or null
 * if (p !== null) {
 *   pb.words[p] = 3 << 2;                       // length 3 (valid/busy are the buffer's)
 *   pb.words[p + 1] = 42; pb.words[p + 2] = 43;
 *   pb.commit(p);
 * }
 * const q = pb.claim();                         // p
 * if (q !== null) { use(pb.words[q + 1]); pb.free(q); }
 * ```
 */
export class MpscPbuf extends Handle {
  /** Capacity in 32-bit words. */
  readonly size: number;
  /** Whether full allocations drop the oldest packets. */
  readonly overwrite: boolean;
  /** Width of the header's length field, or 0 when lengths come from `getWlen`. */
  readonly lengthBits: number;
  private readonly scratch: number;
  private readonly scratchBlock: Block;
  private readonly dropWord: number;
  private readonly cbWord: number;
  private readonly lenMask: number;
  private readonly onDrop: DropCallback;
  private readonly getWlen: WlenFunction | undefined;
  private readonly mayBlock: boolean;
  private readonly shared: boolean;
  /** The storage view and the memory-wide view it was cut from. */
  private wordsView: Uint32Array;
  private wordsOf: Uint32Array;

  /**
   * Places a new, empty buffer of `size` words in the engine's memory.
   * @throws RangeError if `size` is not an integer from 1 to 2^30-1, `lengthBits` not from 1 to 30,
   * or the memory cannot hold the buffer; TypeError for callbacks that are not functions.
   */
  constructor(engine: Engine, size: number, options?: MpscPbufOptions);
  /** @internal Attaches with a ticket from {@link MpscPbuf.attach}; nothing else is accepted. */
  constructor(engine: Engine, size: number, options: MpscHandleOptions | undefined, ticket: unknown);
  constructor(engine: Engine, size: number, options: MpscPbufOptions = {}, ticket?: unknown) {
    checkEngine(engine);
    // A refusal below lets go of the buffer's block (attached or placed):
    // a failed constructor holds nothing.
    let block = ticket === undefined ? undefined : redeem(ticket, 'MpscPbuf', 'engine, size, options');
    let onDrop: DropCallback | undefined, getWlen: WlenFunction | undefined, mayBlock: boolean | undefined;
    let scratch: Block;
    try {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        throw new TypeError(`options must be an object, got ${describe(options)}`);
      }
      ({ onDrop, getWlen, mayBlock } = options);
      if (onDrop !== undefined && typeof onDrop !== 'function')
        throw new TypeError('options.onDrop must be a function');
      if (getWlen !== undefined && typeof getWlen !== 'function') {
        throw new TypeError('options.getWlen must be a function');
      }
      if (mayBlock !== undefined && typeof mayBlock !== 'boolean') {
        throw new TypeError('options.mayBlock must be a boolean');
      }
      block ??= placeMpsc(engine, size, options);
      if (engine.views.u32[(block.address + MP_LEN_MASK_OFF) >>> 2] === 0 && getWlen === undefined) {
        throw new TypeError('options.getWlen is required: the buffer was created with custom packet lengths');
      }
      // Zephyr's alloc loop keeps prev_tmp_wr and shift in locals; here they
      // live in a scratch block of this handle (one per handle, so one per
      // producer thread), zeroed, freed with the handle.
      scratch = placeBlock(engine, BLK_KIND_SCRATCH, MP_SCR_BYTES, MP_SCR_BYTES, 'the MpscPbuf handle');
    } catch (e) {
      if (block !== undefined) releaseBlock(engine, block);
      throw e;
    }
    super(engine, 'MpscPbuf', block, MP_STORAGE_OFF, 4 * size);
    const v = this.views;
    this.cbWord = this.address >>> 2;
    this.size = v.u32[this.cbWord + (MP_SIZE_OFF >> 2)];
    this.lenMask = v.u32[this.cbWord + (MP_LEN_MASK_OFF >> 2)];
    this.lengthBits = this.lenMask === 0 ? 0 : Math.log2(this.lenMask + 1);
    this.overwrite = (v.u32[this.cbWord + (MP_FLAGS_OFF >> 2)] & MP_FLAG_OVERWRITE) !== 0;
    this.getWlen = getWlen;
    this.onDrop = onDrop ?? noDrop;
    this.scratchBlock = scratch;
    this.scratch = scratch.address;
    this.dropWord = (this.scratch + MP_SCR_DROP_OFF) >>> 2;
    this.shared = engine.shared;
    this.mayBlock = mayBlock ?? canBlock();
    this.wordsOf = v.u32;
    this.wordsView = v.u32.subarray(this.storageAddress >>> 2, (this.storageAddress >>> 2) + this.size);
  }

  /**
   * Attaches to a buffer created elsewhere, typically in another thread, from
   * its {@link Handle.descriptor}. Each handle has its own drop callback.
   * @example
   * ```ts
   * // worker:
   * const engine = await createEngine('wasm', { memory: desc.memory });
   * const pb = MpscPbuf.attach(engine, desc, { onDrop: (off) => {} });
   * ```
   */
  static attach(engine: Engine, descriptor: BufferDescriptor, options?: MpscHandleOptions): MpscPbuf {
    const block = attachBlock(engine, descriptor, 'MpscPbuf', MP_KIND_VALUE);
    return new MpscPbuf(engine, engine.views.u32[(block.address + MP_SIZE_OFF) >>> 2], options, block);
  }

  /**
   * The storage as a Uint32Array (one long-lived view, rebuilt only if the
   * memory grew): packet offsets index into it.
   * @example
   * ```ts
   * const p = pb.alloc(2)!;
   * pb.words[p] = 2 << 2; pb.words[p + 1] = 7; pb.commit(p);
   * ```
   */
  get words(): Uint32Array {
    const v = this.fresh();
    // Identity of the memory-wide view, not `.buffer`: reading a typed
    // array's buffer is a runtime call in V8, far slower than the op itself.
    if (this.wordsOf !== v.u32) {
      this.wordsOf = v.u32;
      this.wordsView = v.u32.subarray(this.storageAddress >>> 2, (this.storageAddress >>> 2) + this.size);
    }
    return this.wordsView;
  }

  /**
   * Allocates a packet of `wlen` words and returns its word offset, or null
   * (Zephyr's mpsc_pbuf_alloc). Its valid and busy bits are clear; write the
   * header (with its length) and the payload, then {@link MpscPbuf.commit}.
   *
   * With `ms` 0 (the default, K_NO_WAIT) a full buffer drops the
   * oldest packets in overwrite mode, or fails. With a timeout (Infinity for
   * ever) it never drops: it waits until the consumer frees enough space, in
   * total at most `ms`. Where this thread may not block (see
   * `mayBlock`) a timed alloc is a no-wait one, as in a Zephyr ISR. On an
   * unshared memory nothing can free space while this thread waits, so it
   * returns null at once instead of sleeping.
   * @throws RangeError if `wlen` is not an integer from 1 to `size` or `ms` is not a number >= 0;
   * BufferClosedError or BufferAbortedError once the buffer is closed or aborted (a waiting alloc wakes at once).
   * @example
   * ```ts
   * const p = pb.alloc(4);                       // no wait
   * const q = pb.alloc(4, 10);                   // waits up to 10 ms for a free (in a worker)
   * ```
   */
  alloc(wlen: number, ms = 0): number | null {
    checkInt('wlen', wlen, 1, this.size);
    if (ms !== 0) checkMs(ms);
    const core = this.core,
      cb = this.address,
      scr = this.scratch;
    const mode = ms !== 0 && this.mayBlock ? MP_MODE_WAIT : MP_MODE_NOWAIT;
    for (;;) {
      const r = core.mp_alloc(cb, scr, wlen, mode);
      if (r >= 0) return r;
      if (r === MP_R_BUSY) {
        this.lockWait();
      } else if (r === MP_R_DROPPED) {
        this.notifyDrop();
      } else if (r === MP_R_CLOSED) {
        throw this.lc.refusal();
      } else if (r === MP_R_WAIT && this.shared) {
        return this.allocWaiting(wlen, ms);
      } else {
        return null;
      }
    }
  }

  /**
   * alloc's wait for space, registered in MP_WAITERS_OFF from before its
   * next look to the end (the ring form of docs/design.md §3): a free after
   * the look sees the count and adds to MP_SEM_OFF, so the sleep returns at
   * once. In slices: a free wakes sleepers only once half the storage is
   * free (mp_free), so a sleeper also looks again by itself meanwhile.
   */
  private allocWaiting(wlen: number, ms: number): number | null {
    const sem = this.cbWord + (MP_SEM_OFF >> 2),
      waiters = this.cbWord + (MP_WAITERS_OFF >> 2),
      woken = this.cbWord + (MP_SEM_WOKEN_OFF >> 2);
    const deadline = performance.now() + ms;
    Atomics.add(this.fresh().i32, waiters, 1);
    try {
      for (;;) {
        const i32 = this.fresh().i32;
        const seen = roundStart(i32, sem, woken);
        const r = this.core.mp_alloc(this.address, this.scratch, wlen, MP_MODE_WAIT);
        if (r >= 0) return r;
        if (r === MP_R_BUSY) {
          this.lockWait();
          continue;
        }
        if (r === MP_R_CLOSED) throw this.lc.refusal();
        const now = performance.now();
        if (now >= deadline) return null;
        sleepOn(i32, sem, seen, Math.min(deadline, now + MP_SPACE_SLICE_MS));
      }
    } finally {
      Atomics.sub(this.fresh().i32, waiters, 1);
    }
  }

  /**
   * {@link MpscPbuf.alloc} for contexts that may not block (a browser's main
   * thread): waits up to `ms` without blocking, with Atomics.waitAsync
   * on a shared memory or short sleeps otherwise (so a consumer in this same
   * thread can free space meanwhile). Never drops while it waits.
   * @example
   * ```ts
   * const p = await pb.allocAsync(8, 100);
   * ```
   */
  allocAsync(wlen: number, ms = 0): Promise<number | null> {
    return this.inFlight.run('MpscPbuf', () => this.allocLater(wlen, ms));
  }

  /** allocAsync's loop (a wait counted by inFlight: a release() while it sleeps ends it). */
  private async allocLater(wlen: number, ms: number): Promise<number | null> {
    checkInt('wlen', wlen, 1, this.size);
    if (ms !== 0) checkMs(ms);
    const mode = ms !== 0 ? MP_MODE_WAIT : MP_MODE_NOWAIT;
    const deadline = performance.now() + ms;
    const sem = this.cbWord + (MP_SEM_OFF >> 2),
      waiters = this.cbWord + (MP_WAITERS_OFF >> 2),
      woken = this.cbWord + (MP_SEM_WOKEN_OFF >> 2);
    let registered = false;
    try {
      for (;;) {
        const seen = roundStart(this.fresh().i32, sem, woken);
        const r = this.core.mp_alloc(this.address, this.scratch, wlen, mode);
        if (r >= 0) return r;
        if (r === MP_R_BUSY) {
          this.lockWait();
        } else if (r === MP_R_DROPPED) {
          this.notifyDrop();
        } else if (r === MP_R_CLOSED) {
          throw this.lc.refusal();
        } else if (r === MP_R_WAIT && !registered) {
          // As allocWaiting: registered before the next look, then sleeps.
          Atomics.add(this.fresh().i32, waiters, 1);
          registered = true;
        } else if (r === MP_R_WAIT) {
          const now = performance.now();
          if (now >= deadline) return null;
          await sleepOnAsync(this.fresh().i32, sem, seen, Math.min(deadline, now + MP_SPACE_SLICE_MS));
        } else {
          return null;
        }
      }
    } finally {
      if (registered) Atomics.sub(this.fresh().i32, waiters, 1);
    }
  }

  /**
   * Makes an allocated packet visible to the consumer (mpsc_pbuf_commit).
   * Commits may come in any order; the consumer still sees packets in
   * allocation order. The length is read from the header (or `getWlen`).
   * @throws RangeError if `packet` is not an allocated, uncommitted packet, or its length (field or `getWlen`)
   * is not the `wlen` it was allocated with (nothing changes).
   * @example
   * ```ts
   * const p = pb.alloc(1)!;
   * pb.words[p] = 1 << 2;
   * pb.commit(p);
   * ```
   */
  commit(packet: number): void {
    checkInt('packet', packet, 0, this.size - 1);
    // Custom lengths are asked for here, before the lock, as Zephyr does;
    // a length field is read by the core (0), which saves a read per commit.
    const wlen =
      this.getWlen === undefined ? 0 : checkInt('getWlen() result', this.getWlen(packet), 1, this.size - packet);
    // A producer's operation that a close does not stop (a packet allocated before it may still be committed).
    this.liveAfterClose();
    let r = this.core.mp_commit(this.address, packet, wlen);
    while (r === MP_R_BUSY) {
      this.lockWait();
      r = this.core.mp_commit(this.address, packet, wlen);
    }
    if (r !== 0) throw this.commitError(packet, wlen);
  }

  /**
   * Why a commit was refused: not an allocated, uncommitted packet, or a
   * length other than the one alloc granted (read from the core's packet table).
   */
  private commitError(packet: number, wlen: number): RangeError {
    const v = this.fresh();
    const header = v.u32[(this.storageAddress >>> 2) + packet];
    const entry = v.u32[(this.control(MP_LENS_OFF) >>> 2) + packet];
    if ((entry & MP_T_RESERVED) >>> 0 !== MP_T_PENDING || (header & 3) !== 0) {
      return new RangeError(`packet ${packet} is not an allocated, uncommitted packet`);
    }
    const granted = entry & MP_T_LEN;
    const said = wlen === 0 ? `its length field says ${(header >>> 2) & this.lenMask}` : `getWlen() returned ${wlen}`;
    return new RangeError(`packet ${packet} was allocated with ${granted} words, ${said}`);
  }

  /**
   * A header handed over whole (putWord, putWordExt, putData): "valid" in
   * bits 1..0, and a length field of exactly `wlen` (issue 17: the core
   * stores it as given, so a bad one would wedge the consumer).
   */
  private checkHeader(what: string, header: number, wlen: number): void {
    const state = header & 3;
    if (state !== MP_VALID) {
      throw new RangeError(
        `the ${what} header must have the valid bit set and the busy bit clear (bits 1..0 = 01), got ${state.toString(2).padStart(2, '0')}`,
      );
    }
    const field = (header >>> 2) & this.lenMask;
    if (this.lenMask !== 0 && field !== wlen) {
      throw new RangeError(`the length field of the ${what} header must be ${wlen}, got ${field}`);
    }
  }

  /**
   * Stores a 1-word packet (mpsc_pbuf_put_word). `word` must have the valid
   * bit set, the busy bit clear and length 1. Returns false, and counts a
   * loss, when there is no room and nothing can be dropped (Zephyr loses it silently).
   * @throws RangeError if `word` is not such a header (nothing changes).
   * @example
   * ```ts
   * pb.putWord(1 | (1 << 2) | (tag << 11));
   * ```
   */
  putWord(word: number): boolean {
    checkInt('word', word, 0, U32_MAX);
    this.checkHeader('putWord', word, 1);
    for (;;) {
      const r = this.core.mp_put_word(this.address, this.scratch, word);
      if (r === 0) return true;
      if (r === MP_R_BUSY) {
        this.lockWait();
        continue;
      }
      if (r === MP_R_CLOSED) throw this.lc.refusal();
      if (r !== MP_R_DROPPED) return false;
      this.notifyDrop();
    }
  }

  /**
   * Stores a 2-word packet, `word` then `ext` (mpsc_pbuf_put_word_ext, where
   * the second word is a pointer: 2 words on wasm32). Returns as {@link MpscPbuf.putWord}.
   * @throws RangeError on a 1-word buffer, or if `word` is not a valid header of length 2.
   * @example
   * ```ts
   * pb.putWordExt(1 | (2 << 2), 0xdeadbeef);
   * ```
   */
  putWordExt(word: number, ext: number): boolean {
    checkInt('word', word, 0, U32_MAX);
    checkInt('ext', ext, 0, U32_MAX);
    // Zephyr would loop for ever (pad, drop the padding, pad again…).
    if (this.size < 2) throw new RangeError(`putWordExt needs a buffer of at least 2 words, this one has ${this.size}`);
    this.checkHeader('putWordExt', word, 2);
    for (;;) {
      const r = this.core.mp_put_word_ext(this.address, this.scratch, word, ext);
      if (r === 0) return true;
      if (r === MP_R_BUSY) {
        this.lockWait();
        continue;
      }
      if (r === MP_R_CLOSED) throw this.lc.refusal();
      if (r !== MP_R_DROPPED) return false;
      this.notifyDrop();
    }
  }

  /**
   * Stores `src[start, end)` as one whole, committed packet
   * (mpsc_pbuf_put_data); `src[start]` is its header, with the valid bit set.
   * Returns as {@link MpscPbuf.putWord}.
   * @throws RangeError if the packet is empty or longer than the buffer (Zephyr would loop for ever), or its
   * header is not valid (valid bit set, busy clear) with a length field of exactly `end - start`.
   * @example
   * ```ts
   * pb.putData(new Uint32Array([1 | (3 << 2), 10, 20]));
   * ```
   */
  putData(src: Uint32Array, start = 0, end?: number): boolean {
    const len = checkWords('src', src);
    if (end === undefined) end = len;
    checkWindow('src', len, start, end);
    const wlen = checkInt('putData length (end - start)', end - start, 1, this.size);
    // Read once: the drop callback below may change src.
    const header = src[start];
    this.checkHeader('putData', header, wlen);
    for (;;) {
      const off = this.core.mp_alloc(this.address, this.scratch, wlen, MP_MODE_PUT);
      if (off >= 0) {
        // Zephyr copies under the lock; here the packet stays "allocated"
        // (valid and busy clear) while the payload is copied, and the header
        // is published by mp_put_finish's critical section.
        const w = this.words;
        for (let i = 1; i < wlen; i++) w[off + i] = src[start + i];
        while (this.core.mp_put_finish(this.address, off, wlen, header) === MP_R_BUSY) this.lockWait();
        return true;
      }
      if (off === MP_R_BUSY) {
        this.lockWait();
        continue;
      }
      if (off === MP_R_CLOSED) throw this.lc.refusal();
      if (off !== MP_R_DROPPED) return false;
      this.notifyDrop();
    }
  }

  /** Hands the packet the core just dropped to the drop callback. */
  private notifyDrop(): void {
    const off = this.fresh().u32[this.dropWord];
    try {
      this.onDrop(off);
    } catch (e) {
      // Zephyr's loop would run post_drop_action next; do it now so the
      // reservation made for the dropped packet does not outlive the call.
      while (this.core.mp_post_drop(this.address, this.scratch) === MP_R_BUSY) this.lockWait();
      throw e;
    }
  }

  /**
   * The core's lock stayed held through its spin (MP_R_BUSY): its holder was
   * descheduled. Sleeps until it is released, registered in
   * MP_LOCK_WAITERS_OFF so that the release notifies (the argument is at
   * unlock in assembly/mpsc.ts); where this thread may not block, returns
   * at once and the caller tries again.
   */
  private lockWait(): void {
    if (!this.mayBlock) return;
    const i32 = this.fresh().i32;
    const waiters = this.cbWord + (MP_LOCK_WAITERS_OFF >> 2);
    Atomics.add(i32, waiters, 1);
    Atomics.wait(i32, this.cbWord + (MP_LOCK_OFF >> 2), 1);
    Atomics.sub(i32, waiters, 1);
  }

  /** Calls mp_claim until it gets the lock. */
  private claimCore(): number {
    let r = this.core.mp_claim(this.address);
    while (r === MP_R_BUSY) {
      this.lockWait();
      r = this.core.mp_claim(this.address);
    }
    return r;
  }

  /** Calls `read` (mp_is_pending, mp_usage, mp_max_usage, mp_unclaimed) until it gets the lock. */
  private readLocked(read: (cb: number) => number): number {
    let r = read(this.address);
    while (r === MP_R_BUSY) {
      this.lockWait();
      r = read(this.address);
    }
    return r;
  }

  /**
   * Claims the oldest committed packet and returns its offset, or null
   * (mpsc_pbuf_claim). Skip packets are passed over. Free it before the next claim.
   *
   * With `ms` (Infinity for ever) an empty buffer makes it sleep until
   * a producer commits, at most `ms` in total; where this thread may
   * not block (see `mayBlock`) or the memory is unshared it does not wait:
   * use {@link MpscPbuf.claimAsync} there. On a closed buffer it returns
   * null at once when nothing is left ({@link MpscPbuf.ended}).
   * @throws TypeError while another claimed packet has not been freed (nothing changes);
   * SideOwnedError if another handle owns the consumer side;
   * RangeError if `ms` is not a number >= 0; BufferAbortedError if the
   * buffer is or gets aborted (a waiting claim wakes at once).
   * @example
   * ```ts
   * const p = pb.claim();
   * if (p !== null) { handle(pb.words, p); pb.free(p); }
   * const q = pb.claim(100);                     // a worker: sleeps up to 100 ms for a packet
   * ```
   */
  claim(ms = 0): number | null {
    if (ms !== 0) return this.claimWaiting(ms);
    this.live(false);
    return this.claimed(this.claimCore());
  }

  private claimed(r: number): number | null {
    if (r >= 0) return r;
    if (r === MP_R_CLAIMED) {
      throw new TypeError(
        'claim: a claimed packet has not been freed yet; free it first (one claim at a time, as in Zephyr)',
      );
    }
    this.wakeSpaceWaiters();
    return null;
  }

  /**
   * The consumer found nothing to claim: wakes the allocators that a free
   * left asleep (mp_free wakes them only once half the storage is free), so
   * that an idle consumer never leaves room unused. One load when nobody sleeps.
   */
  private wakeSpaceWaiters(): void {
    const i32 = this.fresh().i32;
    // Seq-cst load after the claim: a sleeper registered before it is seen;
    // the add makes one between its look and its wait return at once.
    if (Atomics.load(i32, this.cbWord + (MP_WAITERS_OFF >> 2)) !== 0) {
      Atomics.add(i32, this.cbWord + (MP_SEM_OFF >> 2), 1);
      Atomics.notify(i32, this.cbWord + (MP_SEM_OFF >> 2));
    }
  }

  /**
   * A claim that looks again up to MP_CLAIM_POLLS times before a waiting
   * caller sleeps: with producers active a packet is usually a commit
   * away, and a sleep and its wake-up cost far more (bench/README.md,
   * "MpscPbuf across threads"). On an empty buffer with nobody producing it
   * costs a few microseconds per wait.
   */
  private claimPolling(): number | null {
    let r = this.claimCore();
    for (let i = 0; r === MP_R_NONE && i < MP_CLAIM_POLLS; i++) r = this.claimCore();
    return this.claimed(r);
  }

  /**
   * claim(ms): looks once, then waits registered in MP_CONS_WAITERS_OFF
   * from before its next look to the end (the ring form of docs/design.md
   * §3): a commit after the look sees the count and adds to
   * MP_COMMITS_OFF, so the sleep returns at once.
   */
  private claimWaiting(ms: number): number | null {
    checkMs(ms);
    this.live(false);
    const first = this.claimPolling();
    // Closed with nothing left: end-of-stream, no need to sleep.
    if (first !== null || !(this.shared && this.mayBlock) || this.drained()) return first;
    const commits = this.cbWord + (MP_COMMITS_OFF >> 2),
      waiters = this.cbWord + (MP_CONS_WAITERS_OFF >> 2),
      woken = this.cbWord + (MP_COMMITS_WOKEN_OFF >> 2);
    const deadline = performance.now() + ms;
    Atomics.add(this.fresh().i32, waiters, 1);
    try {
      for (;;) {
        const i32 = this.fresh().i32;
        const seen = roundStart(i32, commits, woken);
        this.live(false);
        const r = this.claimed(this.claimCore());
        // A commit, close or abort after `seen` was read changes the
        // counter, so the sleep returns at once (docs/design.md §10).
        if (r !== null || this.drained()) return r;
        if (!sleepOn(i32, commits, seen, deadline)) {
          this.live(false);
          return null;
        }
      }
    } finally {
      Atomics.sub(this.fresh().i32, waiters, 1);
    }
  }

  /**
   * {@link MpscPbuf.claim} with a timeout, for any thread: waits with
   * Atomics.waitAsync on a shared memory, or short sleeps otherwise (so a
   * producer in this same thread can commit meanwhile).
   * @example
   * ```ts
   * const p = await pb.claimAsync(1000);         // a browser's main thread
   * if (p !== null) { draw(pb.words, p); pb.free(p); }
   * ```
   */
  claimAsync(ms = 0): Promise<number | null> {
    return this.inFlight.run('MpscPbuf', () => this.claimLater(ms));
  }

  /** claimAsync's loop (a wait counted by inFlight: a release() while it sleeps ends it). */
  private async claimLater(ms: number): Promise<number | null> {
    if (ms !== 0) checkMs(ms);
    this.live(false);
    const first = ms === 0 ? this.claimed(this.claimCore()) : this.claimPolling();
    if (first !== null || ms === 0 || this.drained()) return first;
    const commits = this.cbWord + (MP_COMMITS_OFF >> 2),
      waiters = this.cbWord + (MP_CONS_WAITERS_OFF >> 2),
      woken = this.cbWord + (MP_COMMITS_WOKEN_OFF >> 2);
    const deadline = performance.now() + ms;
    // As claimWaiting: registered before each look.
    Atomics.add(this.fresh().i32, waiters, 1);
    try {
      for (;;) {
        const i32 = this.fresh().i32;
        const seen = roundStart(i32, commits, woken);
        this.live(false);
        const r = this.claimed(this.claimCore());
        if (r !== null || this.drained()) return r;
        if (!(await sleepOnAsync(i32, commits, seen, deadline))) {
          this.live(false);
          return null;
        }
      }
    } finally {
      Atomics.sub(this.fresh().i32, waiters, 1);
    }
  }

  /**
   * Frees the claimed packet (mpsc_pbuf_free) and wakes a waiting allocator.
   * @throws RangeError if `packet` is not the packet returned by the last claim (nothing changes).
   * @example
   * ```ts
   * const p = pb.claim();
   * if (p !== null) pb.free(p);
   * ```
   */
  free(packet: number): void {
    checkInt('packet', packet, 0, this.size - 1);
    this.live(false);
    let r = this.core.mp_free(this.address, packet);
    while (r === MP_R_BUSY) {
      this.lockWait();
      r = this.core.mp_free(this.address, packet);
    }
    if (r !== 0) {
      throw new RangeError(`packet ${packet} is not the claimed packet`);
    }
  }

  /**
   * True if something may be waiting to be claimed (mpsc_pbuf_is_pending).
   * It can be true while `claim()` returns null: only skip packets, or an
   * uncommitted packet first. This value can be stale: producers may commit
   * at any time.
   * @example
   * ```ts
   * while (pb.isPending) { const p = pb.claim(); if (p === null) break; handle(p); pb.free(p); }
   * ```
   */
  get isPending(): boolean {
    return this.readLocked(this.core.mp_is_pending) !== 0;
  }

  /**
   * Capacity in bytes, `size * 4` (Zephyr reports (size-1)*4).
   * @example
   * ```ts
   * const percent = (100 * pb.utilization) / pb.capacityBytes;
   * ```
   */
  get capacityBytes(): number {
    return this.size * 4;
  }

  /**
   * Bytes in use, from the oldest claimed or committed packet to the newest
   * allocated one: exact when read, stale as soon as another thread allocates or frees.
   * @example
   * ```ts
   * if (pb.utilization > pb.capacityBytes / 2) slowDown();
   * ```
   */
  get utilization(): number {
    return this.readLocked(this.core.mp_usage) * 4;
  }

  /**
   * The peak of {@link MpscPbuf.utilization} in bytes since creation, or
   * undefined without `maxUtilization` (Zephyr's -ENOTSUP).
   * @example
   * ```ts
   * console.log(`peak ${pb.maxUtilization} of ${pb.capacityBytes} bytes`);
   * ```
   */
  get maxUtilization(): number | undefined {
    if ((this.control(MP_FLAGS_OFF) & MP_FLAG_MAXUTIL) === 0) return undefined;
    return this.readLocked(this.core.mp_max_usage) * 4;
  }

  /**
   * User packets dropped to make room (overwrite mode), by every handle.
   * @example
   * ```ts
   * const before = pb.dropped; pb.alloc(8); const droppedNow = pb.dropped - before;
   * ```
   */
  get dropped(): number {
    return this.control(MP_DROPPED_OFF);
  }

  /**
   * putWord/putWordExt/putData calls that found no room and returned false, by every handle.
   * @example
   * ```ts
   * if (pb.lost > 0) console.warn(`${pb.lost} packets lost`);
   * ```
   */
  get lost(): number {
    return this.control(MP_LOST_OFF);
  }

  /**
   * The internal indices (Zephyr's names) and flags, for debugging.
   * @example
   * ```ts
   * const { wr, tmpWr, rd, tmpRd, flags } = pb.inspect();
   * ```
   */
  inspect(): {
    /** End of the committed packets (Zephyr's wr), in words. */
    wr: number;
    /** End of the allocated packets (tmp_wr), in words. */
    tmpWr: number;
    /** Start of the oldest unfreed packet (rd), in words. */
    rd: number;
    /** End of the claimed packets (tmp_rd), in words. */
    tmpRd: number;
    /** The MP_FLAG_* bits (layout.ts). */
    flags: number;
  } {
    // rd and tmp_wr are kept modulo 2 * size (layout.ts): Zephyr's positions
    // are those mod size, and its FULL flag is tmp_wr - rd = size.
    const size = this.size;
    const rd2 = this.control(this.control(MP_CONS_LINE_OFF) + MP_CONS_RD_OFF),
      tmpWr2 = this.control(MP_TMP_WR_OFF);
    const rd = rd2 % size,
      flags = this.control(MP_FLAGS_OFF);
    const full = (tmpWr2 - rd2 + 2 * size) % (2 * size) === size;
    // Without overwrite tmp_rd is not stored: rd, or the end of the claimed packet (which starts at rd).
    let tmpRd = this.control(this.control(MP_CONS_LINE_OFF) + MP_CONS_TMP_RD_OFF);
    if ((flags & MP_FLAG_OVERWRITE) === 0) {
      const claimed = this.control(this.control(MP_CONS_LINE_OFF) + MP_CONS_CLAIMED_OFF) !== 0;
      const claimedWords = this.fresh().u32[(this.control(MP_LENS_OFF) >>> 2) + rd] & MP_T_LEN;
      tmpRd = claimed ? (rd + claimedWords) % size : rd;
    }
    return {
      wr: this.control(MP_WR_OFF),
      tmpWr: tmpWr2 % size,
      rd,
      tmpRd,
      flags: flags | (full ? MP_FLAG_FULL : 0),
    };
  }

  /** The control block word at byte offset `off`, read atomically. */
  private control(off: number): number {
    return Atomics.load(this.fresh().u32, this.cbWord + (off >> 2));
  }

  /**
   * After a claim found nothing: whether the buffer has ended, i.e. is
   * closed with nothing left to claim, not even a packet allocated before
   * the close and not committed yet. The state is read after the claim and
   * before the count, which mp_unclaimed takes under the lock (§10).
   */
  private drained(): boolean {
    return this.lc.load() === ST_CLOSED && this.readLocked(this.core.mp_unclaimed) === 0;
  }

  /**
   * Closes the whole buffer, from any handle (an explicit close: the buffer
   * does not count its producers). From then on `alloc`, `putWord`,
   * `putWordExt` and `putData` on every handle throw `BufferClosedError`,
   * and timed allocations asleep wake and throw it; a packet allocated
   * before the close may still be committed. The consumer claims every
   * packet allocated before the close once it is committed, then sees
   * {@link MpscPbuf.ended}: `claim` returns null, and a waiting claim
   * returns at once. Idempotent.
   * @throws BufferAbortedError if the buffer was aborted.
   * @example
   * ```ts
   * // once every producer has said it is done:
   * pb.close();
   * ```
   */
  close(): void {
    this.lc.close();
  }

  /**
   * The consumer's end-of-stream: true once the buffer is closed and
   * nothing is left to claim, not even a packet allocated before the close
   * and not committed yet. It can be false while only skip packets remain:
   * the next `claim` passes over them, returns null, and then it is true.
   * @example
   * ```ts
   * for (;;) {
   *   const p = pb.claim(1000);
   *   if (p !== null) { handle(pb.words, p); pb.free(p); }
   *   else if (pb.ended) break;
   * }
   * ```
   */
  get ended(): boolean {
    return this.drained();
  }

  /** @internal This handle's scratch block goes back with it. */
  protected override letGo(): void {
    releaseBlock(this.engine, this.scratchBlock);
  }

  /**
   * `using` support: gives the consumer side back if this handle owns it
   * (a packet it claimed and did not free is freed). It does not close: one
   * handle leaving scope must not end the stream for the other producers;
   * close the buffer with {@link MpscPbuf.close} once all of them are done.
   * @example
   * ```ts
   * { using pb = MpscPbuf.attach(engine, desc); pb.putWord(word); }   // released here
   * ```
   */
  [DISPOSE](): void {
    this.release();
  }

  /**
   * @internal Before the consumer side is given back: frees the packet this
   * handle claimed and did not free (it was delivered here), so that the
   * next consumer's claim is not refused for ever.
   */
  protected override settle(): void {
    const claimed = this.control(this.control(MP_CONS_LINE_OFF) + MP_CONS_CLAIMED_OFF);
    // The lock may be busy (MP_R_BUSY) as for any free: wait for it, then free.
    if (claimed !== 0) while (this.core.mp_free(this.address, claimed - 1) === MP_R_BUSY) this.lockWait();
  }
}

/** Validates the creation options, then places and initialises a new buffer of `size` words. */
function placeMpsc(engine: Engine, size: number, options: MpscPbufOptions): Block {
  checkInt('size', size, 1, MP_MAX_SIZE_WORDS);
  const { overwrite = false, maxUtilization = false, lengthBits = 30, getWlen } = options;
  if (typeof overwrite !== 'boolean') throw new TypeError('options.overwrite must be a boolean');
  if (typeof maxUtilization !== 'boolean') throw new TypeError('options.maxUtilization must be a boolean');
  checkInt('options.lengthBits', lengthBits, 1, 30);
  // Lengths and states live in the core's packet table beside the storage
  // (one word per storage word, layout.ts), out of user code's reach, so
  // the core never follows a header; custom lengths need no call into JS
  // with the lock held either.
  const custom = getWlen !== undefined;
  const block = placeBlock(engine, MP_KIND_VALUE, MP_CB_BYTES + size * 8, 0, `size ${size}`);
  const address = block.address;
  const flags = (overwrite ? MP_FLAG_OVERWRITE : 0) | (maxUtilization ? MP_FLAG_MAXUTIL : 0);
  const mask = custom ? 0 : 2 ** lengthBits - 1;
  const lens = address + MP_CB_BYTES + size * 4;
  engine.core.mp_init(address, address + MP_CB_BYTES, size, flags, mask, lens, engine.shared ? 1 : 0);
  return block;
}

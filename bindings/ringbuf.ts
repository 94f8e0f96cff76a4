// RingBuf: Zephyr's byte-mode ring buffer over a control block and storage
// in an engine's memory (layout: assembly/layout.ts).

import {
  RB_KIND_OFF,
  RB_SIZE_OFF,
  RB_STORAGE_OFF,
  RB_PUT_OFF,
  RB_GET_OFF,
  RB_CB_BYTES,
  IDX_CLAIM_OFF,
  RB_KIND_BYTES,
  RB_MAX_SIZE_BYTES,
  EINVAL,
  LINE_BYTES,
} from '../assembly/layout.js';
import type { Core } from './core.js';
import { checkBytes, checkInt, checkWindow } from './errors.js';
import { Engine } from './engine.js';
import type { Views } from './views.js';
import { ringWait, ringWaitAsync } from './wait.js';
import { STAGE_BYTES, WriteStage } from './write-stage.js';
import { copyIn, copyOut, LOOP_COPY_MAX_SHARED, LOOP_COPY_MAX_UNSHARED } from './byte-copy.js';

/**
 * What another thread needs to attach to a buffer; `postMessage` can carry
 * it when the memory is shared.
 */
export interface BufferDescriptor {
  /** `'RingBuf'`, `'ItemRingBuf'` or `'MpscPbuf'`. */
  type: string;
  /** The memory that holds the buffer. */
  memory: WebAssembly.Memory;
  /** Address of the buffer's control block in that memory. */
  address: number;
}

/** @internal The RangeError of a finish beyond the claim; `errno` is Zephyr's -EINVAL. */
export function finishError(side: string, n: number, claimed: number): RangeError {
  const e = new RangeError(`n must be at most the ${claimed} bytes of outstanding ${side} claims, got ${n}`);
  (e as RangeError & { errno: number }).errno = -EINVAL;
  return e;
}

/**
 * Zephyr's byte-mode ring buffer: a copying `put`/`get`/`peek`, a zero-copy
 * claim/finish API for both sides, and one producer plus one consumer that
 * may run in two threads at once. Capacity equals storage: all bytes are usable.
 *
 * @example
 * ```ts
 * const engine = await createEngine('wasm');
 * const rb = new RingBuf(engine, 1024);
 * rb.put(new Uint8Array([1, 2, 3]));           // 3
 * const out = new Uint8Array(8);
 * rb.get(out);                                  // 3: out starts 1, 2, 3
 * ```
 */
export class RingBuf {
  /** The engine (memory and core) this handle runs on. */
  readonly engine: Engine;
  /** Address of the control block; with the memory it identifies the buffer. */
  readonly address: number;
  /** Capacity in bytes (Zephyr's ring_buf_capacity_get). */
  readonly capacity: number;
  /** Absolute address of the storage in the memory, for code that works in place (your own wasm). */
  readonly storageAddress: number;
  private readonly core: Core;
  private readonly views: Views;
  private readonly putClaimWord: number;
  private readonly getClaimWord: number;
  private storageView: Uint8Array;
  /** LOOP_COPY_MAX_SHARED or LOOP_COPY_MAX_UNSHARED, for this memory. */
  private readonly loopCopyMax: number;
  /**
   * The last array given to put (src) and to get/peek (dst), and whether it
   * lies in the engine's memory. Reading `.buffer` is a runtime call in V8 11
   * (20 to 40 ns, more than the rest of a 16-byte put), so it is read once
   * per array rather than per call; an array's buffer never changes. After a
   * shared memory grew, an answer taken before still holds (old and new views
   * alias the same bytes), and an unshared memory's old arrays are detached
   * (length 0). The price: one reference per direction stays alive.
   */
  private lastSrc: Uint8Array | null = null;
  private lastSrcInMemory = false;
  private lastDst: Uint8Array | null = null;
  private lastDstInMemory = false;
  /**
   * Bytes placed by {@link RingBuf.write} and not yet published. Kept here,
   * not read from the core, so that `put` knows with one field test whether
   * it must publish them along with its own bytes.
   */
  private unflushed = 0;
  /** Where write() gathers small pieces from ordinary arrays (write-stage.ts). */
  private readonly stage = new WriteStage();

  /**
   * Places a new, empty buffer of `capacity` bytes in the engine's memory.
   * @throws RangeError if `capacity` is not an integer from 1 to 2^31-1, or the memory cannot hold it.
   */
  constructor(engine: Engine, capacity: number);
  /** @internal Attaches to the control block at `address` (see {@link RingBuf.attach}). */
  constructor(engine: Engine, capacity: number, address: number);
  constructor(engine: Engine, capacity: number, address?: number) {
    checkEngine(engine);
    this.engine = engine;
    this.core = engine.core;
    this.views = engine.views;
    if (address === undefined) {
      checkInt('capacity', capacity, 1, RB_MAX_SIZE_BYTES);
      address = engine.alloc(RB_CB_BYTES + capacity, `capacity ${capacity}`);
      this.core.rb_init(address, RB_KIND_BYTES, address + RB_CB_BYTES, capacity);
    }
    this.address = address;
    this.capacity = capacity;
    this.storageAddress = this.views.u32[(address + RB_STORAGE_OFF) >>> 2];
    this.views.cover(this.storageAddress + capacity);
    this.putClaimWord = (address + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2;
    this.getClaimWord = (address + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2;
    this.storageView = this.views.u8.subarray(this.storageAddress, this.storageAddress + capacity);
    this.loopCopyMax = engine.shared ? LOOP_COPY_MAX_SHARED : LOOP_COPY_MAX_UNSHARED;
  }

  /**
   * Attaches to a buffer that was created elsewhere, typically in another
   * thread, from its {@link RingBuf.descriptor}. Either engine may attach.
   *
   * @example
   * ```ts
   * // main thread: worker.postMessage(rb.descriptor)
   * // worker:
   * const engine = await createEngine('js', { memory: desc.memory });
   * const rb = RingBuf.attach(engine, desc);
   * ```
   */
  static attach(engine: Engine, descriptor: BufferDescriptor): RingBuf {
    const address = attachAddress(engine, descriptor, 'RingBuf', RB_KIND_BYTES);
    return new RingBuf(engine, engine.views.u32[(address + RB_SIZE_OFF) >>> 2], address);
  }

  /** What {@link RingBuf.attach} needs, ready for `postMessage`. */
  get descriptor(): BufferDescriptor {
    return { type: 'RingBuf', memory: this.engine.memory, address: this.address };
  }

  /**
   * The storage as a Uint8Array (one long-lived view, rebuilt only if the
   * memory grew). Offsets from {@link RingBuf.putOffset} and
   * {@link RingBuf.getOffset} index into it.
   */
  get storage(): Uint8Array {
    this.views.sync();
    if (this.storageView.buffer !== this.views.u8.buffer) {
      this.storageView = this.views.u8.subarray(this.storageAddress, this.storageAddress + this.capacity);
    }
    return this.storageView;
  }

  /** Bytes of committed data not yet claimed by the consumer (Zephyr's ring_buf_size_get). */
  get size(): number {
    return this.core.rb_size(this.address);
  }

  /** Bytes free for the producer; claimed space on either side is not free (ring_buf_space_get). */
  get space(): number {
    return this.core.rb_space(this.address);
  }

  /** True when the consumer has claimed or read everything committed (ring_buf_is_empty). */
  get isEmpty(): boolean {
    return this.core.rb_size(this.address) === 0;
  }

  /**
   * Writes as many bytes of `src[start, end)` as fit; returns how many
   * (Zephyr's ring_buf_put: partial when short of space, 0 when full).
   * An outstanding put claim is committed first, as in Zephyr; bytes that
   * {@link RingBuf.write} left pending are published with these.
   * @example
   * ```ts
   * const written = rb.put(chunk);          // whole chunk
   * rb.put(chunk, 4, 8);                    // bytes 4..7 only, no subarray needed
   * ```
   */
  put(src: Uint8Array, start = 0, end = src?.length): number {
    const n = this.source(src, start, end),
      cb = this.address,
      core = this.core;
    if (this.lastSrcInMemory && this.unflushed === 0) return core.rb_put(cb, src.byteOffset + start, n);
    const done = this.fillClaims(src, start, n, false);
    if (this.unflushed === 0) {
      core.rb_put_finish(cb, done);
    } else {
      // Publish what write() left pending, in order, with these bytes.
      this.flush();
    }
    return done;
  }

  /**
   * Like {@link RingBuf.put}, but the bytes are not published yet: they wait
   * for {@link RingBuf.flush} (or the next `put` or `putFinish`, which
   * publish them first), so the consumer sees many writes at once.
   * Publishing hands the producer's index to the consumer's core, which
   * across threads costs more than copying a small chunk, so a producer of
   * small chunks that flushes every few KiB moves several times more data
   * per second. Pending bytes count as used space. Pieces from ordinary
   * arrays gather in a private 4 KiB stage and reach {@link RingBuf.storage}
   * in one copy when they are published (one copy into shared memory costs
   * far less than many small ones). When not all of `src[start, end)` fits,
   * `write` flushes before it returns, so that the consumer can make room;
   * {@link RingBuf.waitForSpace} flushes too.
   * @example
   * ```ts
   * for (const chunk of chunks) rb.write(chunk);   // nothing visible yet
   * rb.flush();                                     // the consumer sees them all
   * ```
   */
  write(src: Uint8Array, start = 0, end = src?.length): number {
    const n = this.source(src, start, end);
    const done = this.fillClaims(src, start, n, true);
    if (done < n) this.flush();
    else this.unflushed += done;
    return done;
  }

  /**
   * Publishes every outstanding put claim: the bytes of
   * {@link RingBuf.write} (and of any {@link RingBuf.putClaim} not yet
   * finished, as `putFinish` of all of them would). Returns how many bytes
   * it published; with nothing pending it costs one call and no atomic store.
   * @example
   * ```ts
   * rb.write(header);
   * rb.write(body);
   * rb.flush();                             // header + body appear together
   * ```
   */
  flush(): number {
    // Spill before the finish: its atomic store of the tail is the release
    // that makes every byte it publishes visible, staged ones included.
    this.spillStage();
    this.unflushed = 0;
    return this.core.rb_put_flush(this.address);
  }

  /**
   * Checks the source window of put/write, syncs the views, notes whether
   * `src` lies in the memory (see lastSrc) and returns the byte count.
   */
  private source(src: Uint8Array, start: number, end: number): number {
    checkBytes('src', src);
    // The whole array is always a valid window: skip the check (and the
    // argument names it builds) on the common call.
    if (start !== 0 || end !== src.length) checkWindow('src', src.length, start, end);
    this.views.sync();
    if (src !== this.lastSrc) {
      this.lastSrc = src;
      this.lastSrcInMemory = src.buffer === this.views.u8.buffer;
    }
    return end - start;
  }

  /**
   * Claims and fills up to `n` bytes of `src` from `start`, leaving them
   * claimed. With `staged` (for write()), pieces smaller than the stage
   * gather in it, to reach the shared storage in one copy later.
   */
  private fillClaims(src: Uint8Array, start: number, n: number, staged: boolean): number {
    const v = this.views,
      cb = this.address,
      core = this.core,
      stage = this.stage;
    if (this.lastSrcInMemory) return core.rb_write(cb, src.byteOffset + start, n);
    let done = 0;
    while (done < n) {
      const g = core.rb_put_claim(cb, n - done);
      if (g === 0) break;
      const to = v.u32[this.putClaimWord];
      if (staged && g < STAGE_BYTES) {
        if (!stage.fits(to, g)) this.spillStage();
        stage.add(to, src, start + done, g);
      } else {
        copyIn(v.u8, this.storageAddress + to, src, start + done, g, this.loopCopyMax);
      }
      done += g;
    }
    return done;
  }

  /** Copies what write() staged into the storage (the getter only when there is something: it reads `.buffer`). */
  private spillStage(): void {
    if (this.stage.staged !== 0) this.stage.spill(this.storage);
  }

  /**
   * Moves up to `end - start` bytes into `dst[start, end)`; returns how many
   * (Zephyr's ring_buf_get; 0 when empty). Outstanding get claims are
   * consumed first, as in Zephyr.
   * @example
   * ```ts
   * const out = new Uint8Array(256);
   * const n = rb.get(out);                  // out[0..n) holds the oldest bytes
   * ```
   */
  get(dst: Uint8Array, start = 0, end = dst?.length): number {
    return this.read(dst, start, end, false);
  }

  /**
   * Copies up to `end - start` bytes into `dst[start, end)` without removing
   * them; returns how many. Like Zephyr's ring_buf_peek it cancels every
   * outstanding get claim.
   * @example
   * ```ts
   * const head = new Uint8Array(4);
   * rb.peek(head);                          // rb.size is unchanged
   * ```
   */
  peek(dst: Uint8Array, start = 0, end = dst?.length): number {
    return this.read(dst, start, end, true);
  }

  private read(dst: Uint8Array, start: number, end: number, peek: boolean): number {
    checkBytes('dst', dst);
    if (start !== 0 || end !== dst.length) checkWindow('dst', dst.length, start, end);
    const v = this.views,
      cb = this.address,
      core = this.core;
    v.sync();
    const n = end - start;
    if (dst !== this.lastDst) {
      this.lastDst = dst;
      this.lastDstInMemory = dst.buffer === v.u8.buffer;
    }
    if (this.lastDstInMemory) {
      const at = dst.byteOffset + start;
      return peek ? core.rb_peek(cb, at, n) : core.rb_get(cb, at, n);
    }
    let done = 0;
    while (done < n) {
      const g = core.rb_get_claim(cb, n - done);
      if (g === 0) break;
      copyOut(dst, start + done, v.u8, this.storageAddress + v.u32[this.getClaimWord], g, this.loopCopyMax);
      done += g;
    }
    core.rb_get_finish(cb, peek ? 0 : done);
    return done;
  }

  /**
   * Removes up to `n` bytes without copying them; returns how many
   * (Zephyr's ring_buf_get with a NULL buffer).
   * @example
   * ```ts
   * rb.discard(rb.size);                    // drop everything readable
   * ```
   */
  discard(n: number): number {
    checkInt('n', n, 0, 2 ** 32 - 1);
    return this.core.rb_get(this.address, 0, n);
  }

  /**
   * Claims up to `n` bytes of free space in place and returns how many were
   * granted: at most up to the end of storage, so a request that crosses it
   * needs a second claim (which starts at offset 0). Write into
   * `storage[putOffset, putOffset + granted)`, then {@link RingBuf.putFinish}.
   * Claims stack up until a finish. Allocates nothing.
   * @example
   * ```ts
   * const g = rb.putClaim(64);
   * rb.storage.set(header, rb.putOffset);   // or fill it in place
   * rb.putFinish(g);
   * ```
   */
  putClaim(n: number): number {
    checkInt('n', n, 0, 2 ** 32 - 1);
    this.views.sync();
    return this.core.rb_put_claim(this.address, n);
  }

  /** Storage offset where the bytes granted by the last {@link RingBuf.putClaim} start. */
  get putOffset(): number {
    this.views.sync();
    return this.views.u32[this.putClaimWord];
  }

  /**
   * Commits the first `n` claimed bytes and returns the rest of every put
   * claim to free space (Zephyr's finish is final; `putFinish(0)` cancels).
   * Bytes that {@link RingBuf.write} left pending are published first and
   * are not counted in `n`.
   * @throws RangeError if `n` exceeds the bytes currently claimed (the
   * claims stay as they were; `errno` is -22, Zephyr's -EINVAL).
   * @example
   * ```ts
   * const g = rb.putClaim(16);
   * rb.storage.fill(7, rb.putOffset, rb.putOffset + g);
   * rb.putFinish(g);
   * ```
   */
  putFinish(n: number): void {
    checkInt('n', n, 0, 2 ** 32 - 1);
    // The written bytes sit in front of the claims: finish them with these.
    // Checked before the stage is spilled, so that a bad n changes nothing.
    const pending = this.unflushed,
      claimed = this.core.rb_put_claimed(this.address) - pending;
    if (n > claimed) throw finishError('put', n, claimed);
    this.spillStage();
    this.core.rb_put_finish(this.address, pending + n);
    this.unflushed = 0;
  }

  /**
   * Claims up to `n` readable bytes in place and returns how many were
   * granted (at most up to the end of storage). Read
   * `storage[getOffset, getOffset + granted)`, then {@link RingBuf.getFinish}.
   * Allocates nothing.
   * @example
   * ```ts
   * const g = rb.getClaim(1024);
   * consume(rb.storage, rb.getOffset, g);   // read in place
   * rb.getFinish(g);
   * ```
   */
  getClaim(n: number): number {
    checkInt('n', n, 0, 2 ** 32 - 1);
    this.views.sync();
    return this.core.rb_get_claim(this.address, n);
  }

  /** Storage offset where the bytes granted by the last {@link RingBuf.getClaim} start. */
  get getOffset(): number {
    this.views.sync();
    return this.views.u32[this.getClaimWord];
  }

  /**
   * Frees the first `n` claimed bytes; claimed bytes beyond `n` become
   * readable again (`getFinish(0)` cancels every get claim).
   * @throws RangeError if `n` exceeds the bytes currently claimed (nothing changes; `errno` is -22).
   * @example
   * ```ts
   * const g = rb.getClaim(8);
   * rb.getFinish(g);
   * ```
   */
  getFinish(n: number): void {
    checkInt('n', n, 0, 2 ** 32 - 1);
    if (this.core.rb_get_finish(this.address, n) !== 0) {
      throw finishError('get', n, this.core.rb_get_claimed(this.address));
    }
  }

  /**
   * Empties the buffer and drops outstanding claims (Zephyr's ring_buf_reset).
   * Not safe while the other side is running.
   * @example
   * ```ts
   * rb.reset();                             // rb.isEmpty, rb.space === rb.capacity
   * ```
   */
  reset(): void {
    // The staged bytes go to storage first, where put would have left them.
    this.spillStage();
    this.unflushed = 0;
    this.core.rb_internal_reset(this.address, 0);
  }

  /**
   * Test hook (Zephyr's ring_buf_internal_reset): empties the buffer and sets
   * all six index counters to `value`, so that 32-bit wrap-around can be tested.
   * @example
   * ```ts
   * rb.internalReset(0xfffffffc);           // the next 4 bytes cross 2^32
   * ```
   */
  internalReset(value: number): void {
    checkInt('value', value, 0, 2 ** 32 - 1);
    // The staged bytes go to storage first, where put would have left them.
    this.spillStage();
    this.unflushed = 0;
    this.core.rb_internal_reset(this.address, value);
  }

  /**
   * Consumer side: blocks until at least `bytes` bytes are readable or `ms`
   * milliseconds have passed, and returns whether they are. The producer's
   * next commit wakes it (no polling). On an unshared memory it only looks,
   * since nothing else can fill the buffer while this thread blocks.
   * @throws Error on a thread that may not block (a browser's main thread):
   * use {@link RingBuf.waitForDataAsync} there.
   * @example
   * ```ts
   * while (rb.waitForData(1000)) rb.get(out);   // a worker's consumer loop
   * ```
   */
  waitForData(ms = Infinity, bytes = 1): boolean {
    checkInt('bytes', bytes, 1, this.capacity);
    return ringWait('waitForData', this.views, this.core, this.address, false, bytes, ms);
  }

  /**
   * Producer side: blocks until at least `bytes` bytes are free or `ms`
   * milliseconds have passed, and returns whether they are; the consumer's
   * next free wakes it. Bytes {@link RingBuf.write} left pending are
   * flushed first, since the consumer can free nothing it cannot see.
   * @throws Error on a thread that may not block: use {@link RingBuf.waitForSpaceAsync}.
   * @example
   * ```ts
   * if (rb.put(chunk) < chunk.length && !rb.waitForSpace(50, chunk.length)) dropped++;
   * ```
   */
  waitForSpace(ms = Infinity, bytes = 1): boolean {
    checkInt('bytes', bytes, 1, this.capacity);
    // Pending writes may be what fills the ring: the consumer must see them.
    if (this.unflushed !== 0) this.flush();
    return ringWait('waitForSpace', this.views, this.core, this.address, true, bytes, ms);
  }

  /**
   * {@link RingBuf.waitForData} without blocking the thread: a Promise that
   * resolves through Atomics.waitAsync, or by polling every millisecond where
   * that is missing or the memory is unshared. Works on any thread.
   * @example
   * ```ts
   * if (await rb.waitForDataAsync(100)) draw(rb);   // a browser's main thread
   * ```
   */
  waitForDataAsync(ms = Infinity, bytes = 1): Promise<boolean> {
    checkInt('bytes', bytes, 1, this.capacity);
    return ringWaitAsync(this.views, this.core, this.address, false, bytes, ms);
  }

  /**
   * {@link RingBuf.waitForSpace} without blocking the thread (see {@link RingBuf.waitForDataAsync}).
   * @example
   * ```ts
   * while (rb.put(chunk) === 0) await rb.waitForSpaceAsync();
   * ```
   */
  waitForSpaceAsync(ms = Infinity, bytes = 1): Promise<boolean> {
    checkInt('bytes', bytes, 1, this.capacity);
    if (this.unflushed !== 0) this.flush();
    return ringWaitAsync(this.views, this.core, this.address, true, bytes, ms);
  }
}

/** @internal Throws a TypeError unless `engine` came from createEngine; run before anything uses it. */
export function checkEngine(engine: unknown): void {
  if (!(engine instanceof Engine)) {
    const got =
      engine === null
        ? 'null'
        : typeof engine === 'object'
          ? `a ${engine.constructor?.name ?? 'object'}`
          : typeof engine;
    throw new TypeError(`engine must be an Engine made by createEngine, got ${got}`);
  }
}

/** @internal Validates a descriptor for `engine` and returns its control block address. */
export function attachAddress(engine: Engine, d: BufferDescriptor, type: string, kind: number): number {
  checkEngine(engine);
  if (d === null || typeof d !== 'object') throw new TypeError(`descriptor must be a ${type} descriptor object`);
  if (d.type !== type) throw new TypeError(`descriptor.type must be '${type}', got ${String(d.type)}`);
  if (d.memory !== engine.memory) {
    throw new TypeError(
      "descriptor.memory must be the engine's memory: create the engine with { memory: descriptor.memory }",
    );
  }
  checkInt('descriptor.address', d.address, 64, 2 ** 32 - 64);
  // Every control block starts on a line (heap.ts) and lies inside the
  // memory: anything else cannot be one, and must not be read as one.
  if (d.address % LINE_BYTES !== 0)
    throw new RangeError(`descriptor.address must be a multiple of ${LINE_BYTES}, got ${d.address}`);
  const end = engine.memory.buffer.byteLength;
  if (d.address + LINE_BYTES > end) {
    throw new RangeError(
      `descriptor.address must be at most ${end - LINE_BYTES} (the memory has ${end} bytes), got ${d.address}`,
    );
  }
  engine.views.cover(d.address + LINE_BYTES);
  const found = engine.views.u32[(d.address + RB_KIND_OFF) >>> 2];
  if (found !== kind) {
    throw new TypeError(`descriptor.address ${d.address} does not hold a ${type} (kind word 0x${found.toString(16)})`);
  }
  return d.address;
}

// RingBuf: Zephyr's byte-mode ring buffer over a control block and storage
// in an engine's memory (layout: assembly/layout.ts).

import {
  RB_SIZE_OFF,
  RB_STORAGE_OFF,
  RB_PUT_OFF,
  RB_GET_OFF,
  IDX_CLAIM_OFF,
  RB_KIND_BYTES,
  RB_MAX_SIZE_BYTES,
  U32_MAX,
  ST_OPEN,
  ST_CLOSED,
  ST_ABORTED,
} from '../assembly/layout.js';
import { copyBytes, LOOP_BYTES_SHARED, LOOP_BYTES_UNSHARED } from './copy.js';
import type { Engine } from './engine.js';
import { checkBytesAgain, checkInt, checkWindow, finishError } from './errors.js';
import { redeem } from './blocks.js';
import { attachBlock, type BufferDescriptor, Handle, placeRing } from './handle.js';
import { DISPOSE } from './lifecycle.js';
import { Placement } from './placement.js';
import { checkMs, RingWaits } from './wait.js';
import { STAGE_BYTES, WriteStage } from './write-stage.js';

/**
 * `checkInt('n', n, 0, U32_MAX)` with the valid path in two compares (a
 * type test V8 folds away, and a u32 round trip); anything else gets
 * checkInt's error. The type test first: `>>>` would call an object's
 * valueOf, or throw on a BigInt.
 */
function checkCount(n: number): void {
  if (typeof n !== 'number' || n >>> 0 !== n) checkInt('n', n, 0, U32_MAX);
}

/**
 * Zephyr's byte-mode ring buffer: a copying `put`/`get`/`peek`, a zero-copy
 * claim/finish API for both sides, and one producer plus one consumer that
 * may run in two threads at once. Capacity equals storage: all bytes are usable.
 * Each side belongs to the handle that uses it first, until it gives it
 * back (`close()` for the producer, `release()` or `[Symbol.dispose]()`):
 * another handle that uses it gets `SideOwnedError`. Queries and waits take no side.
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
export class RingBuf extends Handle {
  /** Capacity in bytes (Zephyr's ring_buf_capacity_get). */
  readonly capacity: number;
  private readonly putClaimWord: number;
  private readonly getClaimWord: number;
  /** The storage view and the memory-wide view it was cut from. */
  private storageView: Uint8Array;
  private storageOf: Uint8Array;
  /** LOOP_BYTES_SHARED or LOOP_BYTES_UNSHARED, for this memory. */
  private readonly loopMax: number;
  /** Where the last array given to put/write (src) and to get/peek (dst) lies. */
  private readonly srcPlace = new Placement();
  private readonly dstPlace = new Placement();
  /**
   * Bytes placed by {@link RingBuf.write} and not yet published. Kept here,
   * not read from the core, so that `put` knows with one field test whether
   * it must publish them along with its own bytes.
   */
  private unflushed = 0;
  /** Where write() gathers small pieces from ordinary arrays (write-stage.ts). */
  private readonly stage = new WriteStage();
  private readonly waits: RingWaits;

  /**
   * Places a new, empty buffer of `capacity` bytes in the engine's memory.
   * @throws RangeError if `capacity` is not an integer from 1 to 2^31-1, or the memory cannot hold it.
   */
  constructor(engine: Engine, capacity: number);
  /** @internal Attaches with a ticket from {@link RingBuf.attach}; nothing else is accepted. */
  constructor(engine: Engine, capacity: number, ticket: unknown);
  constructor(engine: Engine, capacity: number, ticket?: unknown) {
    super(
      engine,
      'RingBuf',
      ticket === undefined
        ? placeRing(engine, RB_KIND_BYTES, capacity, RB_MAX_SIZE_BYTES, 1, `capacity ${capacity}`)
        : redeem(ticket, 'RingBuf', 'engine, capacity'),
      RB_STORAGE_OFF,
      capacity,
    );
    this.capacity = capacity;
    this.putClaimWord = (this.address + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2;
    this.getClaimWord = (this.address + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2;
    this.storageOf = this.views.u8;
    this.storageView = this.storageOf.subarray(this.storageAddress, this.storageAddress + capacity);
    this.loopMax = engine.shared ? LOOP_BYTES_SHARED : LOOP_BYTES_UNSHARED;
    this.waits = new RingWaits(this.views, this.core, this.address, this.lc, this.inFlight, 'bytes', 1, capacity);
  }

  /**
   * Attaches to a buffer that was created elsewhere, typically in another
   * thread, from its {@link Handle.descriptor}. Either engine may attach.
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
    const block = attachBlock(engine, descriptor, 'RingBuf', RB_KIND_BYTES);
    return new RingBuf(engine, engine.views.u32[(block.address + RB_SIZE_OFF) >>> 2], block);
  }

  /**
   * The storage as a Uint8Array (one long-lived view, rebuilt only if the
   * memory grew). Offsets from {@link RingBuf.putOffset} and
   * {@link RingBuf.getOffset} index into it.
   * @example
   * ```ts
   * const g = rb.getClaim(16);
   * const first = rb.storage[rb.getOffset];
   * ```
   */
  get storage(): Uint8Array {
    const v = this.fresh();
    // Identity of the memory-wide view, not `.buffer`, which is a runtime call.
    if (this.storageOf !== v.u8) {
      this.storageOf = v.u8;
      this.storageView = v.u8.subarray(this.storageAddress, this.storageAddress + this.capacity);
    }
    return this.storageView;
  }

  /**
   * Bytes of committed data not yet claimed by the consumer (Zephyr's
   * ring_buf_size_get). This value can be stale: the producer may commit
   * more at any time, so the consumer sees a lower bound.
   * @example
   * ```ts
   * if (rb.size >= 4) rb.get(header);
   * ```
   */
  get size(): number {
    return this.core.rb_size(this.address);
  }

  /**
   * Bytes free for the producer; claimed space on either side is not free
   * (ring_buf_space_get). This value can be stale: the consumer may free
   * more at any time, so the producer sees a lower bound.
   * @example
   * ```ts
   * if (rb.space >= chunk.length) rb.put(chunk);   // all of it
   * ```
   */
  get space(): number {
    return this.core.rb_space(this.address);
  }

  /**
   * True when the consumer has claimed or read everything committed
   * (ring_buf_is_empty). Seen from another thread it may not stay true for
   * long: the producer can commit at any time.
   * @example
   * ```ts
   * if (!rb.isEmpty) rb.get(out);
   * ```
   */
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
  put(src: Uint8Array, start = 0, end?: number): number {
    const len = checkBytesAgain('src', src, this.srcPlace.array),
      stop = end === undefined ? len : end,
      at = this.source(src, len, start, stop),
      n = stop - start;
    if (at >= 0) {
      if (this.aliases(at + start, n)) return this.put(this.views.u8.slice(at + start, at + stop));
      if (this.unflushed === 0) return this.core.rb_put(this.address, at + start, n);
    }
    const done = this.fillClaims(src, at, start, n, false);
    if (this.unflushed === 0) {
      this.core.rb_put_finish(this.address, done);
    } else {
      // Publish what write() left pending, in order, with these bytes.
      this.flush();
    }
    return done;
  }

  /**
   * Like {@link RingBuf.put}, but the bytes wait for {@link RingBuf.flush}
   * (or the next `put`, `putFinish` or `waitForSpace`), so the consumer
   * sees many writes at once: one publication costs more across threads
   * than copying a small chunk (docs/design.md, "Batched writes"). Pending
   * bytes count as used space; when not all of `src[start, end)` fits,
   * `write` flushes before it returns, so that the consumer can make room.
   * @example
   * ```ts
   * for (const chunk of chunks) rb.write(chunk);   // nothing visible yet
   * rb.flush();                                     // the consumer sees them all
   * ```
   */
  write(src: Uint8Array, start = 0, end?: number): number {
    const len = checkBytesAgain('src', src, this.srcPlace.array),
      stop = end === undefined ? len : end,
      at = this.source(src, len, start, stop),
      n = stop - start;
    if (at >= 0 && this.aliases(at + start, n)) return this.write(this.views.u8.slice(at + start, at + stop));
    const done = this.fillClaims(src, at, start, n, true);
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
    // Closed is fine (nothing is pending then), another handle's producer side is not.
    this.liveAfterClose();
    // Spill before the finish: its atomic store of the tail is the release
    // that makes every byte it publishes visible, staged ones included.
    this.spillStage();
    this.unflushed = 0;
    return this.core.rb_put_flush(this.address);
  }

  /**
   * Checks the source window of put/write (`len`: the true length of `src`)
   * and returns where `src` lies in the memory (-1: elsewhere), with the
   * views made current for fillClaims.
   */
  /**
   * Whether `n` bytes at memory address `from` overlap this ring's storage:
   * the copy into a claim that wraps would then overwrite source bytes it
   * has not read yet (and a read, data it has not read yet), so such a
   * source or destination goes through a copy (a rare case, the one that
   * allocates).
   */
  private aliases(from: number, n: number): boolean {
    return from < this.storageAddress + this.capacity && from + n > this.storageAddress;
  }

  private source(src: Uint8Array, len: number, start: number, end: number): number {
    // The whole array needs no check; skipping the call keeps put within V8's inlining budget.
    if (start !== 0 || end !== len) checkWindow('src', len, start, end);
    const p = this.srcPlace,
      mem = this.fresh().u8;
    this.live(true);
    return src === p.array && mem === p.memView ? p.address : p.of(src, mem);
  }

  /**
   * Claims and fills up to `n` bytes of `src` from `start` (`at`: its place,
   * from source()), leaving them claimed. With `staged` (for write()), pieces
   * smaller than the stage gather in it, to reach the shared storage in one copy later.
   */
  private fillClaims(src: Uint8Array, at: number, start: number, n: number, staged: boolean): number {
    const cb = this.address,
      core = this.core;
    if (at >= 0) return core.rb_write(cb, at + start, n);
    // Current: source() refreshed them, and claims never grow the memory.
    const v = this.views,
      stage = this.stage;
    let done = 0;
    while (done < n) {
      const g = core.rb_put_claim(cb, n - done);
      if (g === 0) break;
      const to = v.u32[this.putClaimWord];
      if (staged && g < STAGE_BYTES) {
        if (!stage.fits(to, g)) this.spillStage();
        stage.add(to, src, start + done, g);
      } else {
        copyBytes(v.u8, this.storageAddress + to, src, start + done, g, this.loopMax);
      }
      done += g;
    }
    return done;
  }

  /** Copies what write() staged into the storage (the getter only when there is something to copy). */
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
  get(dst: Uint8Array, start = 0, end?: number): number {
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
  peek(dst: Uint8Array, start = 0, end?: number): number {
    return this.read(dst, start, end, true);
  }

  private read(dst: Uint8Array, start: number, stop: number | undefined, peek: boolean): number {
    const len = checkBytesAgain('dst', dst, this.dstPlace.array),
      end = stop === undefined ? len : stop;
    if (start !== 0 || end !== len) checkWindow('dst', len, start, end);
    const v = this.fresh(),
      cb = this.address,
      core = this.core;
    this.live(false);
    const n = end - start;
    const p = this.dstPlace;
    const at = dst === p.array && v.u8 === p.memView ? p.address : p.of(dst, v.u8);
    if (at >= 0) {
      if (this.aliases(at + start, n)) return this.readAliased(at + start, n, peek);
      return peek ? core.rb_peek(cb, at + start, n) : core.rb_get(cb, at + start, n);
    }
    let done = 0;
    while (done < n) {
      const g = core.rb_get_claim(cb, n - done);
      if (g === 0) break;
      copyBytes(dst, start + done, v.u8, this.storageAddress + v.u32[this.getClaimWord], g, this.loopMax);
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
  /**
   * A read into this ring's own storage: bytes read first would overwrite
   * bytes not read yet, so they gather in a copy that then lands at `to`.
   */
  private readAliased(to: number, n: number, peek: boolean): number {
    const out = new Uint8Array(n);
    const done = this.read(out, 0, n, peek);
    this.fresh().u8.set(out.subarray(0, done), to);
    return done;
  }

  discard(n: number): number {
    checkInt('n', n, 0, U32_MAX);
    this.live(false);
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
    checkCount(n);
    this.live(true);
    return this.core.rb_put_claim(this.address, n);
  }

  /**
   * Storage offset where the bytes granted by the last {@link RingBuf.putClaim} start.
   * @example
   * ```ts
   * rb.storage[rb.putOffset] = 0x7e;
   * ```
   */
  get putOffset(): number {
    return this.fresh().u32[this.putClaimWord];
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
    checkCount(n);
    this.live(true);
    if (this.unflushed === 0) {
      // One call: the core refuses a finish beyond the claims (-EINVAL) and changes nothing.
      if (this.core.rb_put_finish(this.address, n) !== 0) {
        throw finishError('put', n, this.core.rb_put_claimed(this.address));
      }
      return;
    }
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
    checkCount(n);
    this.live(false);
    return this.core.rb_get_claim(this.address, n);
  }

  /**
   * Storage offset where the bytes granted by the last {@link RingBuf.getClaim} start.
   * @example
   * ```ts
   * const first = rb.storage[rb.getOffset];
   * ```
   */
  get getOffset(): number {
    return this.fresh().u32[this.getClaimWord];
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
    checkCount(n);
    this.live(false);
    if (this.core.rb_get_finish(this.address, n) !== 0) {
      throw finishError('get', n, this.core.rb_get_claimed(this.address));
    }
  }

  /**
   * Empties the buffer and drops outstanding claims (Zephyr's ring_buf_reset).
   * Not safe while the other side is running.
   * @throws SideOwnedError while another handle owns either side (its claims and staged bytes would be lost).
   * @example
   * ```ts
   * rb.reset();                             // rb.isEmpty, rb.space === rb.capacity
   * ```
   */
  reset(): void {
    this.resetTo(0);
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
    checkInt('value', value, 0, U32_MAX);
    this.resetTo(value);
  }

  private resetTo(value: number): void {
    this.checkBothSidesFree();
    // The staged bytes go to storage first, where put would have left them.
    this.spillStage();
    this.unflushed = 0;
    this.core.rb_internal_reset(this.address, value);
  }

  /**
   * Consumer side: blocks until at least `bytes` bytes are readable or `ms`
   * milliseconds have passed, and returns whether they are. The producer's
   * next commit wakes it (no polling). It also returns true once the ring
   * is closed (fewer bytes may be left: read them, then check
   * {@link RingBuf.ended}). On an unshared memory it only looks,
   * since nothing else can fill the buffer while this thread blocks.
   * @throws Error on a thread that may not block (a browser's main thread):
   * use {@link RingBuf.waitForDataAsync} there; BufferAbortedError if the
   * ring is or gets aborted (it wakes at once).
   * @example
   * ```ts
   * while (rb.waitForData(1000)) rb.get(out);   // a worker's consumer loop
   * ```
   */
  waitForData(ms = Infinity, bytes = 1): boolean {
    return this.waits.data('waitForData', ms, this.waits.need(bytes));
  }

  /**
   * Producer side: blocks until at least `bytes` bytes are free or `ms`
   * milliseconds have passed, and returns whether they are; the consumer's
   * next free wakes it. Bytes {@link RingBuf.write} left pending are
   * flushed first, since the consumer can free nothing it cannot see.
   * @throws Error on a thread that may not block: use {@link RingBuf.waitForSpaceAsync};
   * BufferClosedError on a closed ring; BufferAbortedError if the ring is or gets aborted.
   * @example
   * ```ts
   * if (rb.put(chunk) < chunk.length && !rb.waitForSpace(50, chunk.length)) dropped++;
   * ```
   */
  waitForSpace(ms = Infinity, bytes = 1): boolean {
    const need = this.waits.need(bytes);
    // Checked before the flush: a rejected call leaves the pending bytes pending.
    checkMs(ms);
    if (this.unflushed !== 0) this.flush();
    return this.waits.space('waitForSpace', ms, need);
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
    const need = this.waits.need(bytes);
    return this.inFlight.run('RingBuf', () => this.waits.dataAsync(ms, need));
  }

  /**
   * {@link RingBuf.waitForSpace} without blocking the thread (see {@link RingBuf.waitForDataAsync}).
   * @example
   * ```ts
   * while (rb.put(chunk) === 0) await rb.waitForSpaceAsync();
   * ```
   */
  waitForSpaceAsync(ms = Infinity, bytes = 1): Promise<boolean> {
    const need = this.waits.need(bytes);
    // Checked before the flush: a rejected call leaves the pending bytes pending.
    checkMs(ms);
    if (this.unflushed !== 0) this.flush();
    return this.inFlight.run('RingBuf', () => this.waits.spaceAsync(ms, need));
  }

  /**
   * Producer side: ends the stream. Bytes {@link RingBuf.write} left pending
   * are published first (a {@link RingBuf.putClaim} not yet finished is
   * cancelled); the consumer reads everything committed, then sees
   * {@link RingBuf.ended}. Every wait wakes: the consumer's to see the end;
   * from then on producer operations throw `BufferClosedError`. Idempotent.
   * It gives the producer side back. Only the producer may close: a close
   * from another thread could land between the producer's state check and
   * its publication, and would cancel its claims.
   * @throws BufferAbortedError if the ring was aborted; SideOwnedError if
   * another handle owns the producer side (nothing changes).
   * @example
   * ```ts
   * rb.write(lastLine);
   * rb.close();                          // the consumer gets lastLine, then ended
   * ```
   */
  close(): void {
    if (this.lc.load() === ST_OPEN) {
      // Only the producer may end the stream: another handle's close would cancel its claims.
      this.holdProducer();
      // Publish before the state: this tail store precedes the CLOSED store,
      // so a consumer that sees CLOSED and then reads the tail sees these bytes.
      this.spillStage();
      this.core.rb_put_finish(this.address, this.unflushed);
      this.unflushed = 0;
    }
    this.lc.close();
    this.releaseSide(true);
  }

  /**
   * @internal Before the producer side is given back: publishes what write()
   * left pending and cancels an unfinished putClaim, as close does; before
   * the consumer side is: cancels an unfinished getClaim (those bytes stay
   * readable for the next owner).
   */
  protected override settle(producer: boolean): void {
    if (!producer) {
      this.core.rb_get_finish(this.address, 0);
    } else if (this.lc.load() === ST_OPEN) {
      this.spillStage();
      this.core.rb_put_finish(this.address, this.unflushed);
      this.unflushed = 0;
    }
  }

  /**
   * The consumer's end-of-stream: true once the ring is closed and every
   * byte committed before the close has been read or claimed. Not the same
   * as {@link RingBuf.isEmpty}, which an open ring also is between chunks.
   * @example
   * ```ts
   * for (;;) {
   *   const n = rb.get(out);
   *   if (n > 0) consume(out, n);
   *   else if (rb.ended) break;
   *   else rb.waitForData();              // wakes on data, on close, and on abort
   * }
   * ```
   */
  get ended(): boolean {
    // The state before the tail: a CLOSED seen here was stored after the
    // producer's last tail store, so the size read next counts every byte.
    return this.lc.load() === ST_CLOSED && this.core.rb_size(this.address) === 0;
  }

  /**
   * `using` support: closes the producer side (see {@link RingBuf.close})
   * unless another handle owns it, and gives back every side this handle
   * owns; on an aborted ring it only gives them back, so that leaving a scope never throws.
   * @example
   * ```ts
   * { using producer = RingBuf.attach(engine, desc); producer.put(bytes); }   // closed and released here
   * ```
   */
  [DISPOSE](): void {
    // Closes as the producer only: a stream another handle produces is not this one's to end.
    if (this.lc.load() !== ST_ABORTED && this.mayProduce()) this.close();
    this.release();
  }
}

// The functions of the core, as both engines provide them: the WebAssembly
// exports of assembly/index.ts and their TypeScript twins in js/. Every
// function takes byte addresses in the engine's memory; none keeps state.
//
// The contract is on each declaration, as in Zephyr's ring_buffer.h: what
// the function does, what it expects, and every value it returns. The
// callers (the classes in bindings/) check every argument first: the core
// trusts `cb` to be a control block of the right kind and sizes to be in
// range, and reports only flow conditions (full, empty, not claimed).

/**
 * @internal Zephyr's ring_buf primitives (assembly/ringbuf.ts), shared by
 * RingBuf and ItemRingBuf. Counts are bytes; `cb` is a control block
 * (RB_CB_BYTES, layout.ts).
 */
export interface RingCore {
  /**
   * Writes a fresh control block at `cb`: kind word `kind`, `size` bytes of
   * storage at `storage`, every counter 0 (ring_buf_init).
   */
  rb_init(cb: number, kind: number, storage: number, size: number): void;
  /**
   * Empties the ring and sets all six counters to `v`, dropping outstanding
   * claims (ring_buf_internal_reset; `v` = 0 is ring_buf_reset). Not safe
   * while the other side runs.
   */
  rb_internal_reset(cb: number, v: number): void;
  /**
   * Claims up to `want` free bytes for the producer (ring_buf_put_claim).
   * @returns the bytes granted: at most `want`, the free space, and the bytes
   * to the end of storage; 0 when full. The grant starts at the storage
   * offset stored in the put side's claim word (RB_PUT_OFF + IDX_CLAIM_OFF).
   */
  rb_put_claim(cb: number, want: number): number;
  /**
   * Claims up to `want` committed bytes for the consumer (ring_buf_get_claim).
   * @returns the bytes granted (0 when empty), as {@link RingCore.rb_put_claim};
   * the offset is in the get side's claim word.
   */
  rb_get_claim(cb: number, want: number): number;
  /**
   * Commits the first `n` bytes of the outstanding put claims and cancels
   * the rest (ring_buf_put_finish); wakes a sleeping consumer.
   * @returns 0; -EINVAL (-22) when `n` exceeds the claimed bytes, nothing changed.
   */
  rb_put_finish(cb: number, n: number): number;
  /**
   * Frees the first `n` bytes of the outstanding get claims; the rest become
   * readable again (ring_buf_get_finish). Wakes a sleeping producer.
   * @returns 0; -EINVAL (-22) when `n` exceeds the claimed bytes, nothing changed.
   */
  rb_get_finish(cb: number, n: number): number;
  /** @returns committed bytes not yet claimed by the consumer (ring_buf_size_get). */
  rb_size(cb: number): number;
  /** @returns bytes neither claimed nor holding data (ring_buf_space_get). */
  rb_space(cb: number): number;
  /** @returns the put claims outstanding, in bytes: the most `rb_put_finish` accepts. */
  rb_put_claimed(cb: number): number;
  /** @returns the get claims outstanding, in bytes: the most `rb_get_finish` accepts. */
  rb_get_claimed(cb: number): number;
  /**
   * Copies up to `n` bytes from `src` (in the memory) into the ring and
   * commits them with every outstanding put claim (ring_buf_put).
   * @returns the bytes written: `n`, fewer when short of space, 0 when full.
   */
  rb_put(cb: number, src: number, n: number): number;
  /**
   * {@link RingCore.rb_put} without its finish: the bytes stay claimed until
   * {@link RingCore.rb_put_flush} or a finish publishes them.
   * @returns the bytes written, as rb_put.
   */
  rb_write(cb: number, src: number, n: number): number;
  /**
   * Commits every outstanding put claim; with none it stores nothing.
   * @returns the bytes published (0 when nothing was pending).
   */
  rb_put_flush(cb: number): number;
  /**
   * Moves up to `n` bytes to `dst` (in the memory), or discards them when
   * `dst` is 0, after consuming outstanding get claims (ring_buf_get).
   * @returns the bytes moved: `n`, fewer when short of data, 0 when empty.
   */
  rb_get(cb: number, dst: number, n: number): number;
  /**
   * Copies up to `n` bytes to `dst` without removing them; cancels every
   * outstanding get claim (ring_buf_peek).
   * @returns the bytes copied; 0 when empty.
   */
  rb_peek(cb: number, dst: number, n: number): number;
}

/**
 * @internal Zephyr's mpsc_pbuf as step functions (assembly/mpsc.ts): each
 * does the locked part of one iteration of Zephyr's loop and returns to the
 * host where Zephyr would call back or wait. Lengths and offsets are in
 * words of storage; the MP_R_* results are in assembly/layout.ts.
 */
export interface MpscCore {
  /**
   * Writes a fresh control block (mpsc_pbuf_init): `size` words of storage
   * at `storage`, `flags` MP_FLAG_OVERWRITE | MP_FLAG_MAXUTIL, the header's
   * length field `lenMask` (0: lengths from the table at `lens`), `locking`
   * 1 on a shared memory.
   */
  mp_init(
    cb: number,
    storage: number,
    size: number,
    flags: number,
    lenMask: number,
    lens: number,
    locking: number,
  ): void;
  /**
   * One call of mpsc_pbuf_alloc's loop for `wlen` words (1 to size), with
   * the handle's scratch block `scr`; `mode` is MP_MODE_NOWAIT, MP_MODE_WAIT or MP_MODE_PUT.
   * @returns the packet's word offset (valid and busy clear); MP_R_DROPPED
   * (-1): the packet at the scratch's MP_SCR_DROP_OFF was dropped, notify and
   * call again; MP_R_WAIT (-2, MP_MODE_WAIT only): wait for a free, call
   * again; MP_R_FAIL (-3): no room (counted in MP_LOST_OFF in MP_MODE_PUT).
   */
  mp_alloc(cb: number, scr: number, wlen: number, mode: number): number;
  /**
   * Runs the post-drop step a thrown drop callback skipped, so the reservation does not outlive the call.
   * @returns 0. Every locking call may also return MP_R_BUSY (-7): the lock stayed held through the
   * core's spin, nothing changed; wait on MP_LOCK_OFF (or not) and call again.
   */
  mp_post_drop(cb: number, scr: number): number;
  /**
   * Commits the allocated packet at `off` (mpsc_pbuf_commit); `wlen` is its
   * length from getWlen, or 0 to read the header's length field. Wakes consumers.
   * @returns 0; MP_R_BAD (-5) when `off` is not an allocated, uncommitted
   * packet of that length, nothing changed.
   */
  mp_commit(cb: number, off: number, wlen: number): number;
  /** Publishes the packet of `wlen` words that mp_alloc (MP_MODE_PUT) reserved at `off`, with header word `header`. @returns 0 or MP_R_BUSY. */
  mp_put_finish(cb: number, off: number, wlen: number, header: number): number;
  /**
   * One call of mpsc_pbuf_put_word's loop.
   * @returns 0 (stored); MP_R_DROPPED (-1): notify and call again; MP_R_FAIL
   * (-3): no room, the word is lost and counted in MP_LOST_OFF.
   */
  mp_put_word(cb: number, scr: number, word: number): number;
  /** One call of mpsc_pbuf_put_word_ext's loop (2 words: `word`, `ext`). @returns as {@link MpscCore.mp_put_word}. */
  mp_put_word_ext(cb: number, scr: number, word: number, ext: number): number;
  /**
   * Claims the oldest committed packet and marks it busy (mpsc_pbuf_claim);
   * skip packets on the way are consumed.
   * @returns its word offset; MP_R_NONE (-1) when there is none; MP_R_CLAIMED
   * (-4) while a claim is outstanding, nothing changed.
   */
  mp_claim(cb: number): number;
  /**
   * Frees the claimed packet at `off` (mpsc_pbuf_free) and wakes a waiting allocator.
   * @returns 0; MP_R_BAD (-5) when `off` is not the outstanding claim, nothing changed.
   */
  mp_free(cb: number, off: number): number;
  /** @returns 1 if something may be claimable, skip packets included (mpsc_pbuf_is_pending); else 0. */
  mp_is_pending(cb: number): number;
  /** @returns the words from the oldest claimed or committed packet to the newest allocated one (exact). */
  mp_usage(cb: number): number;
  /** @returns the peak of {@link MpscCore.mp_usage} since init, in words (meaningful with MP_FLAG_MAXUTIL). */
  mp_max_usage(cb: number): number;
  mp_unclaimed(cb: number): number;
}

/**
 * @internal Zephyr's ring_buf item mode (assembly/items.ts). Items are a
 * header word (type, length, value: layout.ts) and 0 to 255 payload words;
 * data and records sit in the memory; `out` is a word the call may write a
 * header to.
 */
export interface ItemCore {
  /**
   * Stores `header` and its payload words from `src`, all or nothing (ring_buf_item_put).
   * @returns 0; -EMSGSIZE (-90) when the item does not fit, nothing written.
   */
  item_put(cb: number, header: number, src: number): number;
  /**
   * Removes the oldest item and copies its payload to `dst`, or drops it
   * when `dst` is 0 (ring_buf_item_get); on 0 and -EMSGSIZE stores its header at `out`.
   * @returns the payload length in words; -EAGAIN (-11) when empty;
   * -EMSGSIZE (-90) when `dst` is not 0 and the payload exceeds `max` words (the item stays).
   */
  item_get(cb: number, dst: number, max: number, out: number): number;
  /**
   * Stores the leading whole records of the `n` words at `src` that fit,
   * with one claim and one finish.
   * @returns the words stored (0 when not even the first fits); -EINVAL
   * (-22) when the headers do not end exactly at `n` words, nothing written.
   */
  item_put_batch(cb: number, src: number, n: number): number;
  /**
   * Moves the oldest whole records that fit in `max` words to `dst`.
   * @returns the words moved (0 when empty); -EMSGSIZE (-90) when not even
   * the oldest fits (it stays; its header is stored at `out`).
   */
  item_get_batch(cb: number, dst: number, max: number, out: number): number;
}

/** @internal Everything an engine provides: the wasm exports, or the JS twin. */
export type Core = RingCore & MpscCore & ItemCore;

// The functions of the core, as both engines provide them: the WebAssembly
// exports of assembly/index.ts and their TypeScript twins in js/. Every
// function takes addresses in the shared memory; none keeps state.

/** Zephyr's ring_buf primitives (assembly/ringbuf.ts). */
export interface RingCore {
  rb_init(cb: number, kind: number, storage: number, size: number): void;
  rb_internal_reset(cb: number, v: number): void;
  rb_put_claim(cb: number, want: number): number;
  rb_get_claim(cb: number, want: number): number;
  rb_put_finish(cb: number, n: number): number;
  rb_get_finish(cb: number, n: number): number;
  rb_size(cb: number): number;
  rb_space(cb: number): number;
  rb_put_claimed(cb: number): number;
  rb_get_claimed(cb: number): number;
  rb_put(cb: number, src: number, n: number): number;
  rb_write(cb: number, src: number, n: number): number;
  rb_put_flush(cb: number): number;
  rb_get(cb: number, dst: number, n: number): number;
  rb_peek(cb: number, dst: number, n: number): number;
}

/** Zephyr's mpsc_pbuf as step functions (assembly/mpsc.ts); results in assembly/layout.ts. */
export interface MpscCore {
  mp_init(
    cb: number,
    storage: number,
    size: number,
    flags: number,
    lenMask: number,
    lens: number,
    locking: number,
  ): void;
  mp_alloc(cb: number, scr: number, wlen: number, mode: number): number;
  mp_post_drop(cb: number, scr: number): void;
  mp_commit(cb: number, off: number, wlen: number): number;
  mp_put_finish(cb: number, off: number, wlen: number, header: number): void;
  mp_put_word(cb: number, scr: number, word: number): number;
  mp_put_word_ext(cb: number, scr: number, word: number, ext: number): number;
  mp_claim(cb: number): number;
  mp_free(cb: number, off: number): number;
  mp_is_pending(cb: number): number;
  mp_usage(cb: number): number;
  mp_max_usage(cb: number): number;
  mp_unclaimed(cb: number): number;
}

/**
 * Zephyr's ring_buf item mode (assembly/items.ts). Data and records sit in
 * linear memory; results are word counts or negative errno values.
 */
export interface ItemCore {
  item_put(cb: number, header: number, src: number): number;
  item_get(cb: number, dst: number, max: number, out: number): number;
  item_put_batch(cb: number, src: number, n: number): number;
  item_get_batch(cb: number, dst: number, max: number, out: number): number;
}

/** Everything an engine provides. */
export type Core = RingCore & MpscCore & ItemCore;

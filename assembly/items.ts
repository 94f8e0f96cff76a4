// Zephyr's item mode (ring_buf_item_put/get) on a ring buffer control block
// of kind RB_KIND_ITEMS, plus batches of whole items.
//
// An item is one header word (drawn in layout.ts: type, words, value) and
// 0..255 payload words, stored in ring order exactly as Zephyr stores it.
//
// Every index move goes through the byte-mode claim/finish primitives of
// ringbuf.ts, so item mode inherits their memory ordering (a finish
// publishes its tail with a release, a short claim re-reads the other
// side's tail with an acquire) and their single-producer/single-consumer
// contract. Storage is 4 * words bytes and only whole words are ever
// claimed, so every offset is a multiple of 4: a header is never split, and
// a payload that reaches the end of storage continues at offset 0.
//
// Because the producer finishes whole items, any put tail the consumer has
// seen covers whole items: once a header is readable, its payload is too.
//
// Data always sits in linear memory: the bindings pass their own staging
// area when the caller's data lives in a JavaScript array.

import {
  RB_SIZE_OFF, RB_STORAGE_OFF, RB_PUT_OFF, RB_GET_OFF, IDX_HEAD_OFF, IDX_LIMIT_OFF, IDX_CLAIM_OFF, EAGAIN, EMSGSIZE, EINVAL,
  ITEM_WORDS_SHIFT, ITEM_WORDS_MASK, ITEM_HEADER_BYTES,
} from './layout';
import { rb_put_claim, rb_put_finish, rb_get_claim, rb_get_finish } from './ringbuf';

/** Payload length in words, from a header word. */
@inline function wordsOf(header: u32): u32 {
  return (header >>> ITEM_WORDS_SHIFT) & ITEM_WORDS_MASK;
}

/** Bytes one item takes in storage: its header and its payload. */
@inline function recordBytes(header: u32): u32 {
  return ITEM_HEADER_BYTES + (wordsOf(header) << 2);
}

// Completes a claim of `bytes` whose first piece granted `g`: a request
// that reaches the end of storage continues at offset 0 with a second claim.
// Returns the total granted.
@inline function claimRest(cb: usize, put: bool, g: u32, bytes: u32): u32 {
  if (g == bytes) return g;
  return g + (put ? rb_put_claim(cb, bytes - g) : rb_get_claim(cb, bytes - g));
}

/** Storage offset `off + step`, wrapped once (both below the size). */
@inline function advance(off: u32, step: u32, size: u32): u32 {
  const next = off + step;
  return next >= size ? next - size : next;
}

/** Copies `n` bytes from linear memory into storage at `off`, continuing at 0. */
@inline function copyIn(storage: usize, size: u32, off: u32, src: usize, n: u32): void {
  const first = min(n, size - off);
  memory.copy(storage + off, src, first);
  if (n > first) memory.copy(storage, src + first, n - first);
}

/** Copies `n` bytes of storage from `off`, continuing at 0, to linear memory. */
@inline function copyOut(dst: usize, storage: usize, size: u32, off: u32, n: u32): void {
  const first = min(n, size - off);
  memory.copy(dst, storage + off, first);
  if (n > first) memory.copy(dst + first, storage, n - first);
}

/**
 * Zephyr's ring_buf_item_put: stores `header` and the `words(header)` words
 * at `src`, all or nothing. Returns 0, or -EMSGSIZE and writes nothing when
 * the item does not fit.
 *
 * Zephyr checks ring_buf_space_get first; claiming the whole item and
 * cancelling a short grant gives the same answer (a claim refreshes its
 * cached limit from the consumer's tail whenever it is short), without an
 * atomic load when the cached limit already has room.
 */
export function item_put(cb: usize, header: u32, src: usize): i32 {
  const bytes = recordBytes(header);
  const g = rb_put_claim(cb, bytes);
  const off = load<u32>(cb + RB_PUT_OFF, IDX_CLAIM_OFF); // where the item starts
  if (claimRest(cb, true, g, bytes) < bytes) {
    rb_put_finish(cb, 0); // finish is final: 0 cancels the short grant
    return -EMSGSIZE;
  }
  const storage = <usize>load<u32>(cb, RB_STORAGE_OFF);
  const size = load<u32>(cb, RB_SIZE_OFF);
  store<u32>(storage + off, header);
  copyIn(storage, size, advance(off, ITEM_HEADER_BYTES, size), src, bytes - ITEM_HEADER_BYTES);
  rb_put_finish(cb, bytes);
  return 0;
}

/**
 * Zephyr's ring_buf_item_get: removes the oldest item, copies its payload
 * to `dst` (or drops it when `dst` is 0) and returns its length in words.
 * Returns -EAGAIN when empty, and -EMSGSIZE when `dst` is not 0 and the
 * payload has more than `max` words (the item stays). On 0 and on
 * -EMSGSIZE the header word is stored at `out`, the caller's output word
 * (Zephyr's type, value and size32 outputs in one word).
 */
export function item_get(cb: usize, dst: usize, max: u32, out: usize): i32 {
  if (rb_get_claim(cb, ITEM_HEADER_BYTES) == 0) return -EAGAIN;
  const storage = <usize>load<u32>(cb, RB_STORAGE_OFF);
  const size = load<u32>(cb, RB_SIZE_OFF);
  const off = load<u32>(cb + RB_GET_OFF, IDX_CLAIM_OFF);
  const header = load<u32>(storage + off);
  store<u32>(out, header);
  const words = wordsOf(header);
  if (dst != 0 && words > max) {
    rb_get_finish(cb, 0); // the item stays for a call with room
    return -EMSGSIZE;
  }
  const n = words << 2;
  if (n != 0) {
    // Committed whole, so granted whole (one or two pieces).
    claimRest(cb, false, rb_get_claim(cb, n), n);
    if (dst != 0) copyOut(dst, storage, size, advance(off, ITEM_HEADER_BYTES, size), n);
  }
  rb_get_finish(cb, ITEM_HEADER_BYTES + n);
  return <i32>words;
}

/**
 * Puts a batch: `n` words at `src` holding whole items in storage format
 * ([header, payload…]*). Stores as many leading items as fit, with one
 * claim (two at the end of storage) and one finish, and returns the words
 * stored (0 when not even the first fits). Returns -EINVAL, writing
 * nothing, when the headers do not end exactly at `n` words.
 */
export function item_put_batch(cb: usize, src: usize, n: u32): i32 {
  const want = n << 2;
  const g = rb_put_claim(cb, want);
  const off = load<u32>(cb + RB_PUT_OFF, IDX_CLAIM_OFF);
  const granted = claimRest(cb, true, g, want);
  // One walk validates every header and finds the whole items that fit.
  let at: u32 = 0;
  let fit: u32 = 0;
  while (at < want) {
    at += recordBytes(load<u32>(src + at));
    if (at <= granted) fit = at;
  }
  if (at != want) {
    rb_put_finish(cb, 0);
    return -EINVAL;
  }
  const storage = <usize>load<u32>(cb, RB_STORAGE_OFF);
  const size = load<u32>(cb, RB_SIZE_OFF);
  copyIn(storage, size, off, src, fit);
  rb_put_finish(cb, fit); // returns the claimed space beyond `fit`
  return <i32>(fit >>> 2);
}

/**
 * Gets a batch: moves as many of the oldest whole items as fit in `max`
 * words to `dst`, in storage format, and returns the words moved (0 when
 * empty). Returns -EMSGSIZE, keeping everything, when not even the oldest
 * item fits; its header is then stored at `out`.
 */
export function item_get_batch(cb: usize, dst: usize, max: u32, out: usize): i32 {
  const want = max << 2;
  if (rb_get_claim(cb, ITEM_HEADER_BYTES) == 0) return 0;
  const storage = <usize>load<u32>(cb, RB_STORAGE_OFF);
  const size = load<u32>(cb, RB_SIZE_OFF);
  const off = load<u32>(cb + RB_GET_OFF, IDX_CLAIM_OFF);
  const first = load<u32>(storage + off);
  if (recordBytes(first) > want) {
    store<u32>(out, first);
    rb_get_finish(cb, 0);
    return -EMSGSIZE;
  }
  // Everything readable up to `want`: the rest of the first piece, then from 0.
  const rest = want - ITEM_HEADER_BYTES;
  const granted: u32 = ITEM_HEADER_BYTES + claimRest(cb, false, rb_get_claim(cb, rest), rest);
  // A grant ending at our cached limit ends at a put tail: whole items. Any
  // other end may cut an item: walk the headers (docs/design.md §9).
  let fit: u32 = granted;
  if (load<u32>(cb + RB_GET_OFF, IDX_HEAD_OFF) != load<u32>(cb + RB_GET_OFF, IDX_LIMIT_OFF)) {
    fit = 0;
    while (fit + ITEM_HEADER_BYTES <= granted) {
      const next = fit + recordBytes(load<u32>(storage + advance(off, fit, size)));
      if (next > granted) break;
      fit = next;
    }
  }
  copyOut(dst, storage, size, off, fit);
  rb_get_finish(cb, fit); // unclaims the partial item beyond `fit`, if any
  return <i32>(fit >>> 2);
}

// The TypeScript twin of assembly/items.ts: item mode on the ring buffer's
// claim/finish primitives of ringbuf.ts, as in the AS file, so both modes
// share one implementation and one memory ordering. Why it is right is said
// in the AS file. Addresses and byte counts stay multiples of 4, so the
// copies work on whole words. Views first and checked, as in ringbuf.ts.

import * as layout from '../../assembly/layout.js';
import { attached, type Views } from '../views.js';
import { rb_get_claim, rb_get_finish, rb_put_claim, rb_put_finish } from './ringbuf.js';

// Module-level copies of the imports: V8 11.3 does not fold imported constants (bench/README.md).
const {
  RB_SIZE_OFF,
  RB_STORAGE_OFF,
  RB_PUT_OFF,
  RB_GET_OFF,
  IDX_HEAD_OFF,
  IDX_LIMIT_OFF,
  IDX_CLAIM_OFF,
  EAGAIN,
  EMSGSIZE,
  EINVAL,
  ITEM_WORDS_SHIFT,
  ITEM_WORDS_MASK,
  ITEM_HEADER_BYTES,
} = layout;

/** Pieces up to this many words are copied with a loop, larger ones with copyWithin. */
const LOOP_COPY_WORDS = 16;

// JS only, memory.copy's stand-in: `n` words from word index `from` to `to`.
function copyWords(u32: Uint32Array, to: number, from: number, n: number): void {
  if (n <= LOOP_COPY_WORDS) {
    for (let i = 0; i < n; i++) u32[to + i] = u32[from + i];
  } else {
    u32.copyWithin(to, from, from + n);
  }
}

// assembly/items.ts: wordsOf
function wordsOf(header: number): number {
  return (header >>> ITEM_WORDS_SHIFT) & ITEM_WORDS_MASK;
}

// assembly/items.ts: recordBytes
function recordBytes(header: number): number {
  return ITEM_HEADER_BYTES + (wordsOf(header) << 2);
}

// assembly/items.ts: claimRest. The common case, a first grant of everything,
// is tested by the callers inline: a call that never runs costs V8's inlining
// budget nothing, and an item's claim, copy and finish then inline into one body.
function claimRest(v: Views, cb: number, put: boolean, g: number, bytes: number): number {
  return g + (put ? rb_put_claim(v, cb, bytes - g) : rb_get_claim(v, cb, bytes - g));
}

// assembly/items.ts: advance
function advance(off: number, step: number, size: number): number {
  const next = off + step;
  return next >= size ? next - size : next;
}

// assembly/items.ts: copyIn
function copyIn(v: Views, storage: number, size: number, off: number, src: number, n: number): void {
  const first = Math.min(n, size - off);
  copyWords(v.u32, (storage + off) >>> 2, src >>> 2, first >>> 2);
  if (n > first) copyWords(v.u32, storage >>> 2, (src + first) >>> 2, (n - first) >>> 2);
}

// assembly/items.ts: copyOut
function copyOut(v: Views, dst: number, storage: number, size: number, off: number, n: number): void {
  const first = Math.min(n, size - off);
  copyWords(v.u32, dst >>> 2, (storage + off) >>> 2, first >>> 2);
  if (n > first) copyWords(v.u32, (dst + first) >>> 2, storage >>> 2, (n - first) >>> 2);
}

// assembly/items.ts: item_put
export function item_put(v: Views, cb: number, header: number, src: number): number {
  attached(v);
  const bytes = recordBytes(header);
  const g = rb_put_claim(v, cb, bytes);
  const u32 = v.u32;
  const off = u32[(cb + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2];
  if (g !== bytes && claimRest(v, cb, true, g, bytes) < bytes) {
    rb_put_finish(v, cb, 0); // finish is final: 0 cancels the short grant
    return -EMSGSIZE;
  }
  const storage = u32[(cb + RB_STORAGE_OFF) >>> 2];
  const size = u32[(cb + RB_SIZE_OFF) >>> 2];
  u32[(storage + off) >>> 2] = header;
  if (bytes !== ITEM_HEADER_BYTES)
    copyIn(v, storage, size, advance(off, ITEM_HEADER_BYTES, size), src, bytes - ITEM_HEADER_BYTES);
  rb_put_finish(v, cb, bytes);
  return 0;
}

// assembly/items.ts: item_get
export function item_get(v: Views, cb: number, dst: number, max: number, out: number): number {
  attached(v);
  if (rb_get_claim(v, cb, ITEM_HEADER_BYTES) === 0) return -EAGAIN;
  const u32 = v.u32;
  const storage = u32[(cb + RB_STORAGE_OFF) >>> 2];
  const size = u32[(cb + RB_SIZE_OFF) >>> 2];
  const off = u32[(cb + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2];
  const header = u32[(storage + off) >>> 2];
  u32[out >>> 2] = header;
  const words = wordsOf(header);
  if (dst !== 0 && words > max) {
    rb_get_finish(v, cb, 0); // the item stays for a call with room
    return -EMSGSIZE;
  }
  const n = words << 2;
  if (n !== 0) {
    const g = rb_get_claim(v, cb, n);
    if (g !== n) claimRest(v, cb, false, g, n);
    if (dst !== 0) copyOut(v, dst, storage, size, advance(off, ITEM_HEADER_BYTES, size), n);
  }
  rb_get_finish(v, cb, ITEM_HEADER_BYTES + n);
  return words;
}

// assembly/items.ts: item_put_batch
export function item_put_batch(v: Views, cb: number, src: number, n: number): number {
  attached(v);
  const want = n * 4;
  const g = rb_put_claim(v, cb, want);
  const u32 = v.u32;
  const off = u32[(cb + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2];
  const granted = g === want ? g : claimRest(v, cb, true, g, want);
  let at = 0;
  let fit = 0;
  while (at < want) {
    at += recordBytes(u32[(src + at) >>> 2]);
    if (at <= granted) fit = at;
  }
  if (at !== want) {
    rb_put_finish(v, cb, 0);
    return -EINVAL;
  }
  copyIn(v, u32[(cb + RB_STORAGE_OFF) >>> 2], u32[(cb + RB_SIZE_OFF) >>> 2], off, src, fit);
  rb_put_finish(v, cb, fit); // returns the claimed space beyond `fit`
  return fit >>> 2;
}

// assembly/items.ts: item_get_batch
export function item_get_batch(v: Views, cb: number, dst: number, max: number, out: number): number {
  attached(v);
  const want = max * 4;
  if (rb_get_claim(v, cb, ITEM_HEADER_BYTES) === 0) return 0;
  const u32 = v.u32;
  const storage = u32[(cb + RB_STORAGE_OFF) >>> 2];
  const size = u32[(cb + RB_SIZE_OFF) >>> 2];
  const off = u32[(cb + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2];
  const first = u32[(storage + off) >>> 2];
  if (recordBytes(first) > want) {
    u32[out >>> 2] = first;
    rb_get_finish(v, cb, 0);
    return -EMSGSIZE;
  }
  const rest = want - ITEM_HEADER_BYTES;
  const g = rb_get_claim(v, cb, rest);
  const granted = ITEM_HEADER_BYTES + (g === rest ? g : claimRest(v, cb, false, g, rest));
  // A grant ending at our cached limit ends at a put tail: whole items. Any
  // other end may cut an item: walk the headers (docs/design.md §9).
  let fit = granted;
  if (u32[(cb + RB_GET_OFF + IDX_HEAD_OFF) >>> 2] !== u32[(cb + RB_GET_OFF + IDX_LIMIT_OFF) >>> 2]) {
    fit = 0;
    while (fit + ITEM_HEADER_BYTES <= granted) {
      const next = fit + recordBytes(u32[(storage + advance(off, fit, size)) >>> 2]);
      if (next > granted) break;
      fit = next;
    }
  }
  copyOut(v, dst, storage, size, off, fit);
  rb_get_finish(v, cb, fit); // unclaims the partial item beyond `fit`, if any
  return fit >>> 2;
}

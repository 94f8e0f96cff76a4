// Copies between JavaScript arrays and views of an engine's memory: one
// function per element type, both with the shape (dst, to, src, from, n),
// indices in elements. Whole arrays go with one TypedArray.set, short pieces
// with a loop, longer pieces with set through a view of the piece (the one
// allocation of such a copy). The thresholds are measured: bench/README.md,
// "Copy loop threshold". Either array may be a caller's, so lengths, windows
// and `set` go through the intrinsics (typed.ts), never the array's own
// `length` or `subarray` (which a subclass may make lie, or return a longer array).

import { setInto, trueBuffer, trueByteOffset, trueLength } from './typed.js';

/** Byte pieces up to this long are copied with a loop, on an unshared memory (or an ordinary array). */
export const LOOP_BYTES_UNSHARED = 32;
/** The same on a shared memory, where `set` takes a slower path. */
export const LOOP_BYTES_SHARED = 64;
/** Whole word arrays shorter than this are copied with a loop: below it, `set`'s fixed cost is larger. */
const SET_WHOLE_WORDS = 16;
/** Word pieces up to this long are copied with a loop. */
const LOOP_WORDS = 32;

/**
 * @internal Copies `n` bytes from `src[from..]` into `dst[to..]`; `loopMax`
 * is {@link LOOP_BYTES_SHARED} or {@link LOOP_BYTES_UNSHARED}, after the
 * memory the copy touches.
 */
export function copyBytes(
  dst: Uint8Array,
  to: number,
  src: Uint8Array,
  from: number,
  n: number,
  loopMax: number,
): void {
  if (from === 0 && n === trueLength(src)) {
    setInto(dst, src, to);
  } else if (n <= loopMax) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else {
    setInto(dst, new Uint8Array(trueBuffer(src), trueByteOffset(src) + from, n), to);
  }
}

/** @internal Copies `n` words from `src[from..]` into `dst[to..]`; see {@link copyBytes}. */
export function copyWords(dst: Uint32Array, to: number, src: Uint32Array, from: number, n: number): void {
  if (n >= SET_WHOLE_WORDS && from === 0 && n === trueLength(src)) {
    setInto(dst, src, to);
  } else if (n <= LOOP_WORDS) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else {
    setInto(dst, new Uint32Array(trueBuffer(src), trueByteOffset(src) + 4 * from, n), to);
  }
}

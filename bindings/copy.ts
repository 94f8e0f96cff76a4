// Byte copies between JavaScript arrays and views of an engine's memory,
// shared by RingBuf's copying calls and its write stage.

/**
 * Pieces up to this many bytes are copied with a loop rather than with
 * TypedArray.set through a subarray view (a view and a builtin call). The
 * crossover, measured on node 20 (V8 11.3) in ns per piece, loop vs
 * set(subarray), into and out of the memory: unshared 32 B 37 vs 40-50,
 * 48 B 50-63 vs 40-45, 64 B 68-85 vs 38-47; shared (set takes a slower path
 * on a SharedArrayBuffer) 48 B 53-64 vs 65-77, 64 B 73-112 vs 70-130,
 * 96 B 105-172 vs 77-154. Figures: bench/README.md.
 */
export const LOOP_COPY_MAX_UNSHARED = 32;
export const LOOP_COPY_MAX_SHARED = 64;

/**
 * @internal Copies `n` bytes from `src[from..]` into `u8` at `at` (the
 * memory, or RingBuf.write's stage). Never creates a view when `src` lies
 * in the same memory, is copied whole, or the piece is small; otherwise one
 * subarray view per piece.
 */
export function copyIn(u8: Uint8Array, at: number, src: Uint8Array, from: number, n: number, loopMax: number): void {
  if (from === 0 && n === src.length) {
    u8.set(src, at);
  } else if (n <= loopMax) {
    for (let i = 0; i < n; i++) u8[at + i] = src[from + i];
  } else {
    u8.set(src.subarray(from, from + n), at);
  }
}

/** @internal Copies `n` bytes from the memory at `at` into `dst[to..]`; the mirror of {@link copyIn}. */
export function copyOut(dst: Uint8Array, to: number, u8: Uint8Array, at: number, n: number, loopMax: number): void {
  if (n <= loopMax) {
    for (let i = 0; i < n; i++) dst[to + i] = u8[at + i];
  } else {
    dst.set(u8.subarray(at, at + n), to);
  }
}

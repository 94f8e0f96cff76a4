// Write combining for RingBuf.write: small writes gather in a private,
// ordinary array and reach the ring's storage in one copy, because each
// TypedArray.set into a SharedArrayBuffer has a fixed cost that grows across
// threads (figures: bench/README.md, "Cross-thread figures"). The space is
// claimed at write time, so write's result is exact; only the bytes wait
// here until the next flush, put, putFinish or wait for space.

import { copyBytes, LOOP_BYTES_UNSHARED } from './copy.js';

/** @internal Bytes gathered before one copy into storage. */
export const STAGE_BYTES = 4096;

/** @internal Bytes bound for consecutive storage offsets, not yet copied there. */
export class WriteStage {
  /** Allocated on the first staged write: a ring that never calls write() pays nothing. */
  private bytes: Uint8Array | null = null;
  /** Storage offset of bytes[0]. */
  private at = 0;
  /** Bytes staged. */
  private len = 0;

  /** Bytes staged and not yet copied into storage. */
  get staged(): number {
    return this.len;
  }

  /** Whether `n` bytes bound for storage offset `to` can join the staged run (else spill first). */
  fits(to: number, n: number): boolean {
    return this.len === 0 || (to === this.at + this.len && this.len + n <= STAGE_BYTES);
  }

  /** Stages `n` bytes of `src` from `from`, bound for storage offset `to`; {@link WriteStage.fits} must hold. */
  add(to: number, src: Uint8Array, from: number, n: number): void {
    let bytes = this.bytes;
    if (bytes === null) {
      bytes = new Uint8Array(STAGE_BYTES);
      this.bytes = bytes;
    }
    if (this.len === 0) this.at = to;
    // The stage is an ordinary array: the unshared copy threshold applies.
    copyBytes(bytes, this.len, src, from, n, LOOP_BYTES_UNSHARED);
    this.len += n;
  }

  /** Copies the staged run into `storage` (one set) and empties the stage. */
  spill(storage: Uint8Array): void {
    const len = this.len,
      bytes = this.bytes;
    if (len === 0 || bytes === null) return;
    this.len = 0;
    // A full stage goes without a view; a partial one needs one (96 B).
    storage.set(len === STAGE_BYTES ? bytes : bytes.subarray(0, len), this.at);
  }
}

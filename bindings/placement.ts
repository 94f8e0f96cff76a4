// Where the arrays a caller passes lie: in the engine's memory (then the core
// reads or writes them in place, one call) or elsewhere (then they are copied).

import { trueBuffer, trueByteOffset } from './typed.js';

/**
 * @internal The last array seen and its byte address in the memory, or -1
 * when it lies elsewhere. `.buffer` and `.byteOffset` are runtime calls
 * costing more than a small copy (bench/README.md, "Per-call costs"), and
 * callers pass the same arrays again and again, so the answer is kept until
 * the array or the memory's views change (a grown memory replaces its views,
 * and an unshared one detaches the old arrays).
 *
 * Both are read through the intrinsic getters (typed.ts), which a shadowed
 * property cannot fool, and a typed array's buffer and offset never change,
 * so a hit on the same object is as true as the first answer. An object's
 * element type never changes either: a caller that checked it before asking
 * may skip that check when the same array comes again (its length, which a
 * detached or resizable buffer changes, it reads every time).
 *
 * The hottest callers test the hit themselves,
 * `a === p.array && mem === p.memView ? p.address : p.of(a, mem)`:
 * inlined, the test is free, where a call per operation is not.
 */
export class Placement {
  /** The last array asked about. */
  array: ArrayBufferView | null = null;
  /** The memory-wide view it was checked against. */
  memView: ArrayBufferView | null = null;
  /** Byte address of `array[0]` in the memory, or -1. */
  address = -1;

  /** The byte address of `a[0]` in the memory that `memView` spans, or -1 when `a` lies elsewhere. */
  of(a: ArrayBufferView, memView: ArrayBufferView): number {
    if (a !== this.array || memView !== this.memView) {
      this.array = a;
      this.memView = memView;
      // Address 0 holds the heap header, never a buffer's data: a view that
      // starts there (or a detached one, whose byteOffset reads 0) is copied.
      const at = trueByteOffset(a);
      this.address = trueBuffer(a) === trueBuffer(memView) && at !== 0 ? at : -1;
    }
    return this.address;
  }
}

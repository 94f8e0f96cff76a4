// The heap: a bump allocator in the memory itself, so that every thread and
// every engine sees the same placement. It only grows: buffers never move,
// which keeps every address and every view valid for the memory's lifetime.

import { HEAP_MAGIC_OFF, HEAP_TOP_OFF, HEAP_HEADER_BYTES, HEAP_MAGIC_VALUE, LINE_BYTES } from '../assembly/layout.js';
import type { Views } from './views.js';

const PAGE = 65536;
const ADDRESS_LIMIT = 2 ** 32;

/**
 * Claims `memory` for wasm-ringbuf, or checks that it already is one.
 * Safe to race: the magic word is set with one compare-exchange.
 */
export function initHeap(v: Views): void {
  // Sequentially consistent CAS: two threads initialising at once agree on
  // one winner, and a memory that holds something else is never claimed.
  const seen = Atomics.compareExchange(v.u32, HEAP_MAGIC_OFF >> 2, 0, HEAP_MAGIC_VALUE);
  if (seen !== 0 && seen !== HEAP_MAGIC_VALUE) {
    throw new TypeError(
      `memory is not a wasm-ringbuf memory: word 0 is 0x${seen.toString(16)}, expected 0 or 0x${HEAP_MAGIC_VALUE.toString(16)}`,
    );
  }
}

/**
 * Places `bytes` bytes on a 64-byte line boundary and returns the address.
 * Grows the memory when needed; `what` names the argument in the RangeError
 * thrown when the memory cannot hold the block (nothing is placed then).
 */
export function heapAlloc(v: Views, bytes: number, what: string): number {
  for (;;) {
    const raw = Atomics.load(v.u32, HEAP_TOP_OFF >> 2);
    const start = Math.ceil(Math.max(raw, HEAP_HEADER_BYTES) / LINE_BYTES) * LINE_BYTES;
    const end = start + bytes;
    if (end > ADDRESS_LIMIT) {
      throw new RangeError(
        `${what} does not fit: ${bytes} bytes from address ${start} pass the 4 GiB limit of a wasm32 memory`,
      );
    }
    grow(v, end, what);
    // The CAS publishes the block; losing it means another thread placed a
    // block first, and we retry above the new top (a grow we did stays, harmless).
    if (Atomics.compareExchange(v.u32, HEAP_TOP_OFF >> 2, raw, end % ADDRESS_LIMIT) === raw) return start;
  }
}

function grow(v: Views, end: number, what: string): void {
  const have = v.memory.buffer.byteLength;
  if (end <= have) {
    v.cover(end);
    return;
  }
  try {
    v.memory.grow(Math.ceil((end - have) / PAGE));
  } catch {
    throw new RangeError(
      `${what} does not fit: the memory cannot grow to ${end} bytes (it has ${have}; its maximum was set when it was created)`,
    );
  }
  v.refresh();
}

// The TypeScript twin of assembly/items.ts: item mode on the ring buffer's
// claim/finish primitives, which it takes from the ring twin so that both
// share one implementation (and one memory ordering: see ringbuf.ts).
// Comments on the algorithm live in the AS file. Addresses and byte
// counts stay multiples of 4, so the copies work on whole words.

import {
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
} from '../../assembly/layout.js';
import type { ItemCore, RingCore } from '../core.js';
import type { Views } from '../views.js';

/** Pieces up to this many words are copied with a loop, larger ones with copyWithin. */
const LOOP_COPY_WORDS = 16;

/** Copies `n` words inside the memory, from word index `from` to `to`. */
function copyWords(u32: Uint32Array, to: number, from: number, n: number): void {
  if (n <= LOOP_COPY_WORDS) {
    for (let i = 0; i < n; i++) u32[to + i] = u32[from + i];
  } else {
    u32.copyWithin(to, from, from + n);
  }
}

export function itemsJs(v: Views, ring: RingCore): ItemCore {
  const recordBytes = (header: number): number => 4 + (((header >>> 16) & 0xff) << 2);

  function claimRest(cb: number, put: boolean, g: number, bytes: number): number {
    if (g === bytes) return g;
    return g + (put ? ring.rb_put_claim(cb, bytes - g) : ring.rb_get_claim(cb, bytes - g));
  }

  function advance(off: number, step: number, size: number): number {
    const next = off + step;
    return next >= size ? next - size : next;
  }

  /** Copies `n` bytes from memory at `src` into storage at `off`, continuing at 0. */
  function copyIn(storage: number, size: number, off: number, src: number, n: number): void {
    const first = Math.min(n, size - off);
    copyWords(v.u32, (storage + off) >>> 2, src >>> 2, first >>> 2);
    if (n > first) copyWords(v.u32, storage >>> 2, (src + first) >>> 2, (n - first) >>> 2);
  }

  /** Copies `n` bytes of storage from `off`, continuing at 0, to memory at `dst`. */
  function copyOut(dst: number, storage: number, size: number, off: number, n: number): void {
    const first = Math.min(n, size - off);
    copyWords(v.u32, dst >>> 2, (storage + off) >>> 2, first >>> 2);
    if (n > first) copyWords(v.u32, (dst + first) >>> 2, storage >>> 2, (n - first) >>> 2);
  }

  return {
    item_put(cb, header, src) {
      const bytes = recordBytes(header);
      const g = ring.rb_put_claim(cb, bytes);
      const u32 = v.u32;
      const off = u32[(cb + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2];
      if (claimRest(cb, true, g, bytes) < bytes) {
        ring.rb_put_finish(cb, 0);
        return -EMSGSIZE;
      }
      const storage = u32[(cb + RB_STORAGE_OFF) >>> 2];
      const size = u32[(cb + RB_SIZE_OFF) >>> 2];
      u32[(storage + off) >>> 2] = header;
      copyIn(storage, size, advance(off, 4, size), src, bytes - 4);
      ring.rb_put_finish(cb, bytes);
      return 0;
    },

    item_get(cb, dst, max, out) {
      if (ring.rb_get_claim(cb, 4) === 0) return -EAGAIN;
      const u32 = v.u32;
      const storage = u32[(cb + RB_STORAGE_OFF) >>> 2];
      const size = u32[(cb + RB_SIZE_OFF) >>> 2];
      const off = u32[(cb + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2];
      const header = u32[(storage + off) >>> 2];
      u32[out >>> 2] = header;
      const words = (header >>> 16) & 0xff;
      if (dst !== 0 && words > max) {
        ring.rb_get_finish(cb, 0);
        return -EMSGSIZE;
      }
      const n = words << 2;
      if (n !== 0) {
        claimRest(cb, false, ring.rb_get_claim(cb, n), n);
        if (dst !== 0) copyOut(dst, storage, size, advance(off, 4, size), n);
      }
      ring.rb_get_finish(cb, 4 + n);
      return words;
    },

    item_put_batch(cb, src, n) {
      const want = n * 4;
      const g = ring.rb_put_claim(cb, want);
      const u32 = v.u32;
      const off = u32[(cb + RB_PUT_OFF + IDX_CLAIM_OFF) >>> 2];
      const granted = claimRest(cb, true, g, want);
      let at = 0;
      let fit = 0;
      while (at < want) {
        at += recordBytes(u32[(src + at) >>> 2]);
        if (at <= granted) fit = at;
      }
      if (at !== want) {
        ring.rb_put_finish(cb, 0);
        return -EINVAL;
      }
      copyIn(u32[(cb + RB_STORAGE_OFF) >>> 2], u32[(cb + RB_SIZE_OFF) >>> 2], off, src, fit);
      ring.rb_put_finish(cb, fit);
      return fit >>> 2;
    },

    item_get_batch(cb, dst, max, out) {
      const want = max * 4;
      if (ring.rb_get_claim(cb, 4) === 0) return 0;
      const u32 = v.u32;
      const storage = u32[(cb + RB_STORAGE_OFF) >>> 2];
      const size = u32[(cb + RB_SIZE_OFF) >>> 2];
      const off = u32[(cb + RB_GET_OFF + IDX_CLAIM_OFF) >>> 2];
      const first = u32[(storage + off) >>> 2];
      if (recordBytes(first) > want) {
        u32[out >>> 2] = first;
        ring.rb_get_finish(cb, 0);
        return -EMSGSIZE;
      }
      const granted = 4 + claimRest(cb, false, ring.rb_get_claim(cb, want - 4), want - 4);
      // Ending at the put tail we read means whole items only (see the AS file); else walk.
      let fit = granted;
      if (u32[(cb + RB_GET_OFF + IDX_HEAD_OFF) >>> 2] !== u32[(cb + RB_GET_OFF + IDX_LIMIT_OFF) >>> 2]) {
        fit = 0;
        while (fit + 4 <= granted) {
          const next = fit + recordBytes(u32[(storage + advance(off, fit, size)) >>> 2]);
          if (next > granted) break;
          fit = next;
        }
      }
      copyOut(dst, storage, size, off, fit);
      ring.rb_get_finish(cb, fit);
      return fit >>> 2;
    },
  };
}

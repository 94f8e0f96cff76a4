// The TypeScript twin of assembly/mpsc.ts: the same algorithm, step functions
// and results on the same control block, so either engine can pick up a
// buffer the other created. The algorithm and the memory ordering are
// explained in the AS file; the orderings here are the same: the lock is taken
// with Atomics.compareExchange and released with Atomics.store (both
// sequentially consistent), everything inside a critical section uses plain
// typed-array accesses, and the semaphore words use Atomics.

import {
  MP_KIND_OFF,
  MP_SIZE_OFF,
  MP_STORAGE_OFF,
  MP_LEN_MASK_OFF,
  MP_LENS_OFF,
  MP_LOCKING_OFF,
  MP_LOCK_OFF,
  MP_TMP_WR_OFF,
  MP_WR_OFF,
  MP_TMP_RD_OFF,
  MP_RD_OFF,
  MP_FLAGS_OFF,
  MP_MAX_USAGE_OFF,
  MP_CLAIMED_OFF,
  MP_DROPPED_OFF,
  MP_LOST_OFF,
  MP_SEM_OFF,
  MP_WAITERS_OFF,
  MP_COMMITS_OFF,
  MP_CONS_WAITERS_OFF,
  MP_CB_BYTES,
  MP_SCR_PREV_OFF,
  MP_SCR_SHIFT_OFF,
  MP_SCR_DROP_OFF,
  MP_KIND_VALUE,
  MP_FLAG_POW2,
  MP_FLAG_OVERWRITE,
  MP_FLAG_MAXUTIL,
  MP_FLAG_FULL,
  MP_VALID,
  MP_BUSY,
  MP_MODE_WAIT,
  MP_MODE_PUT,
  MP_R_DROPPED,
  MP_R_WAIT,
  MP_R_FAIL,
  MP_R_NONE,
  MP_R_CLAIMED,
  MP_R_BAD,
} from '../../assembly/layout.js';
import type { MpscCore } from '../core.js';
import type { Views } from '../views.js';

const DROP_NONE = 0;
const DROP_AGAIN = 1;
const DROP_USER = 2;

// Word indices of the control block fields, relative to cb >>> 2.
const SIZE = MP_SIZE_OFF >> 2,
  STORAGE = MP_STORAGE_OFF >> 2,
  LEN_MASK = MP_LEN_MASK_OFF >> 2,
  LENS = MP_LENS_OFF >> 2,
  LOCKING = MP_LOCKING_OFF >> 2;
const LOCK = MP_LOCK_OFF >> 2,
  TMP_WR = MP_TMP_WR_OFF >> 2,
  WR = MP_WR_OFF >> 2,
  TMP_RD = MP_TMP_RD_OFF >> 2,
  RD = MP_RD_OFF >> 2;
const FLAGS = MP_FLAGS_OFF >> 2,
  MAX_USAGE = MP_MAX_USAGE_OFF >> 2,
  CLAIMED = MP_CLAIMED_OFF >> 2;
const DROPPED = MP_DROPPED_OFF >> 2,
  LOST = MP_LOST_OFF >> 2,
  SEM = MP_SEM_OFF >> 2,
  WAITERS = MP_WAITERS_OFF >> 2;
const COMMITS = MP_COMMITS_OFF >> 2,
  CONS_WAITERS = MP_CONS_WAITERS_OFF >> 2;
const PREV = MP_SCR_PREV_OFF >> 2,
  SHIFT = MP_SCR_SHIFT_OFF >> 2,
  DROP = MP_SCR_DROP_OFF >> 2;

export function mpscJs(v: Views): MpscCore {
  // Every helper takes `c`, the control block's word index, and reads the
  // current view (v.u32) itself, so a refreshed view is picked up at once.

  function lock(c: number): void {
    const i32 = v.i32;
    if (i32[c + LOCKING] === 0) return;
    while (Atomics.compareExchange(i32, c + LOCK, 0, 1) !== 0) {
      while (Atomics.load(i32, c + LOCK) !== 0) {
        /* spin: see assembly/mpsc.ts */
      }
    }
  }

  function unlock(c: number): void {
    const i32 = v.i32;
    if (i32[c + LOCKING] !== 0) Atomics.store(i32, c + LOCK, 0);
  }

  /** Adds 1 to a wake-up counter in the lock: seq-cst on a shared memory only (see bump() in assembly/mpsc.ts). */
  function bump(c: number, field: number): void {
    const i32 = v.i32;
    if (i32[c + LOCKING] !== 0) Atomics.store(i32, c + field, i32[c + field] + 1);
    else i32[c + field]++;
  }

  /** Counts a published packet and wakes sleeping consumers: see assembly/mpsc.ts. */
  function unlockPublished(c: number): void {
    const i32 = v.i32;
    bump(c, COMMITS);
    unlock(c);
    if (Atomics.load(i32, c + CONS_WAITERS) !== 0) Atomics.notify(i32, c + COMMITS);
  }

  function idxInc(c: number, i: number, n: number): number {
    const u32 = v.u32,
      size = u32[c + SIZE];
    const j = i + n;
    if (u32[c + FLAGS] & MP_FLAG_POW2) return j & (size - 1);
    return j >= size ? j - size : j;
  }

  const hdr = (c: number, off: number): number => (v.u32[c + STORAGE] >>> 2) + off;

  function wlenAt(c: number, off: number): number {
    const u32 = v.u32,
      mask = u32[c + LEN_MASK];
    if (mask !== 0) return (u32[hdr(c, off)] >>> 2) & mask;
    return u32[(u32[c + LENS] >>> 2) + off];
  }

  function setLen(c: number, off: number, wlen: number): void {
    const u32 = v.u32;
    if (u32[c + LEN_MASK] === 0) u32[(u32[c + LENS] >>> 2) + off] = wlen;
  }

  /** free words; `wrap` is reported through the sign (-f - 1) to avoid a tuple. */
  function freeSpace(c: number): number {
    const u32 = v.u32;
    if (u32[c + FLAGS] & MP_FLAG_FULL) return 0;
    const rd = u32[c + RD],
      tmpWr = u32[c + TMP_WR];
    if (rd > tmpWr) return rd - tmpWr;
    return -(u32[c + SIZE] - tmpWr) - 1;
  }

  function available(c: number): number {
    const u32 = v.u32,
      tmpRd = u32[c + TMP_RD],
      wr = u32[c + WR];
    if (u32[c + FLAGS] & MP_FLAG_FULL || tmpRd > wr) return u32[c + SIZE] - tmpRd;
    return wr - tmpRd;
  }

  function usage(c: number): number {
    const u32 = v.u32;
    if (u32[c + FLAGS] & MP_FLAG_FULL) return u32[c + SIZE];
    const rd = u32[c + RD],
      tmpWr = u32[c + TMP_WR];
    return tmpWr >= rd ? tmpWr - rd : u32[c + SIZE] - rd + tmpWr;
  }

  function maxUsageUpdate(c: number): void {
    const u32 = v.u32;
    if (u32[c + FLAGS] & MP_FLAG_MAXUTIL) {
      const u = usage(c);
      if (u > u32[c + MAX_USAGE]) u32[c + MAX_USAGE] = u;
    }
  }

  function tmpWrInc(c: number, n: number): void {
    const u32 = v.u32;
    const t = idxInc(c, u32[c + TMP_WR], n);
    u32[c + TMP_WR] = t;
    if (t === u32[c + RD]) u32[c + FLAGS] |= MP_FLAG_FULL;
  }

  function rdInc(c: number, n: number): void {
    const u32 = v.u32;
    u32[c + RD] = idxInc(c, u32[c + RD], n);
    u32[c + FLAGS] &= ~MP_FLAG_FULL;
  }

  const skipHeader = (n: number): number => ((n << 2) | MP_BUSY) >>> 0;

  function addSkip(c: number, n: number): void {
    const u32 = v.u32;
    u32[hdr(c, u32[c + TMP_WR])] = skipHeader(n);
    tmpWrInc(c, n);
    u32[c + WR] = idxInc(c, u32[c + WR], n);
  }

  function dropItemLocked(c: number, s: number, freeW: number): number {
    const u32 = v.u32;
    const rd = u32[c + RD];
    const item = hdr(c, rd);
    const h = u32[item];
    const skip = (h & (MP_VALID | MP_BUSY)) === MP_BUSY ? h >>> 2 : 0;
    if (skip !== 0) {
      rdInc(c, skip);
      u32[c + TMP_RD] = u32[c + RD];
      return DROP_AGAIN;
    }
    if (!(u32[c + FLAGS] & MP_FLAG_OVERWRITE)) return DROP_NONE;
    const rdW = wlenAt(c, rd);
    if (!(h & MP_VALID)) return DROP_NONE;
    if (h & MP_BUSY) {
      let ret = DROP_AGAIN;
      if (freeW !== 0) addSkip(c, freeW);
      u32[c + WR] = idxInc(c, u32[c + WR], rdW);
      if (u32[c + RD] === u32[c + TMP_RD]) {
        u32[c + TMP_RD] = idxInc(c, u32[c + TMP_RD], rdW);
        ret = DROP_NONE;
      }
      const tmpRd = u32[c + TMP_RD];
      u32[c + TMP_WR] = tmpRd;
      u32[c + RD] = tmpRd;
      u32[c + FLAGS] |= MP_FLAG_FULL;
      return ret;
    }
    rdInc(c, rdW);
    u32[c + TMP_RD] = u32[c + RD];
    const tmpWr = u32[c + TMP_WR];
    if (freeW !== 0) u32[hdr(c, tmpWr)] = 0;
    const shift = rdW + freeW;
    u32[s + PREV] = tmpWr;
    u32[s + SHIFT] = shift;
    u32[s + DROP] = rd;
    u32[c + TMP_WR] = idxInc(c, tmpWr, shift);
    u32[c + FLAGS] |= MP_FLAG_FULL;
    u32[item] = h & ~MP_VALID;
    u32[c + DROPPED]++;
    return DROP_USER;
  }

  function postDrop(c: number, s: number): void {
    const u32 = v.u32;
    const shift = u32[s + SHIFT];
    if (shift === 0) return;
    u32[s + SHIFT] = 0;
    const prev = u32[s + PREV];
    if (idxInc(c, prev, shift) === u32[c + TMP_WR]) {
      u32[c + TMP_WR] = prev;
      u32[c + FLAGS] &= ~MP_FLAG_FULL;
      return;
    }
    u32[hdr(c, prev)] = skipHeader(shift);
    u32[c + WR] = idxInc(c, u32[c + WR], shift);
  }

  function noRoom(c: number, s: number, freeW: number, mode: number): number {
    if (mode === MP_MODE_WAIT) {
      unlock(c);
      return MP_R_WAIT;
    }
    const r = dropItemLocked(c, s, freeW);
    if (r === DROP_NONE && mode === MP_MODE_PUT) v.u32[c + LOST]++;
    unlock(c);
    if (r === DROP_USER) return MP_R_DROPPED;
    return r === DROP_AGAIN ? 0 : MP_R_FAIL;
  }

  /** See reserve() in assembly/mpsc.ts: an offset with the lock held, or a negative result. */
  function reserve(c: number, s: number, wlen: number, mode: number): number {
    for (;;) {
      lock(c);
      postDrop(c, s);
      const fs = freeSpace(c);
      const f = fs < 0 ? -fs - 1 : fs;
      if (f >= wlen) return v.u32[c + TMP_WR];
      if (fs < 0) {
        addSkip(c, f);
        unlock(c);
        continue;
      }
      const r = noRoom(c, s, f, mode);
      if (r !== 0) return r;
    }
  }

  function putDone(c: number, off: number, wlen: number): number {
    const u32 = v.u32;
    setLen(c, off, wlen);
    tmpWrInc(c, wlen);
    u32[c + WR] = idxInc(c, u32[c + WR], wlen);
    maxUsageUpdate(c);
    unlockPublished(c);
    return 0;
  }

  return {
    mp_init(cb, storage, size, flags, lenMask, lens, locking) {
      v.u8.fill(0, cb, cb + MP_CB_BYTES);
      const u32 = v.u32,
        c = cb >>> 2;
      u32[c + (MP_KIND_OFF >> 2)] = MP_KIND_VALUE;
      u32[c + SIZE] = size;
      u32[c + STORAGE] = storage;
      u32[c + LEN_MASK] = lenMask;
      u32[c + LENS] = lens;
      u32[c + LOCKING] = locking;
      if ((size & (size - 1)) === 0) flags |= MP_FLAG_POW2;
      u32[c + FLAGS] = flags & (MP_FLAG_OVERWRITE | MP_FLAG_MAXUTIL | MP_FLAG_POW2);
    },

    mp_post_drop(cb, scr) {
      const c = cb >>> 2;
      lock(c);
      postDrop(c, scr >>> 2);
      unlock(c);
    },

    mp_alloc(cb, scr, wlen, mode) {
      const c = cb >>> 2;
      const off = reserve(c, scr >>> 2, wlen, mode);
      if (off < 0) return off;
      v.u32[hdr(c, off)] &= ~(MP_VALID | MP_BUSY);
      tmpWrInc(c, wlen);
      unlock(c);
      return off;
    },

    mp_commit(cb, off, wlen) {
      const c = cb >>> 2;
      lock(c);
      if (wlen === 0 && off < v.u32[c + SIZE]) wlen = wlenAt(c, off);
      const u32 = v.u32,
        size = u32[c + SIZE];
      const item = hdr(c, off),
        h = u32[item],
        rd = u32[c + RD];
      const d = off >= rd ? off - rd : size - rd + off;
      if (off >= size || wlen === 0 || wlen > size - off || (h & (MP_VALID | MP_BUSY)) !== 0 || d + wlen > usage(c)) {
        unlock(c);
        return MP_R_BAD;
      }
      setLen(c, off, wlen);
      u32[item] = h | MP_VALID;
      u32[c + WR] = idxInc(c, u32[c + WR], wlen);
      maxUsageUpdate(c);
      unlockPublished(c);
      return 0;
    },

    mp_put_finish(cb, off, wlen, header) {
      const c = cb >>> 2;
      lock(c);
      const u32 = v.u32;
      setLen(c, off, wlen);
      u32[hdr(c, off)] = header;
      u32[c + WR] = idxInc(c, u32[c + WR], wlen);
      maxUsageUpdate(c);
      unlockPublished(c);
    },

    mp_put_word(cb, scr, word) {
      const c = cb >>> 2;
      const off = reserve(c, scr >>> 2, 1, MP_MODE_PUT);
      if (off < 0) return off;
      v.u32[hdr(c, off)] = word;
      return putDone(c, off, 1);
    },

    mp_put_word_ext(cb, scr, word, ext) {
      const c = cb >>> 2;
      const off = reserve(c, scr >>> 2, 2, MP_MODE_PUT);
      if (off < 0) return off;
      const u32 = v.u32,
        item = hdr(c, off);
      u32[item] = word;
      u32[item + 1] = ext;
      return putDone(c, off, 2);
    },

    mp_claim(cb) {
      const c = cb >>> 2;
      lock(c);
      const u32 = v.u32;
      if (u32[c + CLAIMED] !== 0) {
        unlock(c);
        return MP_R_CLAIMED;
      }
      for (;;) {
        const a = available(c);
        const tmpRd = u32[c + TMP_RD];
        const item = hdr(c, tmpRd);
        const h = u32[item];
        if (a === 0 || (h & (MP_VALID | MP_BUSY)) === 0) {
          unlock(c);
          return MP_R_NONE;
        }
        const skip = (h & (MP_VALID | MP_BUSY)) === MP_BUSY ? h >>> 2 : 0;
        if (skip !== 0 || !(h & MP_VALID)) {
          const inc = skip !== 0 ? skip : wlenAt(c, tmpRd);
          u32[c + TMP_RD] = idxInc(c, tmpRd, inc);
          rdInc(c, inc);
          continue;
        }
        u32[item] = h | MP_BUSY;
        u32[c + TMP_RD] = idxInc(c, tmpRd, wlenAt(c, tmpRd));
        u32[c + CLAIMED] = tmpRd + 1;
        unlock(c);
        return tmpRd;
      }
    },

    mp_free(cb, off) {
      const c = cb >>> 2;
      lock(c);
      const u32 = v.u32;
      if (u32[c + CLAIMED] !== off + 1) {
        unlock(c);
        return MP_R_BAD;
      }
      const wlen = wlenAt(c, off);
      const item = hdr(c, off);
      const h = u32[item] & ~MP_VALID;
      if (!(u32[c + FLAGS] & MP_FLAG_OVERWRITE) || off === u32[c + RD]) {
        u32[item] = h & ~MP_BUSY;
        if (u32[c + RD] === u32[c + TMP_RD]) u32[c + TMP_RD] = idxInc(c, u32[c + TMP_RD], wlen);
        rdInc(c, wlen);
      } else {
        u32[item] = skipHeader(wlen);
      }
      u32[c + CLAIMED] = 0;
      const i32 = v.i32;
      bump(c, SEM);
      unlock(c);
      if (Atomics.load(i32, c + WAITERS) !== 0) Atomics.notify(i32, c + SEM);
      return 0;
    },

    mp_is_pending(cb) {
      const c = cb >>> 2;
      lock(c);
      const a = available(c);
      unlock(c);
      return a !== 0 ? 1 : 0;
    },

    mp_usage(cb) {
      const c = cb >>> 2;
      lock(c);
      const u = usage(c);
      unlock(c);
      return u;
    },

    mp_max_usage(cb) {
      const c = cb >>> 2;
      lock(c);
      const u = v.u32[c + MAX_USAGE];
      unlock(c);
      return u;
    },
  };
}

// The TypeScript twin of assembly/mpsc.ts: the same step functions, names,
// units (byte addresses for control and scratch blocks, word offsets in
// storage) and results on the same control block, so either engine can pick
// up a buffer the other created. Why the algorithm and its memory ordering
// are right is said in the AS file; the orderings here are the same: the
// lock is taken with Atomics.compareExchange (giving up with MP_R_BUSY after a
// bounded spin) and released with Atomics.store, then a load of the waiter
// count (all sequentially consistent); words another thread reads or writes
// outside the lock (rd, tmp_wr, wr, published entries) go through Atomics
// on a shared memory (publish, swapIf, loadShared); the rest are plain
// typed-array accesses, and the wake-up counters use Atomics.
// Every function takes the memory's views first; each exported one (an entry
// point, bound to the views in index.ts) starts by checking they are attached.

import * as layout from '../../assembly/layout.js';
import { attached, type Views } from '../views.js';

// Module-level copies of the imports: V8 11.3 does not fold imported constants (bench/README.md).
const {
  MP_KIND_OFF,
  MP_SIZE_OFF,
  MP_CONS_LINE_OFF,
  MP_CONS_LINE_BYTES,
  MP_CONS_LINE_OVERWRITE_BYTES,
  MP_STORAGE_OFF,
  MP_LEN_MASK_OFF,
  MP_LENS_OFF,
  MP_LOCKING_OFF,
  MP_LOCK_OFF,
  MP_TMP_WR_OFF,
  MP_WR_OFF,
  MP_CONS_TMP_RD_OFF,
  MP_CONS_RD_OFF,
  MP_RD_SEEN_OFF,
  MP_CONS_TMP_WR_SEEN_OFF,
  MP_FLAGS_OFF,
  MP_MAX_USAGE_OFF,
  MP_CONS_CLAIMED_OFF,
  MP_DROPPED_OFF,
  MP_LOST_OFF,
  MP_SEM_OFF,
  MP_WAITERS_OFF,
  MP_COMMITS_OFF,
  MP_CONS_WAITERS_OFF,
  MP_SEM_WOKEN_OFF,
  MP_COMMITS_WOKEN_OFF,
  MP_CB_BYTES,
  MP_SCR_PREV_OFF,
  MP_SCR_SHIFT_OFF,
  MP_SCR_DROP_OFF,
  MP_KIND_VALUE,
  MP_FLAG_POW2,
  MP_FLAG_OVERWRITE,
  MP_FLAG_MAXUTIL,
  MP_VALID,
  MP_BUSY,
  MP_HDR_USER_SHIFT,
  MP_MODE_WAIT,
  MP_MODE_PUT,
  MP_R_DROPPED,
  MP_R_WAIT,
  MP_R_FAIL,
  MP_R_NONE,
  MP_R_CLAIMED,
  MP_R_BAD,
  MP_R_CLOSED,
  MP_R_BUSY,
  MP_LOCK_WAITERS_OFF,
  MP_STATE_OFF,
  ST_OPEN,
  MP_T_LEN,
  MP_T_SKIP,
  MP_T_PENDING,
  MP_T_RESERVED,
} = layout;

// assembly/mpsc.ts: drop_item_locked's outcomes.
const DROP_NONE = 0; // nothing could be dropped (Zephyr returns false)
const DROP_AGAIN = 1; // space was freed without a user packet: try again
const DROP_USER = 2; // a user packet was dropped: notify, then try again

// assembly/mpsc.ts: mp_init
export function mp_init(
  v: Views,
  cb: number,
  storage: number,
  size: number,
  flags: number,
  lenMask: number,
  lens: number,
  locking: number,
): void {
  attached(v);
  v.u8.fill(0, cb, cb + MP_CB_BYTES);
  v.u8.fill(0, lens, lens + size * 4);
  const u32 = v.u32;
  u32[(cb + MP_KIND_OFF) >>> 2] = MP_KIND_VALUE;
  u32[(cb + MP_SIZE_OFF) >>> 2] = size;
  u32[(cb + MP_STORAGE_OFF) >>> 2] = storage;
  u32[(cb + MP_LEN_MASK_OFF) >>> 2] = lenMask;
  u32[(cb + MP_LENS_OFF) >>> 2] = lens;
  u32[(cb + MP_LOCKING_OFF) >>> 2] = locking;
  if ((size & (size - 1)) === 0) flags |= MP_FLAG_POW2;
  u32[(cb + MP_FLAGS_OFF) >>> 2] = flags & (MP_FLAG_OVERWRITE | MP_FLAG_MAXUTIL | MP_FLAG_POW2);
  u32[(cb + MP_CONS_LINE_OFF) >>> 2] = flags & MP_FLAG_OVERWRITE ? MP_CONS_LINE_OVERWRITE_BYTES : MP_CONS_LINE_BYTES;
}

// ── the lock ──────────────────────────────────────────────────────────────

// assembly/mpsc.ts: LOCK_SPINS
const LOCK_SPINS = 1000;

// assembly/mpsc.ts: lock (false: still held after the spin; the caller returns MP_R_BUSY)
function lock(v: Views, cb: number): boolean {
  const i32 = v.i32;
  if (i32[(cb + MP_LOCKING_OFF) >>> 2] === 0) return true;
  const at = (cb + MP_LOCK_OFF) >>> 2;
  if (Atomics.compareExchange(i32, at, 0, 1) === 0) return true;
  for (let i = 0; i < LOCK_SPINS; i++) {
    if (Atomics.load(i32, at) === 0 && Atomics.compareExchange(i32, at, 0, 1) === 0) return true;
  }
  return false;
}

// assembly/mpsc.ts: unlock
function unlock(v: Views, cb: number): void {
  const i32 = v.i32;
  if (i32[(cb + MP_LOCKING_OFF) >>> 2] === 0) return;
  Atomics.store(i32, (cb + MP_LOCK_OFF) >>> 2, 0);
  if (Atomics.load(i32, (cb + MP_LOCK_WAITERS_OFF) >>> 2) !== 0) Atomics.notify(i32, (cb + MP_LOCK_OFF) >>> 2, 1);
}

// assembly/mpsc.ts: consLine (a byte address, as in AS)
function consLine(v: Views, cb: number): number {
  return cb + v.u32[(cb + MP_CONS_LINE_OFF) >>> 2];
}

// assembly/mpsc.ts: overwrites
function overwrites(v: Views, cb: number): boolean {
  return (v.u32[(cb + MP_FLAGS_OFF) >>> 2] & MP_FLAG_OVERWRITE) !== 0;
}

// assembly/mpsc.ts: publish (a word index here)
function publish(v: Views, cb: number, at: number, value: number): void {
  if (v.u32[(cb + MP_LOCKING_OFF) >>> 2] !== 0) Atomics.store(v.u32, at, value);
  else v.u32[at] = value;
}

// assembly/mpsc.ts: swapIf (a word index here)
function swapIf(v: Views, cb: number, at: number, expected: number, value: number): number {
  const u32 = v.u32;
  if (u32[(cb + MP_LOCKING_OFF) >>> 2] !== 0) return Atomics.compareExchange(u32, at, expected, value);
  const old = u32[at];
  if (old === expected) u32[at] = value;
  return old;
}

// assembly/mpsc.ts: the atomic loads of words other threads write outside
// the lock; plain on an unshared memory, where Atomics.load costs more than
// in wasm and no other thread writes.
function loadShared(v: Views, cb: number, at: number): number {
  const u32 = v.u32;
  return u32[(cb + MP_LOCKING_OFF) >>> 2] !== 0 ? Atomics.load(u32, at) : u32[at];
}

// assembly/mpsc.ts: wake
function wake(v: Views, cb: number, counter: number, waiters: number, woken: number): void {
  const i32 = v.i32;
  // loadShared: nobody can sleep on an unshared memory (Atomics.wait needs a shared one), and there an Atomics call costs more than in wasm.
  if (loadShared(v, cb, (cb + waiters) >>> 2) !== 0 && Atomics.exchange(i32, (cb + woken) >>> 2, 1) === 0) {
    Atomics.add(i32, (cb + counter) >>> 2, 1);
    Atomics.notify(i32, (cb + counter) >>> 2);
  }
}

// ── indices ───────────────────────────────────────────────────────────────

// assembly/mpsc.ts: idxInc (Zephyr's idx_inc)
function idxInc(v: Views, cb: number, i: number, n: number): number {
  const u32 = v.u32;
  const size = u32[(cb + MP_SIZE_OFF) >>> 2];
  const j = i + n;
  if (u32[(cb + MP_FLAGS_OFF) >>> 2] & MP_FLAG_POW2) return j & (size - 1);
  return j >= size ? j - size : j;
}

// assembly/mpsc.ts: inc2
function inc2(v: Views, cb: number, i: number, n: number): number {
  const twice = v.u32[(cb + MP_SIZE_OFF) >>> 2] * 2;
  const j = i + n;
  return j >= twice ? j - twice : j;
}

// assembly/mpsc.ts: pos
function pos(v: Views, cb: number, i: number): number {
  const size = v.u32[(cb + MP_SIZE_OFF) >>> 2];
  return i >= size ? i - size : i;
}

// assembly/mpsc.ts: span
function span(v: Views, cb: number, from: number, to: number): number {
  return to >= from ? to - from : to + v.u32[(cb + MP_SIZE_OFF) >>> 2] * 2 - from;
}

// assembly/mpsc.ts: rdIndex
// (Flat, as setTmpWr and wrAdd: V8 11.3 stops inlining the hot paths once
// their helpers' bytecode exceeds its budget, and nested helpers count twice.)
function rdIndex(v: Views, cb: number): number {
  const u32 = v.u32;
  const at = (cb + u32[(cb + MP_CONS_LINE_OFF) >>> 2] + MP_CONS_RD_OFF) >>> 2;
  return u32[(cb + MP_LOCKING_OFF) >>> 2] !== 0 ? Atomics.load(u32, at) : u32[at];
}

// assembly/mpsc.ts: setTmpWr
function setTmpWr(v: Views, cb: number, i: number): void {
  const u32 = v.u32;
  if (u32[(cb + MP_LOCKING_OFF) >>> 2] !== 0) Atomics.store(u32, (cb + MP_TMP_WR_OFF) >>> 2, i);
  else u32[(cb + MP_TMP_WR_OFF) >>> 2] = i;
}

// assembly/mpsc.ts: wrAdd
function wrAdd(v: Views, cb: number, n: number): void {
  const u32 = v.u32;
  const at = (cb + MP_WR_OFF) >>> 2;
  if (u32[(cb + MP_LOCKING_OFF) >>> 2] === 0) {
    u32[at] = idxInc(v, cb, u32[at], n);
    return;
  }
  let w = Atomics.load(u32, at);
  for (;;) {
    const seen = Atomics.compareExchange(u32, at, w, idxInc(v, cb, w, n));
    if (seen === w) return;
    w = seen;
  }
}

// assembly/mpsc.ts: hdrAt (a byte address, as in AS)
function hdrAt(v: Views, cb: number, off: number): number {
  return v.u32[(cb + MP_STORAGE_OFF) >>> 2] + off * 4;
}

// assembly/mpsc.ts: entryAddr (a word index here)
function entryIndex(v: Views, cb: number, off: number): number {
  return (v.u32[(cb + MP_LENS_OFF) >>> 2] + off * 4) >>> 2;
}

// assembly/mpsc.ts: entryAt (the packet table: only the core writes it)
function entryAt(v: Views, cb: number, off: number): number {
  return v.u32[entryIndex(v, cb, off)];
}

// assembly/mpsc.ts: setEntry
function setEntry(v: Views, cb: number, off: number, entry: number): void {
  v.u32[entryIndex(v, cb, off)] = entry;
}

// assembly/mpsc.ts: publishEntry
function publishEntry(v: Views, cb: number, off: number, entry: number): void {
  publish(v, cb, entryIndex(v, cb, off), entry);
}

// assembly/mpsc.ts: wlenAt (Zephyr's get_wlen, from the table, never the user's header)
function wlenAt(v: Views, cb: number, off: number): number {
  return entryAt(v, cb, off) & MP_T_LEN;
}

// assembly/mpsc.ts: tmpRdAt
function tmpRdAt(v: Views, cb: number): number {
  const u32 = v.u32;
  if (overwrites(v, cb)) return u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2];
  const rd = pos(v, cb, rdIndex(v, cb));
  return u32[(consLine(v, cb) + MP_CONS_CLAIMED_OFF) >>> 2] !== 0 ? idxInc(v, cb, rd, wlenAt(v, cb, rd)) : rd;
}

// ── Zephyr's helpers (producers' ones called with the lock held) ──────────

// assembly/mpsc.ts: freeSpaceFrom (Zephyr's free_space). Bit 31 marks
// `wrap`, as in AS; here the result is an int32, so a wrapped one reads as negative.
function freeSpaceFrom(v: Views, cb: number, rd2: number): number {
  const u32 = v.u32;
  const tmpWr2 = u32[(cb + MP_TMP_WR_OFF) >>> 2];
  const size = u32[(cb + MP_SIZE_OFF) >>> 2];
  if (span(v, cb, rd2, tmpWr2) === size) return 0;
  const rd = pos(v, cb, rd2);
  const tmpWr = pos(v, cb, tmpWr2);
  if (rd > tmpWr) return rd - tmpWr;
  return (size - tmpWr) | 0x80000000;
}

// assembly/mpsc.ts: freeSpace (from the producers' copy of rd first)
function freeSpace(v: Views, cb: number, wlen: number): number {
  const u32 = v.u32;
  // One call site of freeSpaceFrom, for V8's inlining budget (see rdIndex).
  let fresh = overwrites(v, cb);
  let rd2 = fresh ? rdIndex(v, cb) : u32[(cb + MP_RD_SEEN_OFF) >>> 2];
  for (;;) {
    const fs = freeSpaceFrom(v, cb, rd2);
    if (fresh || (fs & 0x7fffffff) >= wlen) return fs;
    rd2 = rdIndex(v, cb);
    u32[(cb + MP_RD_SEEN_OFF) >>> 2] = rd2;
    fresh = true;
  }
}

// assembly/mpsc.ts: available (Zephyr's available)
function available(v: Views, cb: number): number {
  const tmpRd = tmpRdAt(v, cb);
  const wr = loadShared(v, cb, (cb + MP_WR_OFF) >>> 2);
  const size = v.u32[(cb + MP_SIZE_OFF) >>> 2];
  if (span(v, cb, rdIndex(v, cb), loadShared(v, cb, (cb + MP_TMP_WR_OFF) >>> 2)) === size || tmpRd > wr) {
    return size - tmpRd;
  }
  return wr - tmpRd;
}

// assembly/mpsc.ts: usage
function usage(v: Views, cb: number): number {
  return span(v, cb, rdIndex(v, cb), loadShared(v, cb, (cb + MP_TMP_WR_OFF) >>> 2));
}

// assembly/mpsc.ts: maxUsageUpdate
function maxUsageUpdate(v: Views, cb: number): void {
  const u32 = v.u32;
  if (u32[(cb + MP_FLAGS_OFF) >>> 2] & MP_FLAG_MAXUTIL) {
    const u = usage(v, cb);
    if (u > u32[(cb + MP_MAX_USAGE_OFF) >>> 2]) u32[(cb + MP_MAX_USAGE_OFF) >>> 2] = u;
  }
}

// assembly/mpsc.ts: tmpWrInc
function tmpWrInc(v: Views, cb: number, n: number): void {
  setTmpWr(v, cb, inc2(v, cb, v.u32[(cb + MP_TMP_WR_OFF) >>> 2], n));
}

// assembly/mpsc.ts: skipHeader
function skipHeader(n: number): number {
  return ((n << MP_HDR_USER_SHIFT) | MP_BUSY) >>> 0;
}

// assembly/mpsc.ts: addSkip (Zephyr's add_skip_item)
function addSkip(v: Views, cb: number, n: number): void {
  const tmpWr = pos(v, cb, v.u32[(cb + MP_TMP_WR_OFF) >>> 2]);
  v.u32[hdrAt(v, cb, tmpWr) >>> 2] = skipHeader(n);
  setEntry(v, cb, tmpWr, (MP_T_SKIP | n) >>> 0);
  tmpWrInc(v, cb, n);
  wrAdd(v, cb, n);
}

// assembly/mpsc.ts: dropItemLocked (Zephyr's drop_item_locked): makes room at
// rd for a producer that found `freeW` free words, too few. A skip packet goes
// silently; in overwrite mode a claimed packet is jumped over and a committed
// one dropped, its space reserved for this producer until postDrop
// (docs/zephyr-semantics.md §2.5).
function dropItemLocked(v: Views, cb: number, scr: number, freeW: number): number {
  const u32 = v.u32;
  const rd2 = rdIndex(v, cb);
  // Without overwrite the consumer may have freed everything since the caller looked (the AS file says why).
  if (rd2 === u32[(cb + MP_TMP_WR_OFF) >>> 2]) return DROP_AGAIN;
  const rd = pos(v, cb, rd2);
  // Atomic on a shared memory: commits publish entries outside the lock.
  const e = loadShared(v, cb, entryIndex(v, cb, rd));
  if ((e & MP_T_RESERVED) >>> 0 === MP_T_SKIP) {
    // A skip packet goes silently, in both modes.
    const next = inc2(v, cb, rd2, e & MP_T_LEN);
    if (overwrites(v, cb)) {
      u32[(consLine(v, cb) + MP_CONS_RD_OFF) >>> 2] = next;
      u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2] = pos(v, cb, next);
    } else {
      // The lock-free consumer may pass it at the same moment (the AS file says why this is enough).
      swapIf(v, cb, (consLine(v, cb) + MP_CONS_RD_OFF) >>> 2, rd2, next);
    }
    return DROP_AGAIN;
  }
  if (!overwrites(v, cb)) return DROP_NONE;
  const item = hdrAt(v, cb, rd);
  const h = u32[item >>> 2];
  const rdW = e & MP_T_LEN;
  // Uncommitted (or another producer's reservation): it can neither be dropped nor jumped over.
  if (e & MP_T_PENDING) return DROP_NONE;
  if (u32[(consLine(v, cb) + MP_CONS_CLAIMED_OFF) >>> 2] === rd + 1) {
    // Claimed: jump over it, as if it had just been written.
    let ret = DROP_AGAIN;
    if (freeW !== 0) addSkip(v, cb, freeW);
    wrAdd(v, cb, rdW);
    // Met the same claimed packet again after going round (#84595): give up.
    if (rd === u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2]) {
      u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2] = idxInc(
        v,
        cb,
        u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2],
        rdW,
      );
      ret = DROP_NONE;
    }
    // tmp_wr = rd = tmp_rd, and FULL: tmp_wr a whole size ahead of rd.
    const tmpRd = u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2];
    setTmpWr(v, cb, tmpRd + u32[(cb + MP_SIZE_OFF) >>> 2]);
    u32[(consLine(v, cb) + MP_CONS_RD_OFF) >>> 2] = tmpRd;
    return ret;
  }
  // Committed and idle: drop it, and reserve its space and the free gap
  // before it (tmp_wr moves over both) while the host notifies unlocked.
  const next = inc2(v, cb, rd2, rdW);
  u32[(consLine(v, cb) + MP_CONS_RD_OFF) >>> 2] = next;
  u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2] = pos(v, cb, next);
  const tmpWr2 = u32[(cb + MP_TMP_WR_OFF) >>> 2];
  const tmpWr = pos(v, cb, tmpWr2);
  if (freeW !== 0) u32[hdrAt(v, cb, tmpWr) >>> 2] = 0; // an "invalid" header, as Zephyr writes
  const shift = rdW + freeW;
  // Until post_drop_action, the reserved area is neither claimable nor committable.
  setEntry(v, cb, tmpWr, (MP_T_RESERVED | shift) >>> 0);
  u32[(scr + MP_SCR_PREV_OFF) >>> 2] = tmpWr2;
  u32[(scr + MP_SCR_SHIFT_OFF) >>> 2] = shift;
  u32[(scr + MP_SCR_DROP_OFF) >>> 2] = rd;
  setTmpWr(v, cb, inc2(v, cb, tmpWr2, shift));
  u32[item >>> 2] = h & ~MP_VALID; // the callback sees valid == 0
  u32[(cb + MP_DROPPED_OFF) >>> 2]++;
  return DROP_USER;
}

// assembly/mpsc.ts: postDrop (Zephyr's post_drop_action)
function postDrop(v: Views, cb: number, scr: number): void {
  const u32 = v.u32;
  const shift = u32[(scr + MP_SCR_SHIFT_OFF) >>> 2];
  if (shift === 0) return;
  u32[(scr + MP_SCR_SHIFT_OFF) >>> 2] = 0;
  const prev2 = u32[(scr + MP_SCR_PREV_OFF) >>> 2];
  if (inc2(v, cb, prev2, shift) === u32[(cb + MP_TMP_WR_OFF) >>> 2]) {
    // Nobody allocated meanwhile: undo the reservation (and so FULL).
    setTmpWr(v, cb, prev2);
    return;
  }
  // Another producer allocated after the reservation: skip the reserved area.
  const prev = pos(v, cb, prev2);
  u32[hdrAt(v, cb, prev) >>> 2] = skipHeader(shift);
  setEntry(v, cb, prev, (MP_T_SKIP | shift) >>> 0);
  wrAdd(v, cb, shift);
}

// assembly/mpsc.ts: mp_post_drop
export function mp_post_drop(v: Views, cb: number, scr: number): number {
  attached(v);
  if (!lock(v, cb)) return MP_R_BUSY;
  postDrop(v, cb, scr);
  unlock(v, cb);
  return 0;
}

// assembly/mpsc.ts: noRoom
function noRoom(v: Views, cb: number, scr: number, freeW: number, mode: number): number {
  if (mode === MP_MODE_WAIT) {
    unlock(v, cb);
    return MP_R_WAIT;
  }
  const r = dropItemLocked(v, cb, scr, freeW);
  if (r === DROP_NONE && mode === MP_MODE_PUT) v.u32[(cb + MP_LOST_OFF) >>> 2]++;
  unlock(v, cb);
  if (r === DROP_USER) return MP_R_DROPPED;
  return r === DROP_AGAIN ? 0 : MP_R_FAIL;
}

// assembly/mpsc.ts: reserve: an offset with the lock HELD, or a negative result with it released.
function reserve(v: Views, cb: number, scr: number, wlen: number, mode: number): number {
  for (;;) {
    if (!lock(v, cb)) return MP_R_BUSY;
    postDrop(v, cb, scr);
    if (Atomics.load(v.i32, (cb + MP_STATE_OFF) >>> 2) !== ST_OPEN) {
      unlock(v, cb);
      return MP_R_CLOSED;
    }
    const fs = freeSpace(v, cb, wlen);
    const f = fs & 0x7fffffff;
    if (f >= wlen) return pos(v, cb, v.u32[(cb + MP_TMP_WR_OFF) >>> 2]);
    if (fs & 0x80000000) {
      addSkip(v, cb, f);
      unlock(v, cb);
      continue;
    }
    const r = noRoom(v, cb, scr, f, mode);
    if (r !== 0) return r;
  }
}

// assembly/mpsc.ts: mp_alloc
export function mp_alloc(v: Views, cb: number, scr: number, wlen: number, mode: number): number {
  attached(v);
  const off = reserve(v, cb, scr, wlen, mode);
  if (off < 0) return off;
  v.u32[hdrAt(v, cb, off) >>> 2] &= ~(MP_VALID | MP_BUSY);
  setEntry(v, cb, off, (MP_T_PENDING | wlen) >>> 0); // what commit will insist on
  tmpWrInc(v, cb, wlen);
  unlock(v, cb);
  return off;
}

// assembly/mpsc.ts: mp_commit (the lock only for a peak to keep; the AS file says why)
export function mp_commit(v: Views, cb: number, off: number, wlen: number): number {
  attached(v);
  const u32 = v.u32;
  const locked = (u32[(cb + MP_FLAGS_OFF) >>> 2] & MP_FLAG_MAXUTIL) !== 0;
  if (locked && !lock(v, cb)) return MP_R_BUSY;
  if (off >= u32[(cb + MP_SIZE_OFF) >>> 2]) {
    if (locked) unlock(v, cb);
    return MP_R_BAD;
  }
  const item = hdrAt(v, cb, off);
  const h = u32[item >>> 2];
  if (wlen === 0) wlen = (h >>> MP_HDR_USER_SHIFT) & u32[(cb + MP_LEN_MASK_OFF) >>> 2];
  const pending = (MP_T_PENDING | wlen) >>> 0;
  const at = entryIndex(v, cb, off);
  // The table's pending entry is the only proof of an allocation, and its length the only one followed.
  if (loadShared(v, cb, at) !== pending || (h & (MP_VALID | MP_BUSY)) !== 0) {
    if (locked) unlock(v, cb);
    return MP_R_BAD;
  }
  // The header first: a consumer or a dropper that sees the entry committed sees it valid.
  u32[item >>> 2] = h | MP_VALID;
  // With overwrite, wr counts the packet before its entry says committed (the AS file says why).
  const first = overwrites(v, cb) ? (MP_T_RESERVED | wlen) >>> 0 : wlen;
  if (swapIf(v, cb, at, pending, first) !== pending) {
    // Lost to a rival commit of the same packet, which wrote the same header.
    if (locked) unlock(v, cb);
    return MP_R_BAD;
  }
  wrAdd(v, cb, wlen);
  if (first !== wlen) publish(v, cb, at, wlen);
  if (locked) {
    maxUsageUpdate(v, cb);
    unlock(v, cb);
  }
  wake(v, cb, MP_COMMITS_OFF, MP_CONS_WAITERS_OFF, MP_COMMITS_WOKEN_OFF);
  return 0;
}

// assembly/mpsc.ts: mp_put_finish
export function mp_put_finish(v: Views, cb: number, off: number, wlen: number, header: number): number {
  attached(v);
  if (!lock(v, cb)) return MP_R_BUSY;
  v.u32[hdrAt(v, cb, off) >>> 2] = header;
  publishEntry(v, cb, off, wlen);
  wrAdd(v, cb, wlen);
  maxUsageUpdate(v, cb);
  unlock(v, cb);
  wake(v, cb, MP_COMMITS_OFF, MP_CONS_WAITERS_OFF, MP_COMMITS_WOKEN_OFF);
  return 0;
}

// assembly/mpsc.ts: putDone
function putDone(v: Views, cb: number, off: number, wlen: number): number {
  setEntry(v, cb, off, wlen);
  tmpWrInc(v, cb, wlen);
  wrAdd(v, cb, wlen);
  maxUsageUpdate(v, cb);
  unlock(v, cb);
  wake(v, cb, MP_COMMITS_OFF, MP_CONS_WAITERS_OFF, MP_COMMITS_WOKEN_OFF);
  return 0;
}

// assembly/mpsc.ts: mp_put_word
export function mp_put_word(v: Views, cb: number, scr: number, word: number): number {
  attached(v);
  const off = reserve(v, cb, scr, 1, MP_MODE_PUT);
  if (off < 0) return off;
  v.u32[hdrAt(v, cb, off) >>> 2] = word;
  return putDone(v, cb, off, 1);
}

// assembly/mpsc.ts: mp_put_word_ext
export function mp_put_word_ext(v: Views, cb: number, scr: number, word: number, ext: number): number {
  attached(v);
  const off = reserve(v, cb, scr, 2, MP_MODE_PUT);
  if (off < 0) return off;
  const u32 = v.u32;
  const item = hdrAt(v, cb, off);
  u32[item >>> 2] = word;
  u32[(item + 4) >>> 2] = ext;
  return putDone(v, cb, off, 2);
}

// assembly/mpsc.ts: claimAt
function claimAt(v: Views, cb: number, off: number): number {
  const u32 = v.u32;
  u32[hdrAt(v, cb, off) >>> 2] |= MP_BUSY;
  u32[(consLine(v, cb) + MP_CONS_CLAIMED_OFF) >>> 2] = off + 1;
  return off;
}

// assembly/mpsc.ts: claimNoLock (without overwrite: no lock, from rd; the AS
// file says why). The line, size and sharedness are read once and pos, span
// and rdIndex written out: the claim path is the longest, and V8 11.3 stops
// inlining it once its helpers' bytecode exceeds its budget (see rdIndex).
function claimNoLock(v: Views, cb: number): number {
  const u32 = v.u32;
  const line = consLine(v, cb);
  const rdAt = (line + MP_CONS_RD_OFF) >>> 2;
  const shared = u32[(cb + MP_LOCKING_OFF) >>> 2] !== 0;
  const size = u32[(cb + MP_SIZE_OFF) >>> 2];
  let rd2 = shared ? Atomics.load(u32, rdAt) : u32[rdAt];
  let end2 = u32[(line + MP_CONS_TMP_WR_SEEN_OFF) >>> 2];
  for (;;) {
    // The copy is used up (0), or behind rd (over size), when a producer passed a skip at rd.
    const ahead = span(v, cb, rd2, end2);
    if (ahead === 0 || ahead > size) {
      end2 = shared ? Atomics.load(u32, (cb + MP_TMP_WR_OFF) >>> 2) : u32[(cb + MP_TMP_WR_OFF) >>> 2];
      u32[(line + MP_CONS_TMP_WR_SEEN_OFF) >>> 2] = end2;
      if (end2 === rd2) return MP_R_NONE;
    }
    const rd = rd2 >= size ? rd2 - size : rd2;
    const at = entryIndex(v, cb, rd);
    const e = shared ? Atomics.load(u32, at) : u32[at];
    // rd unchanged since it was read, so the entry is of this lap (only another thread can change it).
    if (shared) {
      const now = Atomics.load(u32, rdAt);
      if (now !== rd2) {
        rd2 = now;
        continue;
      }
    }
    // Nothing, or an uncommitted packet first.
    if (e & MP_T_PENDING) return MP_R_NONE;
    if (e & MP_T_SKIP) {
      const next = inc2(v, cb, rd2, e & MP_T_LEN);
      const seen = swapIf(v, cb, rdAt, rd2, next);
      rd2 = seen === rd2 ? next : seen;
      continue;
    }
    return claimAt(v, cb, rd);
  }
}

// assembly/mpsc.ts: claimLocked (with overwrite: Zephyr's, from tmp_rd)
function claimLocked(v: Views, cb: number): number {
  const u32 = v.u32;
  for (;;) {
    const a = available(v, cb);
    const tmpRd = u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2];
    const e = a !== 0 ? loadShared(v, cb, entryIndex(v, cb, tmpRd)) : MP_T_PENDING;
    // Nothing, or an uncommitted packet (or a reservation) first.
    if (e & MP_T_PENDING) return MP_R_NONE;
    if (e & MP_T_SKIP) {
      // Zephyr drops and retakes the lock here; we keep it (the AS file says why).
      const inc = e & MP_T_LEN;
      u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2] = idxInc(v, cb, tmpRd, inc);
      u32[(consLine(v, cb) + MP_CONS_RD_OFF) >>> 2] = inc2(v, cb, rdIndex(v, cb), inc);
      continue;
    }
    u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2] = idxInc(v, cb, tmpRd, e & MP_T_LEN);
    return claimAt(v, cb, tmpRd);
  }
}

// assembly/mpsc.ts: mp_claim
export function mp_claim(v: Views, cb: number): number {
  attached(v);
  const u32 = v.u32;
  if (!overwrites(v, cb)) {
    if (u32[(consLine(v, cb) + MP_CONS_CLAIMED_OFF) >>> 2] !== 0) return MP_R_CLAIMED;
    return claimNoLock(v, cb);
  }
  if (!lock(v, cb)) return MP_R_BUSY;
  const r = u32[(consLine(v, cb) + MP_CONS_CLAIMED_OFF) >>> 2] !== 0 ? MP_R_CLAIMED : claimLocked(v, cb);
  unlock(v, cb);
  return r;
}

// assembly/mpsc.ts: mp_free (no lock without overwrite: the claimed packet is at rd)
export function mp_free(v: Views, cb: number, off: number): number {
  attached(v);
  const u32 = v.u32;
  const locked = overwrites(v, cb);
  if (locked && !lock(v, cb)) return MP_R_BUSY;
  if (u32[(consLine(v, cb) + MP_CONS_CLAIMED_OFF) >>> 2] !== off + 1) {
    if (locked) unlock(v, cb);
    return MP_R_BAD;
  }
  const wlen = wlenAt(v, cb, off);
  const item = hdrAt(v, cb, off);
  const h = u32[item >>> 2] & ~MP_VALID;
  const rd2 = rdIndex(v, cb);
  if (!locked || off === pos(v, cb, rd2)) {
    u32[item >>> 2] = h & ~MP_BUSY;
    // The writers went round right up to the claimed packet: it is now the only free space.
    if (locked && off === u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2]) {
      u32[(consLine(v, cb) + MP_CONS_TMP_RD_OFF) >>> 2] = idxInc(v, cb, off, wlen);
    }
    publish(v, cb, (consLine(v, cb) + MP_CONS_RD_OFF) >>> 2, inc2(v, cb, rd2, wlen));
  } else {
    // A producer jumped over this packet while it was claimed: it becomes a skip packet.
    u32[item >>> 2] = skipHeader(wlen);
    setEntry(v, cb, off, (MP_T_SKIP | wlen) >>> 0);
  }
  u32[(consLine(v, cb) + MP_CONS_CLAIMED_OFF) >>> 2] = 0;
  if (locked) unlock(v, cb);
  // Sleepers are woken once at most half the storage is in use (the AS file says why).
  if (loadShared(v, cb, (cb + MP_WAITERS_OFF) >>> 2) !== 0 && usage(v, cb) <= u32[(cb + MP_SIZE_OFF) >>> 2] >>> 1) {
    wake(v, cb, MP_SEM_OFF, MP_WAITERS_OFF, MP_SEM_WOKEN_OFF);
  }
  return 0;
}

// assembly/mpsc.ts: mp_is_pending
export function mp_is_pending(v: Views, cb: number): number {
  attached(v);
  if (!lock(v, cb)) return MP_R_BUSY;
  const a = available(v, cb);
  unlock(v, cb);
  return a !== 0 ? 1 : 0;
}

// assembly/mpsc.ts: mp_usage
export function mp_usage(v: Views, cb: number): number {
  attached(v);
  if (!lock(v, cb)) return MP_R_BUSY;
  const u = usage(v, cb);
  unlock(v, cb);
  return u;
}

// assembly/mpsc.ts: mp_max_usage
export function mp_max_usage(v: Views, cb: number): number {
  attached(v);
  if (!lock(v, cb)) return MP_R_BUSY;
  const u = v.u32[(cb + MP_MAX_USAGE_OFF) >>> 2];
  unlock(v, cb);
  return u;
}

// assembly/mpsc.ts: mp_unclaimed
export function mp_unclaimed(v: Views, cb: number): number {
  attached(v);
  if (!lock(v, cb)) return MP_R_BUSY;
  const size = v.u32[(cb + MP_SIZE_OFF) >>> 2],
    tmpRd = tmpRdAt(v, cb),
    tmpWr2 = loadShared(v, cb, (cb + MP_TMP_WR_OFF) >>> 2),
    tmpWr = pos(v, cb, tmpWr2);
  let u = tmpWr >= tmpRd ? tmpWr - tmpRd : size - tmpRd + tmpWr;
  // Equal frontiers when full: the whole storage is allocated and unclaimed.
  if (u === 0 && span(v, cb, rdIndex(v, cb), tmpWr2) === size) u = size;
  unlock(v, cb);
  return u;
}

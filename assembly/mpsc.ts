// Zephyr's mpsc_pbuf (multi-producer single-consumer packet buffer) on a
// control block at a host-given address (layout: MpscPbuf in layout.ts).
//
// The algorithm is Zephyr's lib/os/mpsc_pbuf.c with the 2025 fixes (#83355,
// #84595, #85781), line for line where it matters: free_space, available,
// idx_inc, add_skip_item, drop_item_locked with the tmp_wr reservation,
// post_drop_action, commit, put_word/_ext, claim, free, is_pending.
//
// What changes is the shape of the loops: a stateless core cannot call the
// user's notify_drop, so each step function does the locked part of one
// iteration and returns where Zephyr would notify (MP_R_DROPPED), wait
// (MP_R_WAIT) or give up (MP_R_FAIL); the loop's locals travel in a scratch
// block (docs/design.md §4.4). Iterations that need no host action loop
// inside the call, releasing the lock between them as Zephyr does.
//
// Locking (docs/design.md §4.1): producers reserve room between lock() (a
// seq-cst CAS, so an acquire) and unlock() (a seq-cst store, so a
// release), never around user code. Without overwrite, nothing else needs
// the lock: a commit publishes its packet table entry with one
// compare-exchange, and the one consumer claims and frees on a line of its
// own, reading the producers' frontier only when it has caught up with its
// copy. With overwrite, producers drop packets under the consumer's feet,
// so claim and free take the lock too, around Zephyr's critical sections
// (the commit still does not: it counts itself in wr first, mp_commit). A lock still held after a short spin makes the export return
// MP_R_BUSY with nothing changed; the host sleeps on the lock word (or,
// where it may not block, calls again), so no thread spins for a
// descheduled holder.

import {
  MP_KIND_OFF, MP_SIZE_OFF, MP_CONS_LINE_OFF, MP_CONS_LINE_BYTES, MP_CONS_LINE_OVERWRITE_BYTES, MP_STORAGE_OFF, MP_LEN_MASK_OFF, MP_LENS_OFF, MP_LOCKING_OFF, MP_LOCK_OFF, MP_TMP_WR_OFF, MP_WR_OFF,
  MP_CONS_TMP_RD_OFF, MP_CONS_RD_OFF, MP_RD_SEEN_OFF, MP_CONS_TMP_WR_SEEN_OFF, MP_FLAGS_OFF, MP_MAX_USAGE_OFF, MP_CONS_CLAIMED_OFF, MP_DROPPED_OFF,
  MP_LOST_OFF, MP_SEM_OFF, MP_WAITERS_OFF, MP_COMMITS_OFF, MP_CONS_WAITERS_OFF, MP_SEM_WOKEN_OFF, MP_COMMITS_WOKEN_OFF, MP_CB_BYTES, MP_SCR_PREV_OFF, MP_SCR_SHIFT_OFF,
  MP_SCR_DROP_OFF, MP_KIND_VALUE, MP_FLAG_POW2, MP_FLAG_OVERWRITE, MP_FLAG_MAXUTIL,
  MP_VALID, MP_BUSY, MP_HDR_USER_SHIFT, MP_MODE_WAIT, MP_MODE_PUT, MP_R_DROPPED, MP_R_WAIT, MP_R_FAIL,
  MP_R_NONE, MP_R_CLAIMED, MP_R_BAD, MP_R_CLOSED, MP_R_BUSY, MP_LOCK_WAITERS_OFF, MP_STATE_OFF, ST_OPEN,
  MP_T_LEN, MP_T_SKIP, MP_T_PENDING, MP_T_RESERVED,
} from './layout';

// drop_item_locked's outcomes.
const DROP_NONE: u32 = 0;  // nothing could be dropped (Zephyr returns false)
const DROP_AGAIN: u32 = 1; // space was freed without a user packet: try again
const DROP_USER: u32 = 2;  // a user packet was dropped: notify, then try again

/**
 * Writes a fresh control block (mpsc_pbuf_init) and clears the packet table
 * at `lens` (size words). `flags` holds OVERWRITE and MAXUTIL; POW2 is added
 * when `size` is a power of two, as in Zephyr. `lenMask` selects the
 * header's length field (0 = custom lengths, given at commit).
 * `locking` is 1 when the memory is shared (see MP_LOCKING_OFF in layout.ts).
 */
export function mp_init(cb: usize, storage: usize, size: u32, flags: u32, lenMask: u32, lens: usize, locking: u32): void {
  memory.fill(cb, 0, MP_CB_BYTES);
  memory.fill(lens, 0, <usize>size << 2);
  store<u32>(cb, MP_KIND_VALUE, MP_KIND_OFF);
  store<u32>(cb, size, MP_SIZE_OFF);
  store<u32>(cb, <u32>storage, MP_STORAGE_OFF);
  store<u32>(cb, lenMask, MP_LEN_MASK_OFF);
  store<u32>(cb, <u32>lens, MP_LENS_OFF);
  store<u32>(cb, locking, MP_LOCKING_OFF);
  if ((size & (size - 1)) == 0) flags |= MP_FLAG_POW2;
  store<u32>(cb, flags & (MP_FLAG_OVERWRITE | MP_FLAG_MAXUTIL | MP_FLAG_POW2), MP_FLAGS_OFF);
  store<u32>(cb, flags & MP_FLAG_OVERWRITE ? MP_CONS_LINE_OVERWRITE_BYTES : MP_CONS_LINE_BYTES, MP_CONS_LINE_OFF);
}

// ── the lock ──────────────────────────────────────────────────────────────

/** How many times a contended lock() looks at the lock word before it hands the wait to the host. */
const LOCK_SPINS: u32 = 1000;

/**
 * Takes the lock; false (not taken) after LOCK_SPINS looks at a held lock.
 * A critical section is a few dozen instructions that never call user code,
 * wait or allocate, so a running holder lets go within the spin; a holder
 * still in after it was descheduled (more threads than cores), and then
 * the caller returns MP_R_BUSY and the host sleeps on MP_LOCK_OFF
 * (mpsc-pbuf.ts, lockWait) or, where it may not block, calls again.
 */
@inline function lock(cb: usize): bool {
  // An unshared memory is reachable from this thread only: no lock needed.
  if (load<u32>(cb, MP_LOCKING_OFF) == 0) return true;
  // Acquire (seq-cst CAS): pairs with the release in unlock().
  if (atomic.cmpxchg<u32>(cb + MP_LOCK_OFF, 0, 1) == 0) return true;
  for (let i: u32 = 0; i < LOCK_SPINS; i++) {
    // Spin on an atomic load (no cache-line stealing); CAS only when it looks free.
    if (atomic.load<u32>(cb + MP_LOCK_OFF) == 0 && atomic.cmpxchg<u32>(cb + MP_LOCK_OFF, 0, 1) == 0) return true;
  }
  return false;
}

@inline function unlock(cb: usize): void {
  if (load<u32>(cb, MP_LOCKING_OFF) == 0) return;
  // Release (seq-cst store): publishes every write of the critical section.
  atomic.store<u32>(cb + MP_LOCK_OFF, 0);
  // A seq-cst load after that store: a host that registered in
  // MP_LOCK_WAITERS_OFF (an atomic add) before it is notified; one that
  // registers after it finds the word 0 when its Atomics.wait compares it.
  // With nobody asleep, a release costs one load of a line it holds.
  if (atomic.load<u32>(cb + MP_LOCK_WAITERS_OFF) != 0) atomic.notify(cb + MP_LOCK_OFF, 1);
}

/** The address of the consumer's fields (layout.ts: line 3, or line 1 with overwrite). */
@inline function consLine(cb: usize): usize {
  return cb + <usize>load<u32>(cb, MP_CONS_LINE_OFF);
}

/** With overwrite, producers drop packets at rd: claims and frees take the lock too. */
@inline function overwrites(cb: usize): bool {
  return (load<u32>(cb, MP_FLAGS_OFF) & MP_FLAG_OVERWRITE) != 0;
}

/**
 * A store another thread reads without the lock: seq-cst on a shared
 * memory; a plain store on an unshared one, which no other thread reaches.
 */
@inline function publish(cb: usize, addr: usize, value: u32): void {
  if (load<u32>(cb, MP_LOCKING_OFF) != 0) atomic.store<u32>(addr, value);
  else store<u32>(addr, value);
}

/** A compare-exchange (seq-cst) on a shared memory; plain on an unshared one. Returns the word's old value. */
@inline function swapIf(cb: usize, addr: usize, expected: u32, value: u32): u32 {
  if (load<u32>(cb, MP_LOCKING_OFF) != 0) return atomic.cmpxchg<u32>(addr, expected, value);
  const old = load<u32>(addr);
  if (old == expected) store<u32>(addr, value);
  return old;
}

/**
 * Wakes the sleepers on a wake-up counter (MP_COMMITS_OFF with its waiter
 * count MP_CONS_WAITERS_OFF, MP_SEM_OFF with MP_WAITERS_OFF), after the
 * caller published what they wait for with a seq-cst access (an entry, rd,
 * or an unlock). The ring form of docs/design.md §3: a sleeper adds itself
 * to the count before its last look, so either that look sees the change
 * or this seq-cst load sees the sleeper, and the add makes its wait return
 * at once or the notify wakes it. Only the first waker since the sleeper's
 * look (the exchange of `woken`, which the sleeper clears after reading
 * the counter) adds and notifies: a notify is a call into the runtime under
 * a process-wide lock, and every commit would otherwise pay it until the
 * sleeper has woken. With nobody asleep: one load, no write.
 */
@inline function wake(cb: usize, counter: usize, waiters: usize, woken: usize): void {
  if (atomic.load<u32>(cb + waiters) != 0 && atomic.xchg<u32>(cb + woken, 1) == 0) {
    atomic.add<u32>(cb + counter, 1);
    atomic.notify(cb + counter, -1);
  }
}

// ── indices ───────────────────────────────────────────────────────────────

/** Zephyr's idx_inc: a position `n` words on, in [0, size). */
@inline function idxInc(cb: usize, i: u32, n: u32): u32 {
  const size = load<u32>(cb, MP_SIZE_OFF);
  const j = i + n;
  if (load<u32>(cb, MP_FLAGS_OFF) & MP_FLAG_POW2) return j & (size - 1);
  return j >= size ? j - size : j;
}

/** A 2-size index (rd, tmp_wr) `n` words on, in [0, 2 * size). */
@inline function inc2(cb: usize, i: u32, n: u32): u32 {
  const twice = load<u32>(cb, MP_SIZE_OFF) << 1;
  const j = i + n;
  return j >= twice ? j - twice : j;
}

/** The position of a 2-size index. */
@inline function pos(cb: usize, i: u32): u32 {
  const size = load<u32>(cb, MP_SIZE_OFF);
  return i >= size ? i - size : i;
}

/** Words from 2-size index `from` to `to`: size when full, 0 when empty. */
@inline function span(cb: usize, from: u32, to: u32): u32 {
  return to >= from ? to - from : to + (load<u32>(cb, MP_SIZE_OFF) << 1) - from;
}

/**
 * rd, a 2-size index: an atomic load, since without overwrite the consumer
 * moves it outside the lock (stored with publish(), or swapIf() past a skip).
 */
@inline function rdIndex(cb: usize): u32 {
  return atomic.load<u32>(consLine(cb) + MP_CONS_RD_OFF);
}

/**
 * Stores tmp_wr. An atomic (seq-cst) store: the lock-free consumer reads it
 * with an atomic load, and then every entry written before it, up to it.
 */
@inline function setTmpWr(cb: usize, i: u32): void {
  publish(cb, cb + MP_TMP_WR_OFF, i);
}

/**
 * wr += n, modulo size. Commits add to it outside the lock, so every add,
 * locked or not, is a compare-exchange loop (seq-cst).
 */
@inline function wrAdd(cb: usize, n: u32): void {
  let w = atomic.load<u32>(cb + MP_WR_OFF);
  while (true) {
    const seen = swapIf(cb, cb + MP_WR_OFF, w, idxInc(cb, w, n));
    if (seen == w) return;
    w = seen;
  }
}

@inline function hdrAt(cb: usize, off: u32): usize {
  return <usize>load<u32>(cb, MP_STORAGE_OFF) + (<usize>off << 2);
}

@inline function entryAddr(cb: usize, off: u32): usize {
  return <usize>load<u32>(cb, MP_LENS_OFF) + (<usize>off << 2);
}

/** The packet table entry of the packet starting at `off` (layout.ts: only the core writes it). */
@inline function entryAt(cb: usize, off: u32): u32 {
  return load<u32>(entryAddr(cb, off));
}

/** An entry that nothing claims before tmp_wr or the lock publishes it. */
@inline function setEntry(cb: usize, off: u32, entry: u32): void {
  store<u32>(entryAddr(cb, off), entry);
}

/**
 * An entry that makes a packet claimable behind tmp_wr: an atomic (seq-cst)
 * store after the packet's words, which the lock-free consumer reads with
 * an atomic load (claimNoLock), so it sees the words too.
 */
@inline function publishEntry(cb: usize, off: u32, entry: u32): void {
  publish(cb, entryAddr(cb, off), entry);
}

/** get_wlen, from the table: a length the core wrote after checking it, never the user's header. */
@inline function wlenAt(cb: usize, off: u32): u32 {
  return entryAt(cb, off) & MP_T_LEN;
}

/**
 * tmp_rd. With overwrite it is a field (drops move it); without, the
 * consumer alone moves it, and it is rd, or the end of the claimed packet,
 * which always starts at rd then.
 */
@inline function tmpRdAt(cb: usize): u32 {
  if (overwrites(cb)) return load<u32>(consLine(cb), MP_CONS_TMP_RD_OFF);
  const rd = pos(cb, rdIndex(cb));
  const claimed = load<u32>(consLine(cb), MP_CONS_CLAIMED_OFF);
  return claimed != 0 ? idxInc(cb, rd, wlenAt(cb, rd)) : rd;
}

// ── Zephyr's helpers (producers' ones called with the lock held) ──────────

/**
 * free_space from a given rd (2-size): the free words, with bit 31 set when
 * they end at the end of storage (`wrap`). An older rd than the current one
 * never shows more room than there is (rd only moves forward between two
 * producers' critical sections without overwrite).
 */
@inline function freeSpaceFrom(cb: usize, rd2: u32): u32 {
  const tmpWr2 = load<u32>(cb, MP_TMP_WR_OFF);
  const size = load<u32>(cb, MP_SIZE_OFF);
  // FULL: tmp_wr is size words ahead of rd.
  if (span(cb, rd2, tmpWr2) == size) return 0;
  const rd = pos(cb, rd2);
  const tmpWr = pos(cb, tmpWr2);
  if (rd > tmpWr) return rd - tmpWr;
  return (size - tmpWr) | 0x80000000;
}

/**
 * free_space for a request of `wlen` words: from the producers' copy of rd
 * first, and from rd itself (stored as the new copy) only when the copy
 * shows too little, so that a producer reads the consumer's line only near
 * full. Both give the same answer whenever the copy shows enough: a
 * newer rd can only add words at the far end of a contiguous run, never
 * move where the run starts (docs/design.md §4.1).
 */
@inline function freeSpace(cb: usize, wlen: u32): u32 {
  // With overwrite, drops move rd under the lock, in jumps: no copy.
  if (overwrites(cb)) return freeSpaceFrom(cb, rdIndex(cb));
  const fs = freeSpaceFrom(cb, load<u32>(cb, MP_RD_SEEN_OFF));
  if ((fs & 0x7fffffff) >= wlen) return fs;
  const rd2 = rdIndex(cb);
  store<u32>(cb, rd2, MP_RD_SEEN_OFF);
  return freeSpaceFrom(cb, rd2);
}

/** available: words that may hold something to claim. */
@inline function available(cb: usize): u32 {
  const tmpRd = tmpRdAt(cb);
  const wr = atomic.load<u32>(cb + MP_WR_OFF);
  const size = load<u32>(cb, MP_SIZE_OFF);
  if (span(cb, rdIndex(cb), atomic.load<u32>(cb + MP_TMP_WR_OFF)) == size || tmpRd > wr) return size - tmpRd;
  return wr - tmpRd;
}

/**
 * Words from rd to tmp_wr: claimed and uncommitted packets count. Exact,
 * where Zephyr's get_usage is one word short when tmp_wr is behind rd (a
 * deliberate deviation, docs/zephyr-semantics.md §2.9).
 */
@inline function usage(cb: usize): u32 {
  return span(cb, rdIndex(cb), atomic.load<u32>(cb + MP_TMP_WR_OFF));
}

@inline function maxUsageUpdate(cb: usize): void {
  if (load<u32>(cb, MP_FLAGS_OFF) & MP_FLAG_MAXUTIL) {
    const u = usage(cb);
    if (u > load<u32>(cb, MP_MAX_USAGE_OFF)) store<u32>(cb, u, MP_MAX_USAGE_OFF);
  }
}

@inline function tmpWrInc(cb: usize, n: u32): void {
  setTmpWr(cb, inc2(cb, load<u32>(cb, MP_TMP_WR_OFF), n));
}

@inline function skipHeader(n: u32): u32 {
  return (n << MP_HDR_USER_SHIFT) | MP_BUSY;
}

@inline function addSkip(cb: usize, n: u32): void {
  const tmpWr = pos(cb, load<u32>(cb, MP_TMP_WR_OFF));
  store<u32>(hdrAt(cb, tmpWr), skipHeader(n));
  setEntry(cb, tmpWr, MP_T_SKIP | n);
  tmpWrInc(cb, n);
  wrAdd(cb, n);
}

/** drop_item_locked: makes room at rd (docs/zephyr-semantics.md §2.5). */
function dropItemLocked(cb: usize, scr: usize, freeW: u32): u32 {
  const rd2 = rdIndex(cb);
  // Without overwrite the consumer may have freed everything since the
  // caller looked: then the entry at rd is stale, and there is room.
  if (rd2 == load<u32>(cb, MP_TMP_WR_OFF)) return DROP_AGAIN;
  const rd = pos(cb, rd2);
  // Atomic: commits publish entries outside the lock (the drop callback then reads the packet).
  const e = atomic.load<u32>(entryAddr(cb, rd));
  if ((e & MP_T_RESERVED) == MP_T_SKIP) {
    // A skip packet goes silently, in both modes.
    const next = inc2(cb, rd2, e & MP_T_LEN);
    if (overwrites(cb)) {
      store<u32>(consLine(cb), next, MP_CONS_RD_OFF);
      store<u32>(consLine(cb), pos(cb, next), MP_CONS_TMP_RD_OFF);
    } else {
      // The lock-free consumer may pass it at the same moment: one of the
      // two compare-exchanges (seq-cst) moves rd, and either way it moved.
      swapIf(cb, consLine(cb) + MP_CONS_RD_OFF, rd2, next);
    }
    return DROP_AGAIN;
  }
  if (!overwrites(cb)) return DROP_NONE;
  // From here on with overwrite: the consumer holds the lock for every access.
  const item = hdrAt(cb, rd);
  const h = load<u32>(item);
  const rdW = e & MP_T_LEN;
  // Uncommitted (or another producer's reservation): it can neither be dropped nor jumped over.
  if (e & MP_T_PENDING) return DROP_NONE;
  if (load<u32>(consLine(cb), MP_CONS_CLAIMED_OFF) == rd + 1) {
    // Claimed: jump over it, as if it had just been written.
    let ret = DROP_AGAIN;
    if (freeW != 0) addSkip(cb, freeW);
    wrAdd(cb, rdW);
    // Met the same claimed packet again after going round (#84595): give up.
    if (rd == load<u32>(consLine(cb), MP_CONS_TMP_RD_OFF)) {
      store<u32>(consLine(cb), idxInc(cb, load<u32>(consLine(cb), MP_CONS_TMP_RD_OFF), rdW), MP_CONS_TMP_RD_OFF);
      ret = DROP_NONE;
    }
    // tmp_wr = rd = tmp_rd, and FULL: tmp_wr a whole size ahead of rd.
    const tmpRd = load<u32>(consLine(cb), MP_CONS_TMP_RD_OFF);
    setTmpWr(cb, tmpRd + load<u32>(cb, MP_SIZE_OFF));
    store<u32>(consLine(cb), tmpRd, MP_CONS_RD_OFF);
    return ret;
  }
  // Committed and idle: drop it. Reserve its space (and the free gap before
  // it) by moving tmp_wr over both, so that no other producer allocates over
  // it or drops it again while the host notifies with the lock released;
  // post_drop_action returns the reservation at the next iteration. tmp_wr
  // then meets rd: FULL, as Zephyr sets it.
  const next = inc2(cb, rd2, rdW);
  store<u32>(consLine(cb), next, MP_CONS_RD_OFF);
  store<u32>(consLine(cb), pos(cb, next), MP_CONS_TMP_RD_OFF);
  const tmpWr2 = load<u32>(cb, MP_TMP_WR_OFF);
  const tmpWr = pos(cb, tmpWr2);
  if (freeW != 0) store<u32>(hdrAt(cb, tmpWr), 0); // an "invalid" header, as Zephyr writes
  const shift = rdW + freeW;
  // Until post_drop_action, the reserved area is neither claimable nor committable.
  setEntry(cb, tmpWr, MP_T_RESERVED | shift);
  store<u32>(scr, tmpWr2, MP_SCR_PREV_OFF);
  store<u32>(scr, shift, MP_SCR_SHIFT_OFF);
  store<u32>(scr, rd, MP_SCR_DROP_OFF);
  setTmpWr(cb, inc2(cb, tmpWr2, shift));
  store<u32>(item, h & ~MP_VALID); // the callback sees valid == 0
  store<u32>(cb, load<u32>(cb, MP_DROPPED_OFF) + 1, MP_DROPPED_OFF);
  return DROP_USER;
}

/** post_drop_action, if the previous iteration dropped a packet. */
@inline function postDrop(cb: usize, scr: usize): void {
  const shift = load<u32>(scr, MP_SCR_SHIFT_OFF);
  if (shift == 0) return;
  store<u32>(scr, 0, MP_SCR_SHIFT_OFF);
  const prev2 = load<u32>(scr, MP_SCR_PREV_OFF);
  if (inc2(cb, prev2, shift) == load<u32>(cb, MP_TMP_WR_OFF)) {
    // Nobody allocated meanwhile: undo the reservation (and so FULL).
    setTmpWr(cb, prev2);
    return;
  }
  // Another producer allocated after the reservation: skip the reserved area.
  const prev = pos(cb, prev2);
  store<u32>(hdrAt(cb, prev), skipHeader(shift));
  setEntry(cb, prev, MP_T_SKIP | shift);
  wrAdd(cb, shift);
}

/**
 * Runs a pending post_drop_action on its own: the host's way out of the loop
 * when a drop callback throws, so the reservation never outlives the call.
 */
export function mp_post_drop(cb: usize, scr: usize): i32 {
  if (!lock(cb)) return MP_R_BUSY;
  postDrop(cb, scr);
  unlock(cb);
  return 0;
}

/**
 * The end of an iteration with no room: drop (or wait, or fail). Returns the
 * step's result, or 0 to mean "iterate again". Called with the lock held;
 * returns with it released.
 */
@inline function noRoom(cb: usize, scr: usize, freeW: u32, mode: u32): i32 {
  if (mode == MP_MODE_WAIT) {
    // Zephyr waits on its semaphore here and never drops.
    unlock(cb);
    return MP_R_WAIT;
  }
  const r = dropItemLocked(cb, scr, freeW);
  if (r == DROP_NONE && mode == MP_MODE_PUT) store<u32>(cb, load<u32>(cb, MP_LOST_OFF) + 1, MP_LOST_OFF);
  unlock(cb);
  if (r == DROP_USER) return MP_R_DROPPED;
  return r == DROP_AGAIN ? 0 : MP_R_FAIL;
}

/**
 * The loop that mpsc_pbuf_alloc, put_word, put_word_ext and put_data share:
 * pad the tail with a skip packet when the request does not fit before the
 * end of storage (even if the allocation then fails), otherwise drop, wait or
 * fail. Returns the word offset of `wlen` free words at tmp_wr with the lock
 * HELD, or a negative step result with the lock released. (Zephyr's
 * put_word ignores the wrap flag; with one word that changes nothing, since
 * the space up to the end of storage is never 0 unless FULL.)
 */
@inline function reserve(cb: usize, scr: usize, wlen: u32, mode: u32): i32 {
  while (true) {
    // Busy: the pending post_drop_action stays in the scratch block for the next call.
    if (!lock(cb)) return MP_R_BUSY;
    postDrop(cb, scr);
    // Closed or aborted: no new packet, and a pending reservation was just
    // returned (docs/design.md §10). Line 0 is clean and cached: one load.
    if (atomic.load<u32>(cb + MP_STATE_OFF) != ST_OPEN) {
      unlock(cb);
      return MP_R_CLOSED;
    }
    const fs = freeSpace(cb, wlen);
    const f = fs & 0x7fffffff;
    if (f >= wlen) return <i32>pos(cb, load<u32>(cb, MP_TMP_WR_OFF));
    if (fs & 0x80000000) {
      addSkip(cb, f);
      unlock(cb);
      continue;
    }
    const r = noRoom(cb, scr, f, mode);
    if (r != 0) return r;
  }
}

/**
 * One call of mpsc_pbuf_alloc's loop, up to the next host action. Returns
 * the word offset of the new packet (its valid and busy bits cleared),
 * MP_R_DROPPED (the packet at scratch MP_SCR_DROP_OFF was dropped: notify and
 * call again), MP_R_WAIT (mode MP_MODE_WAIT only: wait for a free, call again),
 * MP_R_FAIL, or MP_R_CLOSED (closed or aborted: nothing changed). `wlen` is
 * from 1 to size (the host checks).
 */
export function mp_alloc(cb: usize, scr: usize, wlen: u32, mode: u32): i32 {
  const off = reserve(cb, scr, wlen, mode);
  if (off < 0) return off;
  const item = hdrAt(cb, off);
  store<u32>(item, load<u32>(item) & ~(MP_VALID | MP_BUSY));
  setEntry(cb, off, MP_T_PENDING | wlen); // what commit will insist on
  tmpWrInc(cb, wlen);
  unlock(cb);
  return off;
}

/**
 * mpsc_pbuf_commit. `wlen` is the custom length the host got from getWlen
 * before this call (Zephyr asks it before its lock), or 0 to read the header's length field
 * (only this producer writes its uncommitted header, so reading it here is
 * the same, and it spares the host a read and a check per commit).
 * Returns 0, or MP_R_BAD (nothing changed) when `off` is not an allocated,
 * uncommitted packet (its table entry pending), its header's valid or busy
 * bit is set, or `wlen` is not exactly what alloc granted.
 */
export function mp_commit(cb: usize, off: u32, wlen: u32): i32 {
  // The peak usage needs rd and tmp_wr as one: Zephyr's critical section.
  // Otherwise the entry's compare-exchanges below are the whole commit.
  const locked = (load<u32>(cb, MP_FLAGS_OFF) & MP_FLAG_MAXUTIL) != 0;
  if (locked && !lock(cb)) return MP_R_BUSY;
  if (off >= load<u32>(cb, MP_SIZE_OFF)) {
    if (locked) unlock(cb);
    return MP_R_BAD;
  }
  const item = hdrAt(cb, off);
  const h = load<u32>(item);
  if (wlen == 0) wlen = (h >>> MP_HDR_USER_SHIFT) & load<u32>(cb, MP_LEN_MASK_OFF);
  const pending = MP_T_PENDING | wlen;
  const entry = entryAddr(cb, off);
  // The table's pending entry is the only proof of an allocation, and its length the only one followed.
  if (atomic.load<u32>(entry) != pending || (h & (MP_VALID | MP_BUSY)) != 0) {
    if (locked) unlock(cb);
    return MP_R_BAD;
  }
  // The header first: a consumer or a dropper that sees the entry committed sees it valid.
  store<u32>(item, h | MP_VALID);
  // With overwrite, claims and drops decide under the lock from wr
  // (available()), which must count every committed entry: count first,
  // behind a reservation entry that both read as "not committed yet".
  const first = overwrites(cb) ? MP_T_RESERVED | wlen : wlen;
  if (swapIf(cb, entry, pending, first) != pending) {
    // Lost only to a rival commit of the same packet from another thread,
    // which wrote the same header: that one counts, this one is refused.
    if (locked) unlock(cb);
    return MP_R_BAD;
  }
  wrAdd(cb, wlen);
  // Seq-cst either way: publishes the packet's words to the consumer's atomic load.
  if (first != wlen) publish(cb, entry, wlen);
  if (locked) {
    maxUsageUpdate(cb);
    unlock(cb);
  }
  wake(cb, MP_COMMITS_OFF, MP_CONS_WAITERS_OFF, MP_COMMITS_WOKEN_OFF);
  return 0;
}

/**
 * The second half of put_data: the host reserved `wlen` words with mp_alloc
 * (mode MP_MODE_PUT) and copied the payload; this writes the header word and
 * publishes the packet as put_data's critical section does.
 */
export function mp_put_finish(cb: usize, off: u32, wlen: u32, header: u32): i32 {
  if (!lock(cb)) return MP_R_BUSY;
  store<u32>(hdrAt(cb, off), header);
  publishEntry(cb, off, wlen);
  wrAdd(cb, wlen);
  maxUsageUpdate(cb);
  unlock(cb);
  wake(cb, MP_COMMITS_OFF, MP_CONS_WAITERS_OFF, MP_COMMITS_WOKEN_OFF);
  return 0;
}

/** The end of put_word/put_word_ext: the packet at tmp_wr is written; publish it. Releases the lock. */
@inline function putDone(cb: usize, off: u32, wlen: u32): i32 {
  setEntry(cb, off, wlen);
  tmpWrInc(cb, wlen);
  wrAdd(cb, wlen);
  maxUsageUpdate(cb);
  unlock(cb);
  wake(cb, MP_COMMITS_OFF, MP_CONS_WAITERS_OFF, MP_COMMITS_WOKEN_OFF);
  return 0;
}

/**
 * One call of mpsc_pbuf_put_word's loop. Returns 0 (stored), MP_R_DROPPED
 * (notify and call again), MP_R_FAIL (no room: the word is lost and counted)
 * or MP_R_CLOSED (closed or aborted: nothing stored, nothing counted).
 */
export function mp_put_word(cb: usize, scr: usize, word: u32): i32 {
  const off = reserve(cb, scr, 1, MP_MODE_PUT);
  if (off < 0) return off;
  store<u32>(hdrAt(cb, off), word);
  return putDone(cb, off, 1);
}

/** One call of mpsc_pbuf_put_word_ext's loop (2 words, as on wasm32); results as mp_put_word. */
export function mp_put_word_ext(cb: usize, scr: usize, word: u32, ext: u32): i32 {
  const off = reserve(cb, scr, 2, MP_MODE_PUT);
  if (off < 0) return off;
  const item = hdrAt(cb, off);
  store<u32>(item, word);
  store<u32>(item, ext, 4);
  return putDone(cb, off, 2);
}

/** Marks the committed packet at `off` claimed (its header busy, as Zephyr does). */
@inline function claimAt(cb: usize, off: u32): i32 {
  const item = hdrAt(cb, off);
  store<u32>(item, load<u32>(item) | MP_BUSY);
  store<u32>(consLine(cb), off + 1, MP_CONS_CLAIMED_OFF);
  return <i32>off;
}

/**
 * claim without overwrite, with no lock: only this consumer moves rd,
 * except a producer passing a skip packet at rd (with a compare-exchange).
 * tmp_rd is rd here (no claim is outstanding). The region to look at,
 * rd to tmp_wr, is read from the consumer's copy of tmp_wr, and from
 * tmp_wr itself only when the copy is used up. Equivalent to Zephyr's
 * available() test: what lies before tmp_wr and after the first pending
 * packet is never claimed either way (docs/design.md §4.1).
 */
@inline function claimNoLock(cb: usize): i32 {
  // Seq-cst loads throughout: they pair with tmp_wr's and the entries' stores.
  let rd2 = rdIndex(cb);
  let end2 = load<u32>(consLine(cb), MP_CONS_TMP_WR_SEEN_OFF);
  const size = load<u32>(cb, MP_SIZE_OFF);
  while (true) {
    // The copy is used up (0), or behind rd (over size), when a producer passed a skip at rd.
    const ahead = span(cb, rd2, end2);
    if (ahead == 0 || ahead > size) {
      end2 = atomic.load<u32>(cb + MP_TMP_WR_OFF);
      store<u32>(consLine(cb), end2, MP_CONS_TMP_WR_SEEN_OFF);
      if (end2 == rd2) return MP_R_NONE;
    }
    const rd = pos(cb, rd2);
    const e = atomic.load<u32>(entryAddr(cb, rd));
    // rd unchanged since it was read, so the entry is of this lap (a
    // producer that passed a skip at rd may reuse its words at once).
    const now = rdIndex(cb);
    if (now != rd2) {
      rd2 = now;
      continue;
    }
    // Nothing, or an uncommitted packet first.
    if (e & MP_T_PENDING) return MP_R_NONE;
    if (e & MP_T_SKIP) {
      const next = inc2(cb, rd2, e & MP_T_LEN);
      const seen = swapIf(cb, consLine(cb) + MP_CONS_RD_OFF, rd2, next);
      rd2 = seen == rd2 ? next : seen;
      continue;
    }
    return claimAt(cb, rd);
  }
}

/** claim with overwrite, under the lock: Zephyr's, from tmp_rd. */
@inline function claimLocked(cb: usize): i32 {
  while (true) {
    const a = available(cb);
    const tmpRd = load<u32>(consLine(cb), MP_CONS_TMP_RD_OFF);
    // Atomic: commits publish entries outside the lock.
    const e = a != 0 ? atomic.load<u32>(entryAddr(cb, tmpRd)) : MP_T_PENDING;
    // Nothing, or an uncommitted packet (or a reservation, or a commit under way) first.
    if (e & MP_T_PENDING) return MP_R_NONE;
    if (e & MP_T_SKIP) {
      // Zephyr drops and retakes the lock here; nothing outside can need it
      // between two skips, so we keep it.
      const inc = e & MP_T_LEN;
      store<u32>(consLine(cb), idxInc(cb, tmpRd, inc), MP_CONS_TMP_RD_OFF);
      store<u32>(consLine(cb), inc2(cb, rdIndex(cb), inc), MP_CONS_RD_OFF);
      continue;
    }
    store<u32>(consLine(cb), idxInc(cb, tmpRd, e & MP_T_LEN), MP_CONS_TMP_RD_OFF);
    return claimAt(cb, tmpRd);
  }
}

/**
 * mpsc_pbuf_claim: the oldest committed packet, marked busy, or MP_R_NONE;
 * skip packets on the way are consumed silently. MP_R_CLAIMED (nothing
 * changed) while a claim is outstanding: Zephyr allows one at a time.
 */
export function mp_claim(cb: usize): i32 {
  if (!overwrites(cb)) {
    if (load<u32>(consLine(cb), MP_CONS_CLAIMED_OFF) != 0) return MP_R_CLAIMED;
    return claimNoLock(cb);
  }
  if (!lock(cb)) return MP_R_BUSY;
  const r = load<u32>(consLine(cb), MP_CONS_CLAIMED_OFF) != 0 ? MP_R_CLAIMED : claimLocked(cb);
  unlock(cb);
  return r;
}

/**
 * mpsc_pbuf_free of the claimed packet at `off`; MP_R_BAD (nothing
 * changed) if `off` is not the outstanding claim. Without overwrite, no
 * lock: the claimed packet is at rd, and only this consumer moves rd past it.
 */
export function mp_free(cb: usize, off: u32): i32 {
  const locked = overwrites(cb);
  if (locked && !lock(cb)) return MP_R_BUSY;
  if (load<u32>(consLine(cb), MP_CONS_CLAIMED_OFF) != off + 1) {
    if (locked) unlock(cb);
    return MP_R_BAD;
  }
  const wlen = wlenAt(cb, off);
  const item = hdrAt(cb, off);
  const h = load<u32>(item) & ~MP_VALID;
  const rd2 = rdIndex(cb);
  if (!locked || off == pos(cb, rd2)) {
    store<u32>(item, h & ~MP_BUSY);
    // The writers went round right up to the claimed packet: the freed
    // packet is now the only free space.
    if (locked && off == load<u32>(consLine(cb), MP_CONS_TMP_RD_OFF)) {
      store<u32>(consLine(cb), idxInc(cb, off, wlen), MP_CONS_TMP_RD_OFF);
    }
    // Seq-cst: the words were read before; producers may now reuse them.
    publish(cb, consLine(cb) + MP_CONS_RD_OFF, inc2(cb, rd2, wlen));
  } else {
    // A producer jumped over this packet while it was claimed: it becomes a
    // skip packet, passed over later.
    store<u32>(item, skipHeader(wlen));
    setEntry(cb, off, MP_T_SKIP | wlen);
  }
  store<u32>(consLine(cb), 0, MP_CONS_CLAIMED_OFF);
  if (locked) unlock(cb);
  // Allocators asleep are woken (every one, each to retry its size) only
  // once at most half the storage is in use: one wake-up per half buffer,
  // not one futex call and one context switch per packet. A sleeper this
  // skips is woken by the consumer when it runs dry, or wakes by itself
  // within MP_SPACE_SLICE_MS (mpsc-pbuf.ts). The seq-cst load of the
  // count comes after rd's store or the unlock, as wake() needs; usage
  // (the producers' line) is read only when someone sleeps.
  if (atomic.load<u32>(cb + MP_WAITERS_OFF) != 0 && usage(cb) <= load<u32>(cb, MP_SIZE_OFF) >>> 1) {
    wake(cb, MP_SEM_OFF, MP_WAITERS_OFF, MP_SEM_WOKEN_OFF);
  }
  return 0;
}

/** mpsc_pbuf_is_pending: 1 if something may be claimable (skips count). */
export function mp_is_pending(cb: usize): i32 {
  if (!lock(cb)) return MP_R_BUSY;
  const a = available(cb);
  unlock(cb);
  return a != 0 ? 1 : 0;
}

/** Current usage in words, from rd to tmp_wr (mpsc_pbuf_get_utilization, exact). */
export function mp_usage(cb: usize): i32 {
  if (!lock(cb)) return MP_R_BUSY;
  const u = usage(cb);
  unlock(cb);
  return <i32>u;
}

/** Peak usage in words since init (mpsc_pbuf_get_max_utilization, with MP_FLAG_MAXUTIL). */
export function mp_max_usage(cb: usize): i32 {
  if (!lock(cb)) return MP_R_BUSY;
  const u = load<u32>(cb, MP_MAX_USAGE_OFF);
  unlock(cb);
  return <i32>u;
}

/**
 * Words between the claim frontier and the allocation frontier: packets
 * allocated (committed or not) and not yet claimed, with any skip packets
 * among them. On a closed buffer, 0 is end-of-stream (docs/design.md §10).
 */
export function mp_unclaimed(cb: usize): i32 {
  if (!lock(cb)) return MP_R_BUSY;
  const tmpRd = tmpRdAt(cb);
  const tmpWr2 = atomic.load<u32>(cb + MP_TMP_WR_OFF);
  const tmpWr = pos(cb, tmpWr2);
  const size = load<u32>(cb, MP_SIZE_OFF);
  let u: u32 = tmpWr >= tmpRd ? tmpWr - tmpRd : size - tmpRd + tmpWr;
  // Equal frontiers when full: the whole storage is allocated and unclaimed.
  if (u == 0 && span(cb, rdIndex(cb), tmpWr2) == size) u = size;
  unlock(cb);
  return <i32>u;
}

// The heap's lock: one word of the heap header that every thread takes
// before it reads or changes the block chain (heap.ts). Critical sections
// are short (a walk of the chain, a few header stores, now and then a
// memory.grow), so a thread spins briefly first; then, where it may block,
// it sleeps in Atomics.wait; a browser's main thread, which may not, spins on.
//
// Why no wake-up is lost: a sleeper adds itself to HEAP_WAITERS_OFF before
// its last compare-exchange and sleeps only while the lock word still reads
// 1; unlock stores 0, then reads the count. All four are sequentially
// consistent, so either unlock's read sees the sleeper's add (and notifies),
// or the add comes after that read, hence after the store of 0, and the
// sleeper's compare-exchange (or its wait, which compares first) sees 0.
// An uncontended unlock is one store and one load: no notify.

import { HEAP_LOCK_OFF, HEAP_WAITERS_OFF } from '../assembly/layout.js';
import { canBlock, isSharedView } from './wait.js';

const LOCK = HEAP_LOCK_OFF >> 2;
const WAITERS = HEAP_WAITERS_OFF >> 2;
/** Compare-exchanges tried before a thread that may block goes to sleep. */
const SPINS = 100;

/** @internal Takes the heap lock of the memory under `i32`. */
export function lockHeap(i32: Int32Array): void {
  // Acquire: a seq-cst compare-exchange, paired with unlockHeap's store, so
  // the holder sees every header the previous holder wrote.
  for (let i = 0; i < SPINS; i++) if (Atomics.compareExchange(i32, LOCK, 0, 1) === 0) return;
  if (!isSharedView(i32) || !canBlock()) {
    // An unshared memory has no other thread to wait for; a thread that may
    // not block spins (the holder is inside a short critical section).
    while (Atomics.compareExchange(i32, LOCK, 0, 1) !== 0);
    return;
  }
  Atomics.add(i32, WAITERS, 1);
  try {
    while (Atomics.compareExchange(i32, LOCK, 0, 1) !== 0) Atomics.wait(i32, LOCK, 1);
  } finally {
    Atomics.sub(i32, WAITERS, 1);
  }
}

/** @internal Releases the heap lock; wakes one sleeper if any is counted. */
export function unlockHeap(i32: Int32Array): void {
  // Release: the seq-cst store publishes every header written while held.
  Atomics.store(i32, LOCK, 0);
  if (Atomics.load(i32, WAITERS) !== 0) Atomics.notify(i32, LOCK, 1);
}

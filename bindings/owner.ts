// One producer handle and one consumer handle at a time (issue 17, items 8
// and 9). Two handles that both produce into one ring garble it: each keeps
// its own staged bytes and claims, and two threads race on the producer's
// private indices. So each side a handle can own has an owner word in the
// control block (assembly/layout.ts: RB_PRODUCER_OWNER_OFF,
// RB_CONSUMER_OWNER_OFF, MP_CONSUMER_OWNER_OFF) holding the token of the
// handle that owns it, 0 when free. A handle takes a side with one
// compare-exchange on that side's first operation, and gives it back by
// storing 0 (close, releaseSides). MpscPbuf's producers are many by design:
// only its consumer side is owned.
//
// Ordering: the take and the release are sequentially consistent atomics on
// the owner word, a lock hand-off: everything the old owner wrote (its
// private indices, its copies into storage) comes before its release, and
// the new owner's take reads that release, so the new owner sees it all.
// A close stores the state before its release, so a handle that takes the
// producer side after a close sees the ring closed.

import { HEAP_OWNER_SEQ_OFF } from '../assembly/layout.js';
import type { Views } from './views.js';

/**
 * A side of a buffer that one handle at a time may use.
 * @example
 * ```ts
 * const side: BufferSide = 'consumer';
 * ```
 */
export type BufferSide = 'producer' | 'consumer';

/**
 * Thrown when a handle uses a side of a buffer that another handle owns, in
 * this thread or another: a RingBuf or ItemRingBuf has one producer handle
 * and one consumer handle at a time, an MpscPbuf one consumer handle (and
 * any number of producers). The call changed nothing.
 * @example
 * ```ts
 * const a = RingBuf.attach(engine, desc);
 * const b = RingBuf.attach(engine, desc);
 * a.put(bytes);
 * try { b.put(bytes); } catch (e) { if (e instanceof SideOwnedError) console.log(e.side); }   // 'producer'
 * ```
 */
export class SideOwnedError extends Error {
  /** The side that another handle owns. */
  readonly side: BufferSide;

  /** @internal */
  constructor(type: string, side: BufferSide) {
    const release =
      side === 'producer' ? 'close(), release() or [Symbol.dispose]()' : 'release() or [Symbol.dispose]()';
    super(
      `${type}: the ${side} side is owned by another handle (in this thread or another); a buffer has one ` +
        `${side} handle at a time. That handle releases it with ${release}.`,
    );
    this.name = 'SideOwnedError';
    this.side = side;
  }
}

/**
 * @internal A new owner token for a handle on the memory behind `v`: a
 * counter in the heap header, so no two handles of one memory, in any
 * thread or engine, get the same token (until 2^32 handles). Never 0.
 */
export function ownerToken(v: Views): number {
  v.sync();
  for (;;) {
    const token = (Atomics.add(v.u32, HEAP_OWNER_SEQ_OFF >> 2, 1) + 1) >>> 0;
    if (token !== 0) return token;
  }
}

/** @internal One side's owner word, seen by one handle, and whether this handle owns the side. */
export class SideOwner {
  /** Whether this handle owns the side: known here, so that operations need no atomic to tell. */
  held = false;
  private readonly views: Views;
  private readonly word: number;
  private readonly token: number;
  private readonly type: string;
  private readonly side: BufferSide;

  /** Over the owner word at byte address `at`; `token` is the handle's (ownerToken). */
  constructor(views: Views, type: string, side: BufferSide, at: number, token: number) {
    this.views = views;
    this.type = type;
    this.side = side;
    this.word = at >>> 2;
    this.token = token;
  }

  /** Takes the side for this handle, or throws SideOwnedError (the word is unchanged). */
  take(): void {
    if (!this.tryTake()) throw new SideOwnedError(this.type, this.side);
  }

  /** Takes the side unless another handle owns it; returns whether this handle owns it now. */
  tryTake(): boolean {
    if (this.held) return true;
    const v = this.views;
    v.sync();
    // Seq-cst: reading 0 here reads the previous owner's release (see the top of this file).
    const was = Atomics.compareExchange(v.u32, this.word, 0, this.token);
    this.held = was === 0 || was === this.token;
    return this.held;
  }

  /** Throws SideOwnedError if another handle owns the side (for reset, which takes nothing). */
  checkNotElsewhere(): void {
    const v = this.views;
    v.sync();
    const owner = Atomics.load(v.u32, this.word);
    if (owner !== 0 && owner !== this.token) throw new SideOwnedError(this.type, this.side);
  }

  /** Gives the side back if this handle owns it; the caller has settled what it kept of it first. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    const v = this.views;
    v.sync();
    // Seq-cst, and only our own token: everything this handle wrote comes before it.
    Atomics.compareExchange(v.u32, this.word, this.token, 0);
  }
}

// How a block of the heap reaches a buffer class's constructor: as a ticket
// that only the bindings can make, after placing a block (new buffers) or
// after proving a descriptor names a live one and adding a holder to it
// (attach). A constructor's third argument is such a ticket or nothing, so
// `new RingBuf(engine, 64, 0)` is refused instead of taking address 0.

import type { Engine } from './engine.js';
import { type Block, heapPlace, heapRelease } from './heap.js';

/** Tickets made and not yet used: each one is good for one handle. */
const issued = new WeakSet<Block>();

/** @internal Makes `block` (one holder already counted for it) a ticket a constructor accepts once. */
export function ticket(block: Block): Block {
  const t = Object.freeze({ address: block.address, generation: block.generation });
  issued.add(t);
  return t;
}

/**
 * @internal The block of a ticket from {@link ticket}, which is then used up.
 * @throws TypeError for anything else, naming the constructor's arguments.
 */
export function redeem(t: unknown, type: string, args: string): Block {
  if (typeof t !== 'object' || t === null || !issued.has(t as Block)) {
    throw new TypeError(`${type} takes (${args}): to use an existing buffer, call ${type}.attach(engine, descriptor)`);
  }
  issued.delete(t as Block);
  return t as Block;
}

/** @internal Places a block of `bytes` bytes of `kind` for one handle (heap.ts), zeroing `zeroBytes` of it. */
export function placeBlock(engine: Engine, kind: number, bytes: number, zeroBytes: number, what: string): Block {
  return heapPlace(engine.views, kind, bytes, zeroBytes, what);
}

/** @internal Lets go of one holder of `block`; the last one frees it (heap.ts). */
export function releaseBlock(engine: Engine, block: Block): void {
  heapRelease(engine.views, block);
}

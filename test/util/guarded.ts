// A buffer under test between two guard buffers, and the check that a call
// changed nothing outside the span they fence: the guards, every other
// buffer and the heap header must stay byte for byte as they were.
import { expect } from 'vitest';
import { type Engine, RingBuf } from '../../dist/bindings/index.js';

/** The buffer `make` places, fenced by a guard RingBuf before and after it. */
export interface Guarded<T> {
  target: T;
  /** [lo, hi): the bytes the target (with any per-engine area it placed) may change. */
  lo: number;
  hi: number;
  guards: [RingBuf, RingBuf];
}

/** Places guard, target, guard; the guards are filled with a pattern so that a stray write shows. */
export function guarded<T>(engine: Engine, make: () => T): Guarded<T> {
  const before = new RingBuf(engine, 256);
  const lo = before.storageAddress + 256;
  const target = make();
  const after = new RingBuf(engine, 256);
  for (const g of [before, after]) g.put(Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 255));
  return { target, lo, hi: after.address, guards: [before, after] };
}

/** A copy of the whole memory. */
export function memoryCopy(engine: Engine): Uint8Array {
  return new Uint8Array(engine.memory.buffer).slice();
}

/** The first address outside [lo, hi) where the memory differs from `before`, or -1. */
export function firstChangeOutside(engine: Engine, before: Uint8Array, lo: number, hi: number): number {
  const now = new Uint8Array(engine.memory.buffer);
  if (now.length !== before.length) return Math.min(now.length, before.length);
  for (let i = 0; i < now.length; i++) if (now[i] !== before[i] && (i < lo || i >= hi)) return i;
  return -1;
}

/** Asserts that nothing outside the fenced span changed since `before`. */
export function expectFenced(engine: Engine, before: Uint8Array, g: Guarded<unknown>, what: string): void {
  expect(firstChangeOutside(engine, before, g.lo, g.hi), `${what}: a byte outside the buffer changed`).toBe(-1);
}

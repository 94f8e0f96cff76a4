// Argument checks shared by every public class. Each throws before the
// buffer is touched, so a rejected call leaves the buffer as it was, and each
// message names the argument, the limit and what was passed.

import { EINVAL } from '../assembly/layout.js';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return String(v);
}

/** @internal Returns `v` if it is an integer in [min, max]; throws a TypeError or RangeError naming `name` otherwise. */
export function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

/** @internal Returns `v` if it is a Uint8Array (Node's Buffer included); throws a TypeError otherwise. */
export function checkBytes(name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array, got ${describe(v)}`);
  return v;
}

/** @internal Returns `v` if it is a Uint32Array; throws a TypeError otherwise. */
export function checkWords(name: string, v: unknown): Uint32Array {
  if (!(v instanceof Uint32Array)) throw new TypeError(`${name} must be a Uint32Array, got ${describe(v)}`);
  return v;
}

/**
 * @internal Checks a [start, end) window of an array of `length` elements.
 * Small enough to inline; the messages (and their strings) are built only
 * for a bad window, so a good one allocates nothing.
 */
export function checkWindow(name: string, length: number, start: unknown, end: unknown): void {
  // The whole array, the common call, first.
  if (start === 0 && end === length) return;
  if (
    Number.isInteger(start) &&
    Number.isInteger(end) &&
    (start as number) >= 0 &&
    (start as number) <= (end as number) &&
    (end as number) <= length
  )
    return;
  throwWindow(name, length, start, end);
}

/** Throws the error of a bad window: one of the two checks fails. */
function throwWindow(name: string, length: number, start: unknown, end: unknown): void {
  checkInt(`${name} start`, start, 0, length);
  checkInt(`${name} end`, end, start as number, length);
}

/** @internal The RangeError of a finish beyond the claim; `errno` is Zephyr's -EINVAL. */
export function finishError(side: string, n: number, claimed: number): RangeError {
  const e = new RangeError(`n must be at most the ${claimed} bytes of outstanding ${side} claims, got ${n}`);
  (e as RangeError & { errno: number }).errno = -EINVAL;
  return e;
}

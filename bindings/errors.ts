// Argument checks shared by every public class. Each throws before the
// buffer is touched, so a rejected call leaves the buffer as it was, and each
// message names the argument, the limit and what was passed.

import { EINVAL } from '../assembly/layout.js';
import { trueLength, typedKind } from './typed.js';

/** @internal A short description of `v` for an error message; never throws, whatever `v` is. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') {
    // A getter or a proxy trap may throw, and Object.create(null) has no constructor.
    let name: unknown;
    try {
      name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    } catch {
      name = undefined;
    }
    const what = typeof name === 'string' && name !== '' ? name : 'object';
    return `${/^[AEIOUaeiou]/.test(what) ? 'an' : 'a'} ${what}`;
  }
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

/**
 * @internal Returns the true length of `v` if it is a Uint8Array (Node's
 * Buffer included); throws a TypeError otherwise. Both read the view's
 * internal slots (typed.ts): a forged object or a shadowed `length` cannot pass.
 */
export function checkBytes(name: string, v: unknown): number {
  if (typedKind(v) !== 'Uint8Array') throw new TypeError(`${name} must be a Uint8Array, got ${describe(v)}`);
  return trueLength(v as Uint8Array);
}

/**
 * @internal {@link checkBytes} for an array that a Placement already knows
 * (`known`: its last array, checked then): only the length is read again.
 */
export function checkBytesAgain(name: string, v: unknown, known: unknown): number {
  return v === known && known !== null ? trueLength(v as Uint8Array) : checkBytes(name, v);
}

/** @internal Returns the true length of `v` if it is a Uint32Array; throws a TypeError otherwise (see {@link checkBytes}). */
export function checkWords(name: string, v: unknown): number {
  if (typedKind(v) !== 'Uint32Array') throw new TypeError(`${name} must be a Uint32Array, got ${describe(v)}`);
  return trueLength(v as Uint32Array);
}

/** @internal {@link checkBytesAgain} for Uint32Arrays. */
export function checkWordsAgain(name: string, v: unknown, known: unknown): number {
  return v === known && known !== null ? trueLength(v as Uint32Array) : checkWords(name, v);
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

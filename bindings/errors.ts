// Argument checks shared by every public class. Each throws before the
// buffer is touched, so a rejected call leaves the buffer as it was, and each
// message names the argument, the limit and what was passed.

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  return String(v);
}

/** Returns `v` if it is an integer in [min, max]; throws a TypeError or RangeError naming `name` otherwise. */
export function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

/** Returns `v` if it is a Uint8Array (Node's Buffer included); throws a TypeError otherwise. */
export function checkBytes(name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array, got ${describe(v)}`);
  return v;
}

/** Returns `v` if it is a Uint32Array; throws a TypeError otherwise. */
export function checkWords(name: string, v: unknown): Uint32Array {
  if (!(v instanceof Uint32Array)) throw new TypeError(`${name} must be a Uint32Array, got ${describe(v)}`);
  return v;
}

/** Checks an optional [start, end) window of an array of `length` elements. */
export function checkWindow(name: string, length: number, start: unknown, end: unknown): void {
  checkInt(`${name} start`, start, 0, length);
  checkInt(`${name} end`, end, start as number, length);
}

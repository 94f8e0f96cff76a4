// What a handle becomes once released: the same object with another
// prototype, on which every method and getter throws BufferFreedError, and
// `release` and `[Symbol.dispose]` do nothing (both are idempotent). Live handles never
// check anything: the check is the prototype itself, so the hot paths cost
// what they cost before (bench/README.md, "release()").

import { DISPOSE } from './lifecycle.js';

/**
 * Thrown by every method and getter of a handle after its `release()` (or
 * `[Symbol.dispose]`): the handle let go of its buffer, whose memory may
 * already hold another one.
 * @example
 * ```ts
 * rb.release();
 * try { rb.put(bytes); } catch (e) { if (e instanceof BufferFreedError) console.log(e.message); }
 * // "RingBuf handle was freed by release(): it can no longer be used (…)"
 * ```
 */
export class BufferFreedError extends Error {
  /** @internal */
  constructor(type: string) {
    super(
      `${type} handle was freed by release(): it can no longer be used (attach a new handle from a live descriptor)`,
    );
    this.name = 'BufferFreedError';
  }
}

const freedOf = new WeakMap<object, object>();
const noop = (): void => {};

/** @internal The prototype a freed handle of prototype `proto` takes (one per class, made once). */
export function freedPrototype(proto: object): object {
  let freed = freedOf.get(proto);
  if (freed !== undefined) return freed;
  freed = Object.create(proto) as object;
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Reflect.ownKeys(p)) {
      if (key === 'constructor' || key === 'release' || key === DISPOSE || Object.hasOwn(freed, key)) continue;
      Object.defineProperty(freed, key, {
        get(this: { type?: string }): never {
          throw new BufferFreedError(this.type ?? 'buffer');
        },
        configurable: true,
      });
    }
  }
  Object.defineProperty(freed, 'release', { value: noop, configurable: true, writable: true });
  Object.defineProperty(freed, DISPOSE, { value: noop, configurable: true, writable: true });
  freedOf.set(proto, freed);
  return freed;
}

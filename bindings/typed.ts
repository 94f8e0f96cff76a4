// Typed arrays read through the engine's own accessors. A caller's array can
// shadow `length`, `buffer`, `byteOffset` or `subarray` (an own property, a
// subclass, or an object that only borrows Uint8Array.prototype), so the
// bindings never read those properties: they call %TypedArray%.prototype's
// getters, captured here at load, which read the view's internal slots.

const TA_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;

function getter<T>(key: PropertyKey): (this: unknown) => T {
  return (Reflect.getOwnPropertyDescriptor(TA_PROTO, key) as PropertyDescriptor).get as (this: unknown) => T;
}

const tagOf = getter<string | undefined>(Symbol.toStringTag);
const lengthOf = getter<number>('length');
const bufferOf = getter<ArrayBufferLike>('buffer');
const byteOffsetOf = getter<number>('byteOffset');

/** @internal The element type of a typed array ('Uint8Array', …; Node's Buffer is one), or undefined for anything else. */
export function typedKind(v: unknown): string | undefined {
  return tagOf.call(v);
}

/** @internal The true length of the typed array `a`, in elements (its `length` property may lie). */
export function trueLength(a: ArrayBufferView): number {
  return lengthOf.call(a);
}

/** @internal The true buffer of the typed array `a`. */
export function trueBuffer(a: ArrayBufferView): ArrayBufferLike {
  return bufferOf.call(a);
}

/** @internal The true byte offset of the typed array `a` in its buffer. */
export function trueByteOffset(a: ArrayBufferView): number {
  return byteOffsetOf.call(a);
}

const setIn = (TA_PROTO as { set: (this: unknown, src: ArrayLike<number>, at: number) => void }).set;

/** @internal `dst.set(src, at)`, by the intrinsic method (a subclass may override `set`). */
export function setInto(dst: ArrayBufferView, src: ArrayBufferView, at: number): void {
  setIn.call(dst, src as unknown as ArrayLike<number>, at);
}

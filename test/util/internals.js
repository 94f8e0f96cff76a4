// The engine members the library marks @internal (stripped from the shipped
// types), which white-box tests and the benchmarks reach on purpose. Plain JS
// with JSDoc types, so that bench/ (run by node as is) imports it too.

/** @typedef {import('../../bindings/core.js').Core} Core */

/**
 * An engine's core and heap, as the bindings see them.
 * @typedef {object} EngineInternals
 * @property {Core} core the core's functions
 * @property {(bytes: number, what: string) => number} alloc places `bytes` bytes, 64-byte aligned, in the
 *   memory (growing it when needed); `what` names them in the RangeError when they cannot fit
 */

/**
 * The @internal side of `engine`.
 * @param {import('../../dist/bindings/index.js').Engine} engine
 * @returns {EngineInternals}
 * @example const at = internals(engine).alloc(64, 'scratch');
 */
export function internals(engine) {
  return /** @type {EngineInternals} */ (/** @type {unknown} */ (engine));
}

/**
 * Makes `handle` give back the sides of its buffer it owns, as free() does
 * (@internal releaseSides), so that a test can pass a side from one handle
 * to another: a buffer has one producer handle and one consumer handle at a time.
 * @param {import('../../dist/bindings/index.js').Handle} handle
 * @example releaseSides(a); b.put(bytes);   // the producer side passes from a to b
 */
export function releaseSides(handle) {
  /** @type {{ releaseSides(): void }} */ (/** @type {unknown} */ (handle)).releaseSides();
}

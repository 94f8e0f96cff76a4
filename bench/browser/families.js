// The benchmark families a browser can run, by name (a case id's first word):
// the bench's own single-thread families as they are, and a Web Worker
// version of the cross-thread one (its cases use node:worker_threads).
// stream.* is left out: its cases are Node streams (node:stream, pino's
// thread-stream). Loaded on demand, so that a worker loads only its family.

/**
 * A case as bench/README.md ("Adding a family") defines it.
 * @typedef {{ id: string, title?: string, size: number, bytesPerOp: number, notes?: Record<string, string>,
 *   clock?: string, impls: Record<string, () => Promise<Step | Made | { unavailable: string }>> }} BenchCase
 * @typedef {{ step: Step, close?: () => unknown, warning?: () => string | null }} Made
 * @typedef {(n: number) => unknown} Step a checksum, or a Promise of one
 */

/** @type {Record<string, () => Promise<{ default: BenchCase[] }>>} */
export const FAMILIES = {
  bytes: () => import('../cases/bytes.js'),
  items: () => import('../cases/items.js'),
  mpsc: () => import('../cases/mpsc.js'),
  xthread: () => import('./cases/xthread.js'),
};

/** Families of the Node bench that a browser cannot run, and why (shown on the page). */
export const LEFT_OUT = {
  'stream.*': 'Node streams (node:stream, thread-stream): no browser equivalent here',
};

/**
 * The cases of `family`, or of every family; `memory` ('shared' or
 * 'unshared') is read by the cases when their module first loads.
 * @param {string} memory
 * @param {string} [family]
 * @returns {Promise<BenchCase[]>}
 * @example const cases = await loadCases('shared');
 */
export async function loadCases(memory, family) {
  globalThis.WRB_BENCH_MEMORY = memory;
  const names = family === undefined ? Object.keys(FAMILIES) : [family];
  const mods = await Promise.all(
    names.map((name) => {
      const load = FAMILIES[name];
      if (load === undefined)
        throw new Error(`no browser family ${name} (families: ${Object.keys(FAMILIES).join(', ')})`);
      return load();
    }),
  );
  return mods.flatMap((m) => m.default);
}

// The `multithreading` package (npm, a bench peer) in the bench's own
// Workers: whether this runtime can load it, and how one of its channel's
// Senders crosses to a Worker we started. The package moves a Sender only
// into its own pool (`spawn(move(tx), fn)`), whose worker a bundle cannot
// find in a browser; so the Sender goes as the package's own wire form (what
// its pool posts), through the serialize/deserialize methods it keys by
// symbols it does not export (looked up by their names, on the exact version
// package.json pins).

/**
 * Why this runtime cannot load the package, or null when it can: 0.3.52
 * reads `navigator` when its module loads and calls `Promise.withResolvers`
 * (node 22+; node 20 has neither).
 * @returns {string | null}
 */
export function multithreadingUnavailable() {
  const missing = [
    ...(typeof globalThis.navigator === 'undefined' ? ['navigator'] : []),
    ...(!('withResolvers' in Promise) ? ['Promise.withResolvers'] : []),
  ];
  return missing.length === 0
    ? null
    : `multithreading 0.3.52 needs ${missing.join(' and ')}, which this runtime lacks (node 22+ has both)`;
}

/** The symbol named `name` on `obj` or its prototypes. */
function symbolNamed(obj, name) {
  for (let o = obj; o !== null; o = Object.getPrototypeOf(o)) {
    const s = Object.getOwnPropertySymbols(o).find((x) => x.description === name);
    if (s !== undefined) return s;
  }
  throw new Error(`multithreading: no ${name} symbol (the package changed: see bench/cases/multithreading.js)`);
}

/**
 * A Sender as structured-cloneable data (shared buffers only) for
 * {@link senderFrom}; the Sender given up is disposed, as `move` does.
 * @param {object} sender
 */
export function senderData(sender) {
  const [value] = sender[symbolNamed(sender, 'Thread.Serialize')]();
  return value;
}

/**
 * The Sender that {@link senderData} made data of, in this thread.
 * @param {any} Sender the package's Sender class (from this thread's import)
 * @param {unknown} data
 */
export function senderFrom(Sender, data) {
  return Sender[symbolNamed(Sender, 'Thread.Deserialize')](data);
}

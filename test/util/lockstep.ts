// Comparisons for the lockstep random tests: every mismatch throws with the
// place it happened (seed, op, what the op was), so that WRB_SEED replays it.

/** Checks that throw `<where()>: <what> is <got>, the model says <expected>`. */
export function lockstep(where: () => string) {
  const fail = (what: string, got: unknown, expected: unknown): never => {
    throw new Error(`${where()}: ${what} is ${String(got)}, the model says ${String(expected)}`);
  };
  const same = (what: string, got: unknown, expected: unknown): void => {
    if (got !== expected) fail(what, got, expected);
  };
  /** Element by element over [from, to) (default: all of `expected`). */
  const sameElements = (
    what: string,
    got: ArrayLike<number>,
    expected: ArrayLike<number>,
    from = 0,
    to = expected.length,
  ): void => {
    for (let k = from; k < to; k++) if (got[k] !== expected[k]) fail(`${what}[${k}]`, got[k], expected[k]);
  };
  return { fail, same, sameElements };
}

// A small seeded PRNG (mulberry32) for reproducible random tests: a failing
// run prints its seed, and WRB_SEED=<seed> replays exactly that run.

/** A deterministic stream of pseudo-random numbers. */
export class Prng {
  private state: number;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /** A uniform u32. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor((this.u32() / 2 ** 32) * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }

  /** One element of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
}

/** The seed for a random test: WRB_SEED if set, otherwise a fresh one. */
export function testSeed(): number {
  const env = process.env.WRB_SEED;
  return env !== undefined ? Number(env) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}

/**
 * How many times the usual number of operations the random tests run:
 * WRB_SOAK if set (`npm run soak` sets it), otherwise 1, the CI size.
 */
export function soakScale(): number {
  const env = process.env.WRB_SOAK;
  const k = env === undefined ? 1 : Number(env);
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`WRB_SOAK must be an integer from 1, got ${env}`);
  return k;
}

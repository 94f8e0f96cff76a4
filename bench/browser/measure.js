// The timing of one (case, impl) pair in a browser: bench/child.js's warm-up,
// calibration and samples, on performance.now(), the only clock a page has
// (wall time: a browser exposes no CPU clock, so a busy machine shows).

/**
 * Runs `step` (a case's step function) as child.js does: many short calls so
 * that the engine optimises it as a whole, calibration of n to one sample,
 * more warm-up, calibration again, then `samples` samples of n operations.
 * Resolves to { nsPerOp, batch, sink }: sink is the sum of every checksum.
 * @param {(n: number) => unknown} step
 * @param {{ sampleMs: number, warmupMs: number, samples: number, shortCalls?: number }} opts
 * @example const { nsPerOp } = await measure(step, { sampleMs: 20, warmupMs: 100, samples: 5 });
 */
export async function measure(step, opts) {
  let sink = 0;
  /** Elapsed ns of step(n), awaiting it only when it returned a Promise. */
  const timed = async (n) => {
    const t0 = performance.now();
    let r = step(n);
    if (r instanceof Promise) r = await r;
    const t1 = performance.now();
    sink = (sink + (Number(r) | 0)) | 0;
    return (t1 - t0) * 1e6;
  };
  // Doubles n until a call takes a quarter of a sample, then rescales until
  // one lands within [0.7, 1.5] samples (a GC or compile spike in one short
  // call would otherwise leave n far too small for the clock's resolution).
  // Unlike child.js, a rescale moves n by at most 16x: a page's clock ticks
  // in 5 µs or coarser, so a short call can read 0 and would send n to 2^30
  // (minutes of work for a 100 ns operation).
  const calibrate = async () => {
    const target = opts.sampleMs * 1e6;
    let n = 1;
    let ns = await timed(n);
    while (ns < target / 4 && n < 2 ** 30) {
      n *= 2;
      ns = await timed(n);
    }
    for (let tries = 0; tries < 10; tries++) {
      const scale = Math.min(16, Math.max(1 / 16, target / Math.max(ns, 1)));
      n = Math.max(1, Math.min(2 ** 30, Math.round(n * scale)));
      ns = await timed(n);
      if (ns >= 0.7 * target && ns <= 1.5 * target) break;
    }
    return n;
  };

  const warmEnd = performance.now() + opts.warmupMs;
  for (let i = 0; i < (opts.shortCalls ?? 2000) && performance.now() < warmEnd; i++) await timed(16);
  let n = await calibrate();
  while (performance.now() < warmEnd) await timed(n);
  n = await calibrate();
  // A sample is one call of n operations, as in child.js, or more calls when
  // that one fell short of the sample (calibrated while the thread was
  // descheduled): a page's clock ticks in 5 µs or coarser, so a call of a few
  // operations could otherwise read 0.
  const nsPerOp = [];
  for (let i = 0; i < opts.samples; i++) {
    let ns = 0;
    let ops = 0;
    while (ns < opts.sampleMs * 1e6) {
      ns += await timed(n);
      ops += n;
    }
    nsPerOp.push(ns / ops);
  }
  return { nsPerOp, batch: n, sink };
}

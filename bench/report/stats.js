// Turns the raw samples of one (case, impl) pair into its record.

/** Median of a non-empty array of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * One record per (case, impl): the samples of every timing process pooled,
 * the median and its spread (min, max) in ns per operation, and the rates
 * derived from the median. `heap` is the heap process's bytes per operation,
 * or null when it could not measure (a GC ran during the window).
 */
export function summarize(c, impl, runs, heapBytesPerOp) {
  const all = runs.flatMap((r) => r.nsPerOp);
  const med = median(all);
  const heap = heapBytesPerOp == null ? null : Math.round(heapBytesPerOp * 10) / 10;
  const opsPerSec = 1e9 / med;
  return {
    case: c.id,
    impl,
    size: c.size,
    opsPerSec: Math.round(opsPerSec),
    bytesPerSec: Math.round(opsPerSec * c.bytesPerOp),
    median: round3(med),
    min: round3(Math.min(...all)),
    max: round3(Math.max(...all)),
    runs: all.length,
    clock: runs[0].clock,
    processMedians: runs.map((r) => round3(median(r.nsPerOp))),
    heapBytesPerOp: heap,
  };
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

/** Our implementations; every other impl id is a peer or a baseline. */
export const OURS = ['wasm', 'js'];

// A run of the browser bench, as bench/run.js runs the Node one: every
// (case, impl) pair in a fresh Worker (worker.js), one after the other;
// within a case the impls take turns round by round (wasm, js, peer, wasm,
// …) so that a burst of load hits them alike; the samples pooled per pair
// into the bench's records (bench/report/stats.js), and one result object in
// the format of bench/run.js's latest.json, so that the report reads it.
import { summarize } from '../report/stats.js';

/**
 * The runs a page offers. `smoke` only proves that every case runs: every
 * pair in one Worker (a Worker takes 20-70 ms to start), a few short samples,
 * figures that mean little. The others are bench/run.js's quick, default and
 * full (3 workers per pair), each pair in a fresh Worker. A browser has no
 * heap figure per operation.
 */
export const MODES = {
  smoke: { procs: 1, sampleMs: 1, warmupMs: 2, samples: 2, shortCalls: 10, oneWorker: true },
  quick: { procs: 1, sampleMs: 10, warmupMs: 50, samples: 3 },
  default: { procs: 1, sampleMs: 20, warmupMs: 100, samples: 5 },
  full: { procs: 3, sampleMs: 40, warmupMs: 200, samples: 5 },
};

/** Longest a pair may take before it counts as failed (a hung consumer must not stall the run). */
const PAIR_TIMEOUT_MS = 30_000;
const workerUrl = new URL('./worker.js', import.meta.url);

/**
 * Runs one pair in `worker` (a fresh module Worker when none is given, which
 * it terminates): { nsPerOp, clock, … } or { error }.
 * @param {Worker} [worker]
 */
function runPair(caseId, impl, memory, opts, worker) {
  return new Promise((resolve) => {
    const w = worker ?? new Worker(workerUrl, { type: 'module' });
    const done = (r) => {
      clearTimeout(timer);
      if (w !== worker) w.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done({ error: `no answer in ${PAIR_TIMEOUT_MS / 1000} s` }), PAIR_TIMEOUT_MS);
    w.onmessage = ({ data }) => done(data);
    w.onerror = (e) => done({ error: e.message || 'the worker failed to load' });
    w.postMessage({ caseId, impl, memory, opts });
  });
}

/** "Chromium 150.0.7103.59" (or what the user agent says), and V8's version as Chrome numbers it. */
export async function browserInfo() {
  const ua = navigator.userAgent;
  // User-Agent Client Hints: Chromium only, and not in the DOM typings yet.
  /** @typedef {{ brand: string, version: string }} Brand */
  const hints =
    /** @type {{ userAgentData?: { brands: Brand[], getHighEntropyValues(h: string[]): Promise<{ fullVersionList?: Brand[] }> } }} */ (
      /** @type {unknown} */ (navigator)
    );
  const brands = hints.userAgentData?.brands ?? [];
  // The user agent string says 150.0.0.0; the full version needs a hint.
  const full = (await hints.userAgentData?.getHighEntropyValues(['fullVersionList']))?.fullVersionList;
  const m = /(Chrome|Chromium|Firefox|Version)\/([\d.]+)/.exec(ua);
  const name = brands.some((b) => b.brand === 'Chromium')
    ? 'Chromium'
    : m?.[1] === 'Version'
      ? 'Safari'
      : (m?.[1] ?? 'browser');
  const version = full?.find((b) => b.brand === 'Chromium')?.version ?? m?.[2] ?? '';
  // Chrome M ships V8 (M / 10).(M % 10) (M 124: V8 12.4).
  const major = Number(version.split('.')[0]);
  const v8 = /Chrome\//.test(ua) && major > 0 ? `${Math.floor(major / 10)}.${major % 10}` : null;
  return { name, version, v8, userAgent: ua };
}

/**
 * Runs `cases` (from families.js's loadCases) and resolves to the result.
 * `onPair(done, total, caseId, impl)` is called before each pair.
 * @param {import('./families.js').BenchCase[]} cases
 * @param {{ mode?: string, memory?: string, onPair?: (done: number, total: number, caseId: string, impl: string) => void }} [o]
 * @example const result = await runBench(await loadCases('shared'), { mode: 'quick', memory: 'shared' });
 */
export async function runBench(cases, { mode = 'default', memory = 'shared', onPair = () => {} } = {}) {
  const opts = MODES[mode];
  if (opts === undefined) throw new RangeError(`mode must be one of ${Object.keys(MODES).join(', ')}, got ${mode}`);
  const total = cases.reduce((k, c) => k + Object.keys(c.impls).length * opts.procs, 0);
  const records = [];
  const failures = [];
  /** Impls this browser cannot run, with the reason (the report shows them as unavailable). */
  const skipped = [];
  const implWarnings = [];
  const newWorker = () => new Worker(workerUrl, { type: 'module' });
  let oneWorker = opts.oneWorker ? newWorker() : undefined;
  let done = 0;
  for (const c of cases) {
    const impls = Object.keys(c.impls);
    /** @type {Map<string, object[]>} */
    const runs = new Map(impls.map((impl) => [impl, []]));
    // Impls that failed or are unavailable here: their remaining workers never start.
    const stopped = new Set();
    for (let p = 0; p < opts.procs; p++) {
      for (const impl of impls) {
        onPair(done++, total, c.id, impl);
        if (stopped.has(impl)) continue;
        const r = await runPair(c.id, impl, memory, opts, oneWorker);
        if (r.skipped !== undefined) {
          skipped.push({ case: c.id, impl, reason: r.skipped });
          stopped.add(impl); // nothing more to run, and no record
        } else if (r.error !== undefined) {
          failures.push(`${c.id} ${impl}: ${r.error}`);
          stopped.add(impl);
          // A pair that failed may have left the shared Worker busy or broken.
          if (oneWorker !== undefined) {
            oneWorker.terminate();
            oneWorker = newWorker();
          }
        } else {
          runs.get(impl)?.push(r);
          if (r.warning) implWarnings.push(`${c.id} ${impl}: ${r.warning}`);
        }
      }
    }
    for (const impl of impls) {
      const rs = runs.get(impl) ?? [];
      if (!stopped.has(impl) && rs.length > 0) records.push(summarize(c, impl, rs, null));
    }
  }
  oneWorker?.terminate();
  onPair(done, total, '', '');
  const browser = await browserInfo();
  return {
    runtime: browser.name.toLowerCase(),
    browser: `${browser.name} ${browser.version}`.trim(),
    userAgent: browser.userAgent,
    node: null,
    v8: browser.v8,
    cpu: 'unknown (a page cannot see it)',
    cores: navigator.hardwareConcurrency,
    date: new Date().toISOString(),
    memory,
    mode,
    quick: mode === 'quick' || mode === 'smoke',
    ...opts,
    heapOps: 0,
    units: {
      median: 'ns per op',
      min: 'ns per op',
      max: 'ns per op',
      heapBytesPerOp: 'bytes (null: n/a in a browser)',
    },
    cases: Object.fromEntries(
      cases.map((c) => [c.id, { title: c.title, size: c.size, bytesPerOp: c.bytesPerOp, notes: c.notes ?? {} }]),
    ),
    records,
    skipped,
    conditions: { crossOriginIsolated: globalThis.crossOriginIsolated === true, clock: 'wall (performance.now)' },
    warnings: [...failures.map((f) => `failed: ${f}`), ...implWarnings],
  };
}

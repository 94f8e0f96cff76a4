// Runs one (case, impl) pair in this process and prints one JSON line.
//
// Why a process per pair: V8 shares type feedback and optimised code between
// closures made from the same source text, so a case measured after another
// one in the same process can run on code deoptimised by its predecessor.
//
// Usage (run.js does this): node bench/child.js <caseId> <impl> <json options>
// for the timed samples, and, in a separate process,
// node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64
//   bench/child.js <caseId> <impl> '{"phase":"heap",...}'
// for the heap figure: the large semi-space lets it run without a scavenge,
// but it also makes allocating code several times slower (every allocation
// touches fresh memory), so it never runs while timing.

import { existsSync } from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';

const [caseId, implName, optionsJson] = process.argv.slice(2);
const opts = { sampleMs: 40, warmupMs: 200, samples: 5, heapOps: 20000, ...JSON.parse(optionsJson ?? '{}') };

// Only the case's own family (its id's first word: cases/bytes.js for
// bytes.*): loading the others would cost every process time for nothing.
const familyUrl = new URL(`./cases/${caseId.split('.')[0]}.js`, import.meta.url);
if (!existsSync(familyUrl)) fail(`no case ${caseId}`);
const family = await import(familyUrl.href).catch((e) => fail(`cases/${caseId.split('.')[0]}.js: ${e.message}`));
const spec = family.default.find((c) => c.id === caseId);
if (spec === undefined) fail(`no case ${caseId}`);
const factory = spec.impls[implName];
if (factory === undefined) fail(`case ${caseId} has no impl ${implName}`);

/** What runs this process: Bun and Deno also answer to `process.versions.node`, so they are asked first. */
function runtimeInfo() {
  const { Bun, Deno } = /** @type {{ Bun?: { version: string }, Deno?: { version: { deno: string, v8: string } } }} */ (
    globalThis
  );
  if (Bun)
    return {
      name: 'bun',
      version: Bun.version,
      engine: `JavaScriptCore (WebKit ${String(process.versions.webkit).slice(0, 10)})`,
    };
  if (Deno) return { name: 'deno', version: Deno.version.deno, engine: `V8 ${Deno.version.v8}` };
  return { name: 'node', version: process.versions.node, engine: `V8 ${process.versions.v8}` };
}

function fail(message) {
  process.stdout.write(`${JSON.stringify({ error: message })}\n`);
  process.exit(1);
}

// Every checksum lands here and is printed, so no work can be dropped as dead.
let sink = 0;

// The clock. 'cpu' (the default for single-thread cases) is the CPU time of
// this process (getrusage: user + system, microsecond resolution), so time
// spent descheduled on a busy machine is not counted, as in
// Zephyr's native bench (bench/README.md). 'wall' (hrtime) is for cases with other threads
// (spec.clock === 'wall'), whose CPU time would add up across threads.
const clock = opts.clock ?? spec.clock ?? 'cpu';
const now =
  clock === 'wall'
    ? () => Number(process.hrtime.bigint())
    : () => {
        const u = process.cpuUsage();
        return (u.user + u.system) * 1000;
      };

/** Runs step(n) once, awaiting it only if it returned a Promise; returns elapsed ns. */
async function timed(step, n) {
  const t0 = now();
  let r = step(n);
  if (r !== null && typeof r === 'object' && typeof r.then === 'function') r = await r;
  const t1 = now();
  sink = (sink + (Number(r) | 0)) | 0;
  return t1 - t0;
}

/**
 * Finds n such that step(n) takes about one sample: doubles n until a call
 * takes a quarter of a sample, then rescales from each measurement until one
 * lands within [0.7, 1.5] samples (a compile or GC spike during one short
 * call would otherwise leave n far too small for the clock's resolution).
 */
async function calibrate(step) {
  const target = opts.sampleMs * 1e6;
  let n = 1;
  let ns = await timed(step, n);
  while (ns < target / 4 && n < 2 ** 30) {
    n *= 2;
    ns = await timed(step, n);
  }
  for (let tries = 0; tries < 5; tries++) {
    n = Math.max(1, Math.min(2 ** 30, Math.round((n * target) / Math.max(ns, 1))));
    ns = await timed(step, n);
    if (ns >= 0.7 * target && ns <= 1.5 * target) break;
  }
  return n;
}

/**
 * Heap bytes allocated per operation: heapUsed after minus before a run of
 * `ops` operations, minus the same for a run of 0 operations (the cost of
 * measuring), over `ops`. Valid only if no GC ran in between, which a 'gc'
 * PerformanceObserver tells; otherwise null ("n/a").
 */
async function heapPerOp(step, ops) {
  const gcs = [];
  const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  obs.observe({ entryTypes: ['gc'] });
  const grow = async (n) => {
    /** @type {() => void} */ (globalThis.gc)(); // present: main() checks it before the heap phase
    await new Promise((r) => setImmediate(r)); // deliver the forced GC's entry before the window opens
    const start = performance.now();
    const h0 = process.memoryUsage().heapUsed;
    let r = step(n);
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') r = await r;
    const h1 = process.memoryUsage().heapUsed;
    const end = performance.now();
    sink = (sink + (Number(r) | 0)) | 0;
    return { bytes: h1 - h0, start, end };
  };
  const base = await grow(0);
  const run = await grow(ops);
  await new Promise((r) => setTimeout(r, 10)); // let the observer see any GC of the window
  obs.disconnect();
  const hit = gcs.some(
    (e) =>
      (e.startTime >= base.start && e.startTime <= base.end) || (e.startTime >= run.start && e.startTime <= run.end),
  );
  if (hit) return null;
  return Math.max(0, (run.bytes - base.bytes) / ops);
}

const made = await factory();
// An impl this runtime cannot run (a peer needing a newer one) says why instead of a step.
if (typeof made === 'object' && typeof made.unavailable === 'string') {
  process.stdout.write(
    `${JSON.stringify({ case: caseId, impl: implName, skipped: made.unavailable, runtime: runtimeInfo() })}\n`,
  );
  process.exit(0);
}
const step = typeof made === 'function' ? made : made.step;

// Warm-up: first many short calls, so that V8 optimises the step function
// as a whole, with full feedback, rather than only on-stack-replacing its
// loop while the feedback is young (which left some processes 4-10x slower
// and allocating, depending on when OSR struck); then full-size calls.
// The warm-up is counted on the case's own clock: in CPU time a loaded
// machine cannot shorten it (a wall-clock warm-up at a load average of 15
// left JavaScriptCore's processes in its lower tiers; bench/README.md, "Runtimes").
const warmNow = () => now() / 1e6;
const warmEnd = warmNow() + opts.warmupMs;
for (let i = 0; i < (opts.shortCalls ?? 2000) && warmNow() < warmEnd; i++) await timed(step, 16);
let n = await calibrate(step);
while (warmNow() < warmEnd) await timed(step, n);
n = await calibrate(step);

// phase 'time': samples only; 'heap': the heap figure only; 'both' (--quick):
// samples, then the heap figure with the default young generation, which
// holds a few thousand operations of any case here without a scavenge.
const out = { case: caseId, impl: implName, clock, batch: n };
if (opts.phase !== 'heap') {
  out.nsPerOp = [];
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < opts.samples; i++) out.nsPerOp.push((await timed(step, n)) / n);
  // How much of a core this process got while it sampled (run.js warns when
  // the machine was loaded). Single-thread cases only: the process's CPU
  // time counts every thread of it.
  if (clock === 'cpu') {
    const cpu = process.cpuUsage(cpu0);
    out.cpuShare = ((cpu.user + cpu.system) * 1000) / Number(process.hrtime.bigint() - wall0);
  }
}
if (opts.phase === 'heap' || opts.phase === 'both') {
  if (!globalThis.gc) fail('the heap phase needs node --expose-gc');
  out.heapBytesPerOp = await heapPerOp(step, Math.min(opts.heapOps, Math.max(n, 1000)));
}
// What the impl saw go wrong without failing (a peer's torn packets), for the run's warnings.
const warning = typeof made === 'object' && typeof made.warning === 'function' ? made.warning() : null;
if (warning) out.warning = warning;
if (typeof made === 'object' && typeof made.close === 'function') await made.close();

out.sink = sink;
out.runtime = runtimeInfo();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);

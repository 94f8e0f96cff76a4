#!/usr/bin/env node
// Benchmark runner: every (case, impl) pair in its own node process (see
// child.js), one after the other, then a terminal table, a JSON file and an
// SVG chart, with the time left while it runs and a warning when the machine
// was loaded or the cross-thread hand-off changed during the run
// (conditions.js). Options: --quick, --full, --filter <substring>
// (repeatable), --procs N, --memory shared|unshared, --runtime <names>
// (node20,node24,bun,deno: each fetched by scripts/runtimes.js, all in one
// report), --out <dir>, --publish. Details in bench/README.md.

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cases from './cases/index.js';
import { commandFor, ensureRuntime } from '../scripts/runtimes.js';
import { Conditions } from './conditions.js';
import { Progress, clock } from './progress.js';
import { summarize } from './report/stats.js';
import { renderTable } from './report/table.js';
import { renderChart } from './report/chart.js';

const usage = `usage: node bench/run.js [--quick | --full] [--filter <substring>]... [--procs N]
                        [--memory shared|unshared] [--runtime name,...] [--out dir | --publish]
  (default)  1 process per pair, 5 samples of 20 ms: about 65 s of CPU time
  --quick    1 process per pair, 3 samples of 10 ms, for a first look
  --full     3 timing processes per pair, 5 samples of 40 ms, and a heap process: about 7 minutes
  --runtime  comma-separated runtimes, each case run under each: node (this one), node20, node22,
             node24, node26, bun, deno (fetched from npm into a cache: scripts/runtimes.js)
  --out      where latest.json and chart.svg go (default build/bench/, not tracked)
  --publish  write them to bench/results/ instead (bench/results/runtimes/ for several runtimes):
             the published figures the READMEs quote`;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    filter: { type: 'string', multiple: true, default: [] },
    procs: { type: 'string' },
    memory: { type: 'string', default: 'shared' },
    runtime: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    publish: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const usageError = (message) => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};
if (args.memory !== 'shared' && args.memory !== 'unshared')
  usageError(`--memory must be shared or unshared, got ${args.memory}`);
if (args.quick && args.full) usageError('--quick and --full exclude each other');
if (args.publish && args.out !== undefined) usageError('--publish and --out exclude each other');
const runtimeNames = [...new Set(args.runtime.flatMap((r) => r.split(',')).filter((r) => r !== ''))];
// A run of several runtimes publishes beside the single-runtime one, not over it.
const published = runtimeNames.length > 1 ? './results/runtimes/' : './results/';
const outDir = args.out ?? fileURLToPath(new URL(args.publish ? published : '../build/bench/', import.meta.url));

// Full: 3 processes × 5 samples of 40 ms after a 200 ms warm-up, plus one
// heap process per pair (see HEAP_FLAGS). Default: one process × 5 samples of
// 20 ms after 100 ms that then also measures the heap in the default young
// generation; quick: the same with 3 samples of 10 ms after 50 ms.
const mode = args.full ? 'full' : args.quick ? 'quick' : 'default';
const procs = Number(args.procs ?? (mode === 'full' ? 3 : 1));
if (!Number.isInteger(procs) || procs < 1) usageError(`--procs must be a positive integer, got ${args.procs}`);
const childOpts = {
  full: { sampleMs: 40, warmupMs: 200, samples: 5, heapOps: 20000 },
  default: { sampleMs: 20, warmupMs: 100, samples: 5, heapOps: 5000 },
  quick: { sampleMs: 10, warmupMs: 50, samples: 3, heapOps: 5000 },
}[mode];

const selected = cases.filter((c) => args.filter.length === 0 || args.filter.some((f) => c.id.includes(f)));
if (selected.length === 0) {
  console.error(`no case matches ${args.filter.join(', ')}; cases: ${cases.map((c) => c.id).join(' ')}`);
  process.exit(2);
}
/** The runtimes to run every case under, with their binaries (fetched if missing). */
const runtimes = (runtimeNames.length === 0 ? ['node'] : runtimeNames).map((name) => {
  try {
    return ensureRuntime(name);
  } catch (e) {
    return usageError(`--runtime: ${e instanceof Error ? e.message : e}`);
  }
});
const pairs = selected.flatMap((c) => Object.keys(c.impls).map((impl) => ({ c, impl }))).length * runtimes.length;

const childPath = fileURLToPath(new URL('./child.js', import.meta.url));
// Only the heap phase runs with these: a 64 MiB semi-space avoids scavenges
// in the measuring window but slows allocating code down several times.
const HEAP_FLAGS = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];

/**
 * Which phases a runtime runs: the heap figure needs node's gc entries for
 * its PerformanceObserver (to tell a window with a collection), which Bun and
 * Deno do not deliver, so they only time.
 */
function phaseFor(rt, phase) {
  if (rt.kind === 'node') return phase;
  return phase === 'heap' ? null : 'time';
}

/** The least warm-up (ms of the case's clock) a Bun process gets, whatever the mode. */
const BUN_WARMUP_MS = 1500;

function runChild(rt, caseId, impl, phase, overrides = {}) {
  const flags = phase === 'heap' ? HEAP_FLAGS : phase === 'both' ? ['--expose-gc'] : [];
  const base = { ...childOpts, ...overrides };
  // JavaScriptCore tiers up later than V8: bench/README.md, "Runtimes".
  if (rt.kind === 'bun') base.warmupMs = Math.max(base.warmupMs, BUN_WARMUP_MS);
  const o = { ...base, phase, warmupMs: phase === 'heap' ? Math.min(100, base.warmupMs) : base.warmupMs };
  const [bin, argv] = commandFor(rt, childPath, [caseId, impl, JSON.stringify(o)], flags);
  return new Promise((resolve) => {
    const child = spawn(bin, argv, {
      env: { ...process.env, WRB_BENCH_MEMORY: args.memory },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(line);
        resolve(r.error ? { error: r.error } : r);
      } catch {
        resolve({ error: `exit ${code}: ${(err || out).trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
  });
}

const conditions = new Conditions();
const xthread = selected.some((c) => c.id.startsWith('xthread.'));
// Within a case the impls take turns, process by process (wasm, js, peer,
// wasm, js, peer, ..., then the heap processes): a burst of load from
// elsewhere then hits every impl of the case alike, which keeps the ratios
// fair on a shared machine. Full runs time in `procs` processes and measure
// the heap in one more; the others do both in each process.
const phases = mode === 'full' ? [...Array(procs).fill('time'), 'heap'] : Array(procs).fill('both');
// A run with cross-thread cases measures the hand-off at its start and end too.
const progress = new Progress(pairs * phases.length + (xthread ? 2 : 0));
console.error(
  `${pairs} pairs × ${phases.length} process(es), ${runtimes.map((r) => r.name).join(', ')}, ` +
    `${args.memory} memory, ${mode} run → ${outDir}`,
);

/** Measures xthread.handoff in a short process of its own (under the first runtime). */
async function probeHandoff(at) {
  conditions.sampleLoad();
  progress.starting(`xthread.handoff probe (${at})`);
  const r = await runChild(runtimes[0], 'xthread.handoff', 'atomics', 'time', {
    sampleMs: 10,
    warmupMs: 50,
    samples: 3,
  });
  progress.finished();
  if (r.nsPerOp) conditions.addHandoff(at, Math.min(...r.nsPerOp));
}

const records = [];
const failures = [];
/** Impls a runtime cannot run (a peer that needs a newer one), each with its reason. */
const skipped = [];
/** What impls saw go wrong without failing (a peer's torn packets). */
const implWarnings = [];
/** Runtime name → what its child processes said they are (runtimeInfo in child.js). */
const runtimeInfo = {};
const multi = runtimes.length > 1;
if (xthread) await probeHandoff('start');
for (const c of selected) {
  const impls = Object.keys(c.impls);
  // Every (runtime, impl) of the case takes its turn in each round, so load
  // from elsewhere hits the runtimes alike too.
  const keys = runtimes.flatMap((rt) => impls.map((impl) => ({ rt, impl, key: `${rt.name} ${impl}` })));
  /** @type {Map<string, { runs: object[], heap: number | null | undefined, failed: boolean, skipped?: string }>} */
  const state = new Map(keys.map(({ key }) => [key, { runs: [], heap: undefined, failed: false }]));
  for (const phase of phases) {
    for (const { rt, impl, key } of keys) {
      const st = /** @type {NonNullable<ReturnType<typeof state.get>>} */ (state.get(key));
      const p = phaseFor(rt, phase);
      if (st.failed || st.skipped !== undefined || p === null) {
        progress.total--; // a failed or unavailable impl's remaining processes never start
        continue;
      }
      conditions.sampleLoad();
      progress.starting(`${c.id} ${multi ? key : impl} (${p})`);
      const r = await runChild(rt, c.id, impl, p);
      progress.finished();
      if (r.error) {
        failures.push(`${c.id} ${key}: ${r.error}`);
        st.failed = true;
        continue;
      }
      if (r.runtime) runtimeInfo[rt.name] = r.runtime;
      if (r.skipped !== undefined) {
        st.skipped = r.skipped;
        skipped.push({ case: c.id, impl, runtime: rt.name, reason: r.skipped });
        continue;
      }
      if (r.warning) implWarnings.push(`${c.id} ${key}: ${r.warning}`);
      if (r.nsPerOp) st.runs.push(r);
      if (r.cpuShare !== undefined) conditions.addShare(c.id, multi ? key : impl, r.cpuShare);
      if (r.heapBytesPerOp !== undefined) st.heap = r.heapBytesPerOp;
    }
  }
  for (const { rt, impl, key } of keys) {
    const st = /** @type {NonNullable<ReturnType<typeof state.get>>} */ (state.get(key));
    const rec =
      st.failed || st.runs.length === 0 ? null : { ...summarize(c, impl, st.runs, st.heap), runtime: rt.name };
    if (rec) records.push(rec);
    if (rec && c.id === 'xthread.handoff' && rt === runtimes[0])
      for (const m of rec.processMedians) conditions.addHandoff(c.id, m);
    const outcome = rec
      ? `${rec.median.toFixed(1)} ns/op`
      : st.skipped !== undefined
        ? `unavailable (${st.skipped})`
        : 'FAILED';
    progress.line(`[${records.length}/${pairs}] ${c.id} ${multi ? key : impl}: ${outcome}`);
  }
}
if (xthread) await probeHandoff('end');

const cpu = cpus()[0]?.model ?? 'unknown';
const result = {
  node: process.version,
  v8: process.versions.v8,
  runtimes: Object.fromEntries(
    runtimes.map((rt) => [rt.name, runtimeInfo[rt.name] ?? { name: rt.kind, version: 'unknown', engine: 'unknown' }]),
  ),
  cpu,
  cores: cpus().length,
  date: new Date().toISOString(),
  memory: args.memory,
  mode,
  quick: mode === 'quick',
  procs,
  ...childOpts,
  units: { median: 'ns per op', min: 'ns per op', max: 'ns per op', heapBytesPerOp: 'bytes (null: a GC ran, n/a)' },
  cases: Object.fromEntries(
    selected.map((c) => [c.id, { title: c.title, size: c.size, bytesPerOp: c.bytesPerOp, notes: c.notes ?? {} }]),
  ),
  records,
  skipped,
  conditions: conditions.toJSON(),
  warnings: [...conditions.warnings(), ...implWarnings],
};

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(outDir, 'chart.svg'), renderChart(result));
console.log(renderTable(result));
console.log(
  `\n${records.length} results${skipped.length > 0 ? ` (${skipped.length} unavailable on their runtime)` : ''} in ${clock(Date.now() - progress.started)} → ${join(outDir, 'latest.json')}, chart.svg`,
);
if (failures.length > 0) {
  console.error(`\n${failures.length} failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}

#!/usr/bin/env node
// Benchmark runner: every (case, impl) pair in its own node process (see
// child.js), one after the other, then a terminal table, a JSON file and an
// SVG chart, with the time left while it runs and a warning when the machine
// was loaded or the cross-thread hand-off changed during the run
// (conditions.js). Options: --quick, --full, --filter <substring>
// (repeatable), --procs N, --memory shared|unshared, --out <dir>, --publish.
// Details in bench/README.md.

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cases from './cases/index.js';
import { Conditions } from './conditions.js';
import { Progress, clock } from './progress.js';
import { summarize } from './report/stats.js';
import { renderTable } from './report/table.js';
import { renderChart } from './report/chart.js';

const usage = `usage: node bench/run.js [--quick | --full] [--filter <substring>]... [--procs N]
                        [--memory shared|unshared] [--out dir | --publish]
  (default)  1 process per pair, 5 samples of 20 ms: about 65 s of CPU time
  --quick    1 process per pair, 3 samples of 10 ms, for a first look
  --full     3 timing processes per pair, 5 samples of 40 ms, and a heap process: about 7 minutes
  --out      where latest.json and chart.svg go (default build/bench/, not tracked)
  --publish  write them to bench/results/ instead: the published figures the READMEs quote`;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    filter: { type: 'string', multiple: true, default: [] },
    procs: { type: 'string' },
    memory: { type: 'string', default: 'shared' },
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
const outDir = args.out ?? fileURLToPath(new URL(args.publish ? './results/' : '../build/bench/', import.meta.url));

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
const pairs = selected.flatMap((c) => Object.keys(c.impls).map((impl) => ({ c, impl })));

const childPath = fileURLToPath(new URL('./child.js', import.meta.url));
// Only the heap phase runs with these: a 64 MiB semi-space avoids scavenges
// in the measuring window but slows allocating code down several times.
const HEAP_FLAGS = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];

function runChild(caseId, impl, phase, overrides = {}) {
  const flags = phase === 'heap' ? HEAP_FLAGS : phase === 'both' ? ['--expose-gc'] : [];
  const base = { ...childOpts, ...overrides };
  const o = { ...base, phase, warmupMs: phase === 'heap' ? Math.min(100, base.warmupMs) : base.warmupMs };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, childPath, caseId, impl, JSON.stringify(o)], {
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
const progress = new Progress(pairs.length * phases.length + (xthread ? 2 : 0));
console.error(`${pairs.length} pairs × ${phases.length} process(es), ${args.memory} memory, ${mode} run → ${outDir}`);

/** Measures xthread.handoff in a short process of its own. */
async function probeHandoff(at) {
  conditions.sampleLoad();
  progress.starting(`xthread.handoff probe (${at})`);
  const r = await runChild('xthread.handoff', 'atomics', 'time', { sampleMs: 10, warmupMs: 50, samples: 3 });
  progress.finished();
  if (r.nsPerOp) conditions.addHandoff(at, Math.min(...r.nsPerOp));
}

const records = [];
const failures = [];
if (xthread) await probeHandoff('start');
for (const c of selected) {
  const impls = Object.keys(c.impls);
  /** @type {Map<string, { runs: object[], heap: number | null | undefined, failed: boolean }>} */
  const state = new Map(impls.map((impl) => [impl, { runs: [], heap: undefined, failed: false }]));
  for (const phase of phases) {
    for (const impl of impls) {
      const st = /** @type {NonNullable<ReturnType<typeof state.get>>} */ (state.get(impl));
      if (st.failed) {
        progress.total--; // a failed impl's remaining processes never start
        continue;
      }
      conditions.sampleLoad();
      progress.starting(`${c.id} ${impl} (${phase})`);
      const r = await runChild(c.id, impl, phase);
      progress.finished();
      if (r.error) {
        failures.push(`${c.id} ${impl}: ${r.error}`);
        st.failed = true;
        continue;
      }
      if (r.nsPerOp) st.runs.push(r);
      if (r.cpuShare !== undefined) conditions.addShare(c.id, impl, r.cpuShare);
      if (r.heapBytesPerOp !== undefined) st.heap = r.heapBytesPerOp;
    }
  }
  for (const [impl, st] of state) {
    const rec = st.failed ? null : summarize(c, impl, st.runs, st.heap);
    if (rec) records.push(rec);
    if (rec && c.id === 'xthread.handoff') for (const m of rec.processMedians) conditions.addHandoff(c.id, m);
    progress.line(
      `[${records.length}/${pairs.length}] ${c.id} ${impl}: ${rec ? `${rec.median.toFixed(1)} ns/op` : 'FAILED'}`,
    );
  }
}
if (xthread) await probeHandoff('end');

const cpu = cpus()[0]?.model ?? 'unknown';
const result = {
  node: process.version,
  v8: process.versions.v8,
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
  conditions: conditions.toJSON(),
  warnings: conditions.warnings(),
};

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(outDir, 'chart.svg'), renderChart(result));
console.log(renderTable(result));
console.log(
  `\n${records.length} results in ${clock(Date.now() - progress.started)} → ${join(outDir, 'latest.json')}, chart.svg`,
);
if (failures.length > 0) {
  console.error(`\n${failures.length} failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}

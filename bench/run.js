#!/usr/bin/env node
// Benchmark runner: every (case, impl) pair in its own node process (see
// child.js), one after the other, then a terminal table, a JSON file and an
// SVG chart. Options: --quick, --filter <substring> (repeatable), --procs N,
// --memory shared|unshared, --out <dir>. Details in bench/README.md.

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cases from './cases/index.js';
import { summarize } from './report/stats.js';
import { renderTable } from './report/table.js';
import { renderChart } from './report/chart.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string', multiple: true, default: [] },
    procs: { type: 'string' },
    memory: { type: 'string', default: 'shared' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/', import.meta.url)) },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: node bench/run.js [--quick] [--filter <substring>]... [--procs N] [--memory shared|unshared] [--out dir]',
  );
  process.exit(0);
}
if (args.memory !== 'shared' && args.memory !== 'unshared') {
  console.error(`--memory must be shared or unshared, got ${args.memory}`);
  process.exit(2);
}

// Default: 3 processes × 5 samples of 40 ms after a 200 ms warm-up, ~1.5 s a
// pair, plus one heap process (see HEAP_FLAGS). Quick: 1 process × 3 samples
// of 10 ms after 50 ms, which also measures the heap.
const procs = Number(args.procs ?? (args.quick ? 1 : 3));
const childOpts = args.quick
  ? { sampleMs: 10, warmupMs: 50, samples: 3, heapOps: 5000 }
  : { sampleMs: 40, warmupMs: 200, samples: 5, heapOps: 20000 };

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

function runChild(caseId, impl, phase) {
  const flags = phase === 'heap' ? HEAP_FLAGS : phase === 'both' ? ['--expose-gc'] : [];
  const o = {
    ...childOpts,
    phase,
    warmupMs: phase === 'heap' ? Math.min(100, childOpts.warmupMs) : childOpts.warmupMs,
  };
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

const started = Date.now();
const records = [];
const failures = [];
const tty = process.stderr.isTTY;
console.error(`${pairs.length} pairs × ${procs} process(es), ${args.memory} memory${args.quick ? ', quick' : ''}`);
// Within a case the impls take turns, process by process (wasm, js, peer,
// wasm, js, peer, ..., then the heap processes): a burst of load from
// elsewhere then hits every impl of the case alike, which keeps the ratios
// fair on a shared machine. Quick: one process per impl does both phases.
const phases = args.quick ? ['both'] : [...Array(procs).fill('time'), 'heap'];
let done = 0;
for (const c of selected) {
  const impls = Object.keys(c.impls);
  /** @type {Map<string, { runs: object[], heap: number | null | undefined, failed: boolean }>} */
  const state = new Map(impls.map((impl) => [impl, { runs: [], heap: undefined, failed: false }]));
  for (const phase of phases) {
    for (const [impl, st] of state) {
      if (st.failed) continue;
      if (tty) process.stderr.write(`\r\x1b[K[${done}/${pairs.length}] ${c.id} ${impl} (${phase}) …`);
      const r = await runChild(c.id, impl, phase);
      if (r.error) {
        failures.push(`${c.id} ${impl}: ${r.error}`);
        st.failed = true;
        continue;
      }
      if (r.nsPerOp) st.runs.push(r);
      if (r.heapBytesPerOp !== undefined) st.heap = r.heapBytesPerOp;
    }
  }
  for (const [impl, st] of state) {
    const rec = st.failed ? null : summarize(c, impl, st.runs, st.heap);
    if (rec) records.push(rec);
    done++;
    const line = `[${done}/${pairs.length}] ${c.id} ${impl}: ${rec ? `${rec.median.toFixed(1)} ns/op` : 'FAILED'}`;
    process.stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  }
}

const cpu = cpus()[0]?.model ?? 'unknown';
const result = {
  node: process.version,
  v8: process.versions.v8,
  cpu,
  cores: cpus().length,
  date: new Date().toISOString(),
  memory: args.memory,
  quick: args.quick,
  procs,
  ...childOpts,
  units: { median: 'ns per op', min: 'ns per op', max: 'ns per op', heapBytesPerOp: 'bytes (null: a GC ran, n/a)' },
  cases: Object.fromEntries(
    selected.map((c) => [c.id, { title: c.title, size: c.size, bytesPerOp: c.bytesPerOp, notes: c.notes ?? {} }]),
  ),
  records,
};

mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(args.out, 'chart.svg'), renderChart(result));
console.log(renderTable(result));
console.log(
  `\n${records.length} results in ${((Date.now() - started) / 1000).toFixed(0)} s → ${join(args.out, 'latest.json')}, chart.svg`,
);
if (failures.length > 0) {
  console.error(`\n${failures.length} failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}

#!/usr/bin/env node
// Re-measures the per-call costs behind the bindings' workarounds
// (bench/cases/micro.js) under each runtime: every (case, variant, runtime)
// in its own process, the variants and runtimes of a case taking turns for
// `--rounds` rounds, CPU time, ns per operation (median of each process's
// samples, then the median over the rounds). Prints a Markdown table (the
// one in bench/README.md, "Workarounds across runtimes") and writes the JSON.
//   node bench/workarounds.js [--runtime node,node24,bun,deno] [--rounds 3] [--filter micro.call] [--out file]
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import micro from './cases/micro.js';
import { median } from './report/stats.js';
import { commandFor, ensureRuntime } from '../scripts/runtimes.js';

const { values: args } = parseArgs({
  options: {
    runtime: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
    filter: { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: fileURLToPath(new URL('../build/bench/workarounds.json', import.meta.url)) },
  },
});
const names = args.runtime.flatMap((r) => r.split(',')).filter(Boolean);
const runtimes = (names.length ? names : ['node']).map(ensureRuntime);
const rounds = Number(args.rounds);
const childPath = fileURLToPath(new URL('./child.js', import.meta.url));
const opts = JSON.stringify({ sampleMs: 20, warmupMs: 100, samples: 5, phase: 'time' });
const cases = micro.filter((c) => args.filter.length === 0 || args.filter.some((f) => c.id.includes(f)));

function runChild(rt, id, impl) {
  const [bin, argv] = commandFor(rt, childPath, [id, impl, opts]);
  return new Promise((resolve) => {
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        resolve({ error: out });
      }
    });
  });
}

const load = [loadavg()[0]];
const results = [];
for (const c of cases) {
  const impls = Object.keys(c.impls);
  const meds = new Map();
  for (let r = 0; r < rounds; r++) {
    for (const rt of runtimes) {
      for (const impl of impls) {
        const res = await runChild(rt, c.id, impl);
        load.push(loadavg()[0]);
        const key = `${rt.name}\0${impl}`;
        if (!meds.has(key)) meds.set(key, []);
        if (res.nsPerOp) meds.get(key).push(median(res.nsPerOp));
        else console.error(`${c.id} ${impl} on ${rt.name}: ${res.error}`);
      }
    }
  }
  for (const rt of runtimes) {
    for (const impl of impls) {
      const ms = meds.get(`${rt.name}\0${impl}`);
      results.push({
        case: c.id,
        impl,
        runtime: rt.name,
        ns: ms.length ? Math.round(median(ms) * 100) / 100 : null,
        rounds: ms,
      });
    }
  }
  process.stderr.write(`${c.id} done\n`);
}

const run = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model ?? 'unknown',
  loadavg1: { min: Math.min(...load), max: Math.max(...load) },
  rounds,
  titles: Object.fromEntries(cases.map((c) => [c.id, c.title])),
  results,
};
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(run, null, 2)}\n`);

const fmt = (v) => (v === null ? 'failed' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
console.log(`| case | variant | ${runtimes.map((r) => r.name).join(' | ')} |`);
console.log(`|---|---|${runtimes.map(() => '---:').join('|')}|`);
for (const c of cases) {
  for (const impl of Object.keys(c.impls)) {
    const cells = runtimes.map((rt) =>
      fmt(results.find((x) => x.case === c.id && x.impl === impl && x.runtime === rt.name)?.ns ?? null),
    );
    console.log(`| \`${c.id}\` | ${impl} | ${cells.join(' | ')} |`);
  }
}
console.log(
  `\n${run.date.slice(0, 16)} UTC, ${run.cpu}, load average ${run.loadavg1.min.toFixed(1)}–${run.loadavg1.max.toFixed(1)}, ` +
    `median of ${rounds} processes per cell, ns per operation (CPU time).`,
);

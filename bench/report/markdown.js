#!/usr/bin/env node
// Prints the README's performance table from a results file (default
// bench/results/latest.json), so that the figures in the README come from
// one real run and are never copied by hand:
//   node bench/report/markdown.js [results.json]
import { readFileSync } from 'node:fs';
import { OURS } from './stats.js';

const file = process.argv[2] ?? new URL('../results/latest.json', import.meta.url);
const run = JSON.parse(readFileSync(file, 'utf8'));

function ns(x) {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function ratio(a, b) {
  const r = b.median / a.median; // > 1: `a` is faster
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;
}

const byCase = new Map();
for (const r of run.records) {
  if (!byCase.has(r.case)) byCase.set(r.case, {});
  byCase.get(r.case)[r.impl] = r;
}

console.log(
  `Run of ${run.date.slice(0, 10)}: node ${run.node} (V8 ${run.v8}), ${run.cpu} × ${run.cores}, ` +
    `${run.memory} memory; median ns per operation over ${run.procs} processes × ${run.samples} samples.`,
);
for (const w of run.warnings ?? []) console.log(`\n**Warning:** ${w}.`);
console.log('');
console.log('| case | wasm | js | peers | wasm ÷ js | wasm vs peers |');
console.log('|---|---:|---:|---|---:|---|');
for (const [id, impls] of byCase) {
  const peers = Object.values(impls).filter((r) => !OURS.includes(r.impl));
  const { wasm, js } = impls;
  console.log(
    `| \`${id}\` | ${wasm ? ns(wasm.median) : '–'} | ${js ? ns(js.median) : '–'} | ` +
      `${peers.map((p) => `${p.impl} ${ns(p.median)}`).join(', ') || '–'} | ` +
      `${wasm && js ? ratio(wasm, js) : '–'} | ` +
      `${wasm ? peers.map((p) => `${ratio(wasm, p)} ${p.impl}`).join(', ') : ''} |`,
  );
}

#!/usr/bin/env node
// Prints the README's performance report from a results file (default
// bench/results/runtimes/latest.json, the published multi-runtime run), so
// that the figures in the README come from one real run and are never copied
// by hand: the runtimes × families table, what wins where per runtime, the
// small operations against Zephyr's native C, and every case's ratios.
// Several files join into one report, one runtime column per runtime: the
// browser page's export (bench/browser/run.js) adds its browser that way.
// Ratios are still taken within one runtime of one run.
//   node bench/report/markdown.js [results.json ...]            # print it
//   node bench/report/markdown.js [results.json ...] --readme   # rewrite README.md between its bench-report markers
// Default: bench/results/runtimes/latest.json and bench/results/chromium.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { caseRatios, familyRatios, nativeFor } from './families.js';
import { joinRuns, runtimeLabels, unavailableLines } from './table.js';

const argv = process.argv.slice(2);
const readme = argv.includes('--readme');
const named = argv.filter((a) => !a.startsWith('--'));
const files = named.length
  ? named
  : ['../results/runtimes/latest.json', '../results/chromium.json'].map((f) => new URL(f, import.meta.url));
const run = joinRuns(files.map((f) => JSON.parse(readFileSync(f, 'utf8'))));

/** A wasm ÷ js or ours ÷ peer ratio as text. */
function x(r) {
  if (r === null || r === undefined) return '–';
  return `${r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3)}×`;
}

function ns(v) {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const byRuntime = caseRatios(run);
const fams = familyRatios(byRuntime);
const labels = new Map(runtimeLabels(run).map((l) => [l.key, l.label]));
const runtimes = [...byRuntime.keys()];
// A family with no ratio anywhere (floor: reference points only) gets no column.
const families = [
  ...new Set([...byRuntime.values()].flatMap((cases) => [...cases.values()].map((c) => c.family))),
].filter((f) => runtimes.some((rt) => fams.get(rt).get(f)?.wasmOverJs ?? fams.get(rt).get(f)?.oursOverPeer));
const native = nativeFor(run.cpu);
const lines = [];
const out = (s = '') => lines.push(s);

const load = run.conditions?.loadavg1;
out(
  `Run of ${run.date.slice(0, 16).replace('T', ' ')} UTC, ${run.mode} mode (${run.procs} process(es) per pair × ` +
    `${run.samples} samples of ${run.sampleMs} ms), ${run.memory} memory, ${run.cpu} × ${run.cores}` +
    `${load ? `, load average ${load.start}–${load.max}` : ''}. Runtimes: ` +
    `${runtimes.map((rt) => `${rt} = ${labels.get(rt) ?? rt}`).join('; ')}.`,
);
for (const w of run.warnings ?? []) out(`\n**Warning:** ${w}.`);
for (const u of unavailableLines(run)) out(`\n**Unavailable:** ${u}.`);
out();
out(
  'Per runtime and family, the geometric mean over the family’s cases of **wasm ÷ js** (speed of the wasm engine over ' +
    'the js twin) · **ours ÷ best peer** (the faster of our engines over the fastest other implementation of the ' +
    'same case, plain-JS rings included); above 1 ours (or wasm) is faster. The last column is the faster of ours ' +
    `against Zephyr's C on ${native ? 'the same machine model' : 'no matching machine (none recorded for this CPU)'}, ` +
    'over the cases it has a figure for.',
);
out();
out(`| runtime | ${families.map((f) => `\`${f}\``).join(' | ')} | ours ÷ Zephyr C |`);
out(`|---|${families.map(() => '---:').join('|')}|---:|`);
for (const rt of runtimes) {
  const row = fams.get(rt);
  const cases = [...byRuntime.get(rt).values()].map((c) => c.oursOverNative).filter((r) => r !== null);
  const c = cases.length ? Math.exp(cases.reduce((s, r) => s + Math.log(r), 0) / cases.length) : null;
  out(
    `| ${rt} | ${families
      .map((f) => {
        const v = row.get(f);
        return v ? `${x(v.wasmOverJs)} · ${x(v.oursOverPeer)}` : '';
      })
      .join(' | ')} | ${x(c)} |`,
  );
}

// What wins where, per runtime: every case named, from the same run.
out();
for (const rt of runtimes) {
  const cases = [...byRuntime.get(rt).values()];
  const withBoth = cases.filter((c) => c.wasmOverJs !== null);
  const wasmWins = withBoth.filter((c) => c.wasmOverJs >= 1.1).sort((a, b) => b.wasmOverJs - a.wasmOverJs);
  const jsWins = withBoth.filter((c) => c.wasmOverJs <= 1 / 1.1).sort((a, b) => a.wasmOverJs - b.wasmOverJs);
  const peerWins = cases.filter((c) => c.oursOverPeer !== null && c.oursOverPeer <= 1 / 1.1);
  const list = (cs, f) => cs.map((c) => `\`${c.id}\` ${f(c)}`).join(', ') || 'none';
  out(
    `- **${rt}**: wasm faster than the js twin (by 10 % or more) in ${wasmWins.length} of ${withBoth.length} cases ` +
      `(most: ${list(wasmWins.slice(0, 3), (c) => x(c.wasmOverJs))}); the js twin faster in ${list(jsWins, (c) => x(1 / c.wasmOverJs))}. ` +
      `A peer faster than both our engines in ${peerWins.length} of ${cases.filter((c) => c.oursOverPeer !== null).length}: ` +
      `${list(peerWins, (c) => `(${c.peer.impl} ${x(1 / c.oursOverPeer)})`)}.`,
  );
}

// The small operations against the native C figures.
const nativeCases = [...new Set([...byRuntime.values()].flatMap((cs) => [...cs.values()]))]
  .filter((c) => c.nativeNs !== null)
  .map((c) => c.id);
const nativeIds = [...new Set(nativeCases)];
if (native && nativeIds.length > 0) {
  out();
  out(
    `ns per operation against Zephyr's C on this machine model (${native.machine}; figures and source in ` +
      '`bench/report/zephyr-native.json`); per runtime wasm / js / fastest peer:',
  );
  out();
  out(`| case | Zephyr C | ${runtimes.join(' | ')} |`);
  out(`|---|---:|${runtimes.map(() => '---:').join('|')}|`);
  for (const id of nativeIds) {
    const cells = runtimes.map((rt) => {
      const c = byRuntime.get(rt).get(id);
      if (!c) return '';
      const { wasm, js } = c.impls;
      return [wasm, js, c.peer].map((r) => (r ? ns(r.median) : '–')).join(' / ');
    });
    out(`| \`${id}\` | ${ns(native.nsPerOp[id])} | ${cells.join(' | ')} |`);
  }
}
const lead = lines.join('\n');

// Every case, for the details.
lines.length = 0;
out(`| case | ${runtimes.join(' | ')} |`);
out(`|---|${runtimes.map(() => '---:').join('|')}|`);
const ids = [...new Set(run.records.map((r) => r.case))];
for (const id of ids) {
  const cells = runtimes.map((rt) => {
    const c = byRuntime.get(rt).get(id);
    return c ? `${x(c.wasmOverJs)} · ${x(c.oursOverPeer)}${c.peer ? ` ${c.peer.impl}` : ''}` : '';
  });
  out(`| \`${id}\` | ${cells.join(' | ')} |`);
}
const perCase = lines.join('\n');

const report = `${lead}\n\n<details><summary>Every case: wasm ÷ js · ours ÷ fastest peer (named)</summary>\n\n${perCase}\n\n</details>`;

if (readme) {
  const path = new URL('../../README.md', import.meta.url);
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench-report:start (generated by node bench/report/markdown.js --readme) -->';
  const end = '<!-- bench-report:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`README.md has no ${start} … ${end} region`);
    process.exit(1);
  }
  writeFileSync(path, `${text.slice(0, a + start.length)}\n${report}\n${text.slice(b)}`);
  console.error('README.md: report rewritten');
} else {
  console.log(report);
}

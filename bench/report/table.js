// The terminal table: one row per (case, impl), with the ratios that answer
// "how much faster is ours": wasm over js, and each of ours over each peer.

import { OURS } from './stats.js';

/** @type {[string, number, 'l' | 'r'][]} */
const COLS = [
  ['case', 20, 'l'],
  ['impl', 22, 'l'],
  ['ns/op', 9, 'r'],
  ['min–max', 17, 'r'],
  ['M op/s', 8, 'r'],
  ['MB/s', 8, 'r'],
  ['heap B/op', 9, 'r'],
  ['ratio (>1: ours faster)', 0, 'l'],
];

/** @param {string | number} text @param {[string, number, 'l' | 'r']} col */
function cell(text, [, width, align]) {
  const t = String(text);
  return align === 'r' ? t.padStart(width) : t.padEnd(width);
}

function num(x) {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** Ratio text for one row: ops/s of ours divided by ops/s of this row's impl. */
function ratios(rec, byImpl) {
  if (rec.impl === 'wasm') return byImpl.js ? `wasm/js ${num(rec.opsPerSec / byImpl.js.opsPerSec)}` : '';
  if (OURS.includes(rec.impl)) return '';
  return OURS.filter((o) => byImpl[o])
    .map((o) => `${o}/${rec.impl} ${num(byImpl[o].opsPerSec / rec.opsPerSec)}`)
    .join('  ');
}

/**
 * One result from several: the first one's header, every run's records,
 * each tagged with its runtime (a browser export names its runtime once, at
 * the top), and every run's runtimes; each later run's memory, mode and
 * date are kept in its runtime's entry, and the header says they differ.
 */
export function joinRuns(runs) {
  const [first, ...rest] = runs;
  if (rest.length === 0) return first;
  const runtimes = { ...(first.runtimes ?? Object.fromEntries(runtimeLabels(first).map((l) => [l.key, l.entry]))) };
  const records = [...first.records];
  const skipped = [...(first.skipped ?? [])];
  const warnings = [...(first.warnings ?? [])];
  for (const run of rest) {
    const key = run.runtime ?? 'node';
    const [label] = runtimeLabels(run);
    runtimes[key] = { ...label.entry, memory: run.memory, mode: run.mode, date: run.date };
    records.push(...run.records.map((r) => ({ ...r, runtime: r.runtime ?? key })));
    skipped.push(...(run.skipped ?? []).map((s) => ({ ...s, runtime: s.runtime ?? key })));
    warnings.push(...(run.warnings ?? []).map((w) => `${key}: ${w}`));
  }
  return { ...first, runtimes, records, skipped, warnings };
}

/** "node 24.22.3 (V8 13.6…)" per runtime of the run; the runner's node for a run from before runtimes were recorded. */
export function runtimeLabels(result) {
  const rts = result.runtimes ?? {
    [result.runtime ?? 'node']: result.browser
      ? { name: result.runtime, version: result.browser.replace(/^\D+/, ''), engine: `V8 ${result.v8}` }
      : { name: 'node', version: result.node.replace(/^v/, ''), engine: `V8 ${result.v8}` },
  };
  return Object.entries(rts).map(([key, r]) => ({
    key,
    entry: r,
    label: `${r.name} ${r.version} (${r.engine})${r.memory ? `, ${r.mode} run of ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.memory} memory` : ''}`,
  }));
}

/**
 * One line per impl a runtime could not run, naming its cases and why (the
 * report and the chart say "unavailable" where the table has no figure).
 * @example unavailableLines(result); // ['multithreading on node20 (xthread.mpsc.2p, xthread.mpsc.4p): needs …']
 */
export function unavailableLines(result) {
  const by = new Map();
  for (const s of result.skipped ?? []) {
    const head = `${s.impl}${s.runtime ? ` on ${s.runtime}` : ''}`;
    const key = `${head}\0${s.reason}`;
    by.set(key, [...(by.get(key) ?? []), s.case]);
  }
  return [...by].map(([key, cases]) => {
    const [head, reason] = key.split('\0');
    return `${head} (${cases.join(', ')}): ${reason}`;
  });
}

/** Renders `result` (the latest.json object) as plain text. */
export function renderTable(result) {
  const labels = runtimeLabels(result);
  const multi = labels.length > 1;
  const lines = [
    `${labels.map((l) => (multi ? `${l.key}: ${l.label}` : l.label)).join('; ')}, ${result.cpu} × ${result.cores}, ${result.memory} memory, ${result.date}`,
    COLS.map((c) => cell(c[0], c)).join(' '),
  ];
  const byCase = new Map();
  /** Per case and runtime, the impls it could not run there (a row each, saying why, instead of a figure). */
  const unavailable = new Map();
  for (const r of result.records) {
    const key = `${r.case}\0${r.runtime ?? ''}`;
    if (!byCase.has(key)) byCase.set(key, {});
    byCase.get(key)[r.impl] = r;
  }
  for (const s of result.skipped ?? []) {
    const key = `${s.case}\0${s.runtime ?? ''}`;
    if (!byCase.has(key)) byCase.set(key, {});
    unavailable.set(key, [...(unavailable.get(key) ?? []), s]);
  }
  for (const [key, byImpl] of byCase) {
    const [id, runtime] = key.split('\0');
    const rows = Object.values(byImpl);
    rows.forEach((r, i) => {
      const heap = r.heapBytesPerOp === null ? 'n/a' : String(r.heapBytesPerOp);
      const row = [
        i === 0 ? id : '',
        multi ? `${runtime} ${r.impl}` : r.impl,
        num(r.median),
        `${num(r.min)}–${num(r.max)}`,
        num(r.opsPerSec / 1e6),
        r.bytesPerSec > 0 ? num(r.bytesPerSec / 1e6) : '–',
        heap,
        ratios(r, byImpl),
      ];
      lines.push(
        row
          .map((t, k) => cell(t, COLS[k]))
          .join(' ')
          .trimEnd(),
      );
    });
    (unavailable.get(key) ?? []).forEach((s, i) => {
      const name = multi ? `${runtime} ${s.impl}` : s.impl;
      lines.push(
        `${cell(rows.length === 0 && i === 0 ? id : '', COLS[0])} ${cell(name, COLS[1])} unavailable: ${s.reason}`,
      );
    });
  }
  // Why not to trust this run, where the eye lands after the rows.
  for (const w of result.warnings ?? []) lines.push(`WARNING: ${w}`);
  return lines.join('\n');
}

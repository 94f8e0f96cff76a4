// The SVG chart, in plain JS. Every case is a group of horizontal bars, one
// per impl, normalised to the fastest impl of that case: a 16 B case at
// 30 M op/s and a 4 KiB case at 3 M op/s are equally readable. Each bar is
// labelled with its absolute rate.

import { runtimeLabels, unavailableLines } from './table.js';

const COLORS = {
  wasm: '#5b3cc4',
  js: '#2f80c1',
  'ringbuf.js': '#d9822b',
  'typedarray-set': '#8a8a8a',
  denque: '#3a9d5d',
  mnemonist: '#c4473c',
  postMessage: '#b5a22a',
};
const FALLBACK = ['#7b5e57', '#5f7d8e', '#9c6fb0'];

const W = 960;
const LABEL_X = 12;
const BAR_X = 300;
const BAR_W = 400;
const ROW = 18;
const GAP = 12;

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function rate(ops) {
  return ops >= 1e6 ? `${(ops / 1e6).toPrecision(3)} M op/s` : `${(ops / 1e3).toPrecision(3)} k op/s`;
}

function bytes(bps) {
  return bps >= 1e9 ? `${(bps / 1e9).toPrecision(3)} GB/s` : `${(bps / 1e6).toPrecision(3)} MB/s`;
}

/** Renders `result` (the latest.json object) as an SVG document. */
export function renderChart(result) {
  const byCase = new Map();
  for (const r of result.records) {
    if (!byCase.has(r.case)) byCase.set(r.case, []);
    byCase.get(r.case).push(r);
  }
  const impls = [...new Set(result.records.map((r) => r.impl))];
  const runtimes = runtimeLabels(result);
  // Several runtimes: each bar is labelled with its runtime too, in the impl's colour.
  const barLabel = (r) => (runtimes.length > 1 ? `${r.runtime} ${r.impl}` : r.impl);
  const color = (impl) => COLORS[impl] ?? FALLBACK[impls.indexOf(impl) % FALLBACK.length];
  // One line per distinct note, naming every case it applies to.
  const noteCases = new Map();
  for (const [id, info] of Object.entries(result.cases)) {
    for (const [impl, note] of Object.entries(info.notes ?? {})) {
      const key = `${impl}: ${note}`;
      noteCases.set(key, [...(noteCases.get(key) ?? []), id]);
    }
  }
  const notes = [
    ...[...noteCases].map(([key, ids]) => `${ids.join(', ')}: ${key}`),
    ...unavailableLines(result).map((u) => `unavailable: ${u}`),
  ];

  const out = [];
  let y = 28;
  out.push(
    `<text x="${LABEL_X}" y="${y}" font-size="16" font-weight="bold">wasm-ringbuf benchmarks: bars normalised to the fastest impl of each case (longer is faster)</text>`,
  );
  y += 18;
  out.push(
    `<text x="${LABEL_X}" y="${y}" font-size="11" fill="#555">${esc(`${runtimes.map((l) => l.label).join('; ')}, ${result.cpu} × ${result.cores}, ${result.memory} memory, ${result.date}; median of ${result.procs} process(es) × ${result.samples} samples`)}</text>`,
  );
  y += 20;
  let x = LABEL_X;
  for (const impl of impls) {
    out.push(
      `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${color(impl)}"/><text x="${x + 16}" y="${y}" font-size="12">${esc(impl)}</text>`,
    );
    x += 24 + impl.length * 7.5;
  }
  y += 16;

  for (const [id, recs] of byCase) {
    const best = Math.max(...recs.map((r) => r.opsPerSec));
    y += GAP;
    out.push(`<text x="${LABEL_X}" y="${y + ROW - 5}" font-size="12" font-weight="bold">${esc(id)}</text>`);
    for (const r of recs) {
      const w = Math.max(1, (r.opsPerSec / best) * BAR_W);
      out.push(`<text x="${BAR_X - 8}" y="${y + ROW - 5}" font-size="11" text-anchor="end">${esc(barLabel(r))}</text>`);
      out.push(`<rect x="${BAR_X}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 5}" fill="${color(r.impl)}"/>`);
      const time = r.median >= 1000 ? `${(r.median / 1000).toPrecision(3)} µs` : `${r.median.toPrecision(3)} ns`;
      const label = [rate(r.opsPerSec), ...(r.bytesPerSec > 0 ? [bytes(r.bytesPerSec)] : []), time].join(' · ');
      out.push(`<text x="${BAR_X + w + 6}" y="${y + ROW - 5}" font-size="11">${esc(label)}</text>`);
      y += ROW;
    }
  }
  if (notes.length > 0) {
    y += 24;
    out.push(`<text x="${LABEL_X}" y="${y}" font-size="12" font-weight="bold">Notes</text>`);
    for (const n of notes) {
      y += 16;
      out.push(`<text x="${LABEL_X}" y="${y}" font-size="11">${esc(n)}</text>`);
    }
  }
  y += 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="sans-serif">`,
    `<rect width="${W}" height="${y}" fill="white"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

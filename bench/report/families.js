// The ratios the README leads with, computed from one run's records: per
// runtime and case, wasm ÷ js and ours ÷ best peer; per runtime and family,
// their geometric means; and each of ours against Zephyr's native C figure
// for the same case on the same machine model (zephyr-native.json). Every
// ratio is a speed ratio (ns of the other ÷ ns of ours): above 1, the first
// named is faster. Ratios are only ever taken within one runtime of one run.
import { readFileSync } from 'node:fs';
import { OURS } from './stats.js';

/** Impls that are not a peer to compare with (xthread.handoff's floor). */
const NOT_PEERS = ['atomics'];

/** The family a case belongs to in the lead table: bytes.copy.16 → bytes.copy, items.batch.mem.4 → items.batch. */
export function familyOf(caseId) {
  const [a, b] = caseId.split('.');
  if (a === 'bytes') return `bytes.${b}`;
  if (a === 'items' && b === 'batch') return 'items.batch';
  return a;
}

export function geomean(xs) {
  return xs.length === 0 ? null : Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Zephyr's native ns per operation for the machine model of `cpu`, or null (another model: no comparison). */
export function nativeFor(cpu) {
  const ref = JSON.parse(readFileSync(new URL('./zephyr-native.json', import.meta.url), 'utf8'));
  const m = ref.machines.find((x) => String(cpu).startsWith(x.match));
  return m ? { machine: m.machine, source: ref.source, nsPerOp: m.nsPerOp } : null;
}

/**
 * Per runtime (in the run's order), per case: the records by impl and the
 * ratios. `best` is the faster of ours, `peer` the fastest peer.
 */
export function caseRatios(run) {
  const native = nativeFor(run.cpu);
  const out = new Map();
  for (const r of run.records) {
    const rt = r.runtime ?? 'node';
    if (!out.has(rt)) out.set(rt, new Map());
    const cases = out.get(rt);
    if (!cases.has(r.case)) cases.set(r.case, { id: r.case, family: familyOf(r.case), impls: {} });
    cases.get(r.case).impls[r.impl] = r;
  }
  for (const cases of out.values()) {
    for (const c of cases.values()) {
      const { wasm, js } = c.impls;
      const ours = [wasm, js].filter(Boolean);
      const peers = Object.values(c.impls).filter((r) => !OURS.includes(r.impl) && !NOT_PEERS.includes(r.impl));
      c.best = ours.length ? ours.reduce((a, b) => (a.median <= b.median ? a : b)) : null;
      c.peer = peers.length ? peers.reduce((a, b) => (a.median <= b.median ? a : b)) : null;
      c.wasmOverJs = wasm && js ? js.median / wasm.median : null;
      c.oursOverPeer = c.best && c.peer ? c.peer.median / c.best.median : null;
      const nativeNs = native?.nsPerOp[c.id];
      c.nativeNs = nativeNs ?? null;
      c.oursOverNative = c.best && nativeNs ? nativeNs / c.best.median : null;
    }
  }
  return out;
}

/** Per runtime, per family: geometric means of the case ratios, and how many cases each covers. */
export function familyRatios(byRuntime) {
  const out = new Map();
  for (const [rt, cases] of byRuntime) {
    const fams = new Map();
    for (const c of cases.values()) {
      if (!fams.has(c.family)) fams.set(c.family, []);
      fams.get(c.family).push(c);
    }
    const row = new Map();
    for (const [fam, cs] of fams) {
      const pick = (k) => cs.map((c) => c[k]).filter((x) => x !== null);
      row.set(fam, {
        wasmOverJs: geomean(pick('wasmOverJs')),
        oursOverPeer: geomean(pick('oursOverPeer')),
        oursOverNative: geomean(pick('oursOverNative')),
        cases: cs.length,
      });
    }
    out.set(rt, row);
  }
  return out;
}

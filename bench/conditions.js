// What the machine did while a run measured: its load, and the cross-thread
// hand-off (xthread.handoff, one word there and back). Either can make a
// run's figures meaningless without any case failing: a loaded machine
// deschedules the measuring process, and the hand-off moves between ~130
// and ~520 ns when the VM places its two vCPUs differently, which moves
// every cross-thread figure with it. run.js records both; warnings() says
// when to distrust the results.
import { cpus, loadavg } from 'node:os';

/** One-minute load average above the core count: something besides the bench wanted the CPUs. */
const LOAD_LIMIT = cpus().length;
/** Timing processes that got less of a core than this were descheduled (CPU time over wall time). */
const SHARE_LIMIT = 0.9;
/** Hand-off measurements further apart than this ratio mean the vCPUs moved during the run. */
const HANDOFF_LIMIT = 1.5;

export class Conditions {
  constructor() {
    this.load = { start: loadavg()[0], max: loadavg()[0], end: loadavg()[0] };
    this.shares = [];
    this.handoff = [];
  }

  /** Samples the load average (run.js calls it before every process). */
  sampleLoad() {
    const l = loadavg()[0];
    this.load.max = Math.max(this.load.max, l);
    this.load.end = l;
  }

  /** A timing process's CPU time over wall time while it sampled (single-thread cases only). */
  addShare(caseId, impl, share) {
    if (Number.isFinite(share)) this.shares.push({ case: caseId, impl, share });
  }

  /** One hand-off measurement (ns there and back), with where in the run it was taken. */
  addHandoff(at, ns) {
    if (Number.isFinite(ns)) this.handoff.push({ at, ns: Math.round(ns * 10) / 10 });
  }

  /** The record for the JSON. */
  toJSON() {
    const round = (x) => Math.round(x * 100) / 100;
    const shares = this.shares.map((s) => s.share).sort((a, b) => a - b);
    return {
      cores: LOAD_LIMIT,
      loadavg1: { start: round(this.load.start), max: round(this.load.max), end: round(this.load.end) },
      cpuShare:
        shares.length === 0
          ? null
          : {
              min: round(shares[0]),
              median: round(shares[shares.length >> 1]),
              below: this.shares.filter((s) => s.share < SHARE_LIMIT).map((s) => `${s.case} ${s.impl}`),
            },
      handoffNs: this.handoff,
    };
  }

  /** Plain sentences, one per reason to distrust the run; empty when there is none. */
  warnings() {
    const out = [];
    const low = this.shares.filter((s) => s.share < SHARE_LIMIT);
    if (this.load.max > LOAD_LIMIT || low.length > 0) {
      const why = [`load average up to ${this.load.max.toFixed(1)} on ${LOAD_LIMIT} cores`];
      if (low.length > 0) {
        const worst = low.reduce((a, b) => (a.share < b.share ? a : b));
        why.push(
          `${low.length} of ${this.shares.length} timing processes got under ${SHARE_LIMIT * 100}% of a core ` +
            `(worst ${Math.round(worst.share * 100)}%, ${worst.case} ${worst.impl})`,
        );
      }
      out.push(`the machine was loaded during the run (${why.join('; ')}): figures are noisier than usual`);
    }
    if (this.handoff.length >= 2) {
      const ns = this.handoff.map((h) => h.ns);
      const lo = Math.min(...ns);
      const hi = Math.max(...ns);
      if (hi / lo > HANDOFF_LIMIT) {
        out.push(
          `the cross-thread hand-off changed during the run (xthread.handoff ${this.handoff
            .map((h) => `${h.ns} ns at ${h.at}`)
            .join(', ')}): cross-thread figures and ratios from different parts of this run do not compare`,
        );
      }
    }
    return out;
  }
}

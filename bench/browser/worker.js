// One (case, impl) pair in a fresh dedicated Worker, the browser's
// counterpart of a bench/child.js process: a new worker is a new isolate, so
// no type feedback or optimised code carries over from another pair. Its
// message: { caseId, impl, memory, opts }; its answer: { nsPerOp, batch,
// sink, clock, warning? }, { skipped: why } or { error }.
import { loadCases } from './families.js';
import { measure } from './measure.js';

self.onmessage = async ({ data }) => {
  const { caseId, impl, memory, opts } = data;
  try {
    const cases = await loadCases(memory, caseId.split('.')[0]);
    const spec = cases.find((c) => c.id === caseId);
    if (spec === undefined) throw new Error(`no case ${caseId}`);
    const factory = spec.impls[impl];
    if (factory === undefined) throw new Error(`case ${caseId} has no impl ${impl}`);
    const made = await factory();
    // An impl this browser cannot run says why instead of a step (as in child.js).
    if ('unavailable' in made) {
      self.postMessage({ skipped: made.unavailable });
      return;
    }
    const step = typeof made === 'function' ? made : made.step;
    const out = await measure(step, opts);
    const warning = typeof made === 'function' ? null : (made.warning?.() ?? null);
    if (typeof made !== 'function') await made.close?.();
    self.postMessage({ ...out, clock: 'wall', ...(warning ? { warning } : {}) });
  } catch (e) {
    self.postMessage({ error: e instanceof Error ? `${e.message}` : String(e) });
  }
};

// The cross-thread cases (bench/cases/xthread.cases.js, the same ids,
// shapes and transports as the Node bench) with a Web Worker on the other
// side (xthread.worker.js) instead of a worker_threads Worker. This thread
// is itself the bench's measuring Worker, so that it may block in
// Atomics.wait.
import { xthreadCases } from '../../cases/xthread.cases.js';

// Built next to this module (bench/browser/bundle.js makes it an entry point).
const workerUrl = new URL('./xthread.worker.js', import.meta.url);

/**
 * The Worker of the other side and its control words ([0] bytes consumed,
 * [1] checksum), once it has said it is ready (its start-up is not timed).
 */
async function consumer(impl, data) {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(workerUrl, { type: 'module' });
  await new Promise((resolve, reject) => {
    w.onmessage = resolve;
    w.onerror = (e) => reject(new Error(`xthread worker: ${e.message}`));
    w.postMessage({ impl, ctl: ctl.buffer, ...data });
  });
  w.onmessage = null;
  return { w, ctl, close: () => w.terminate() };
}

export default xthreadCases(consumer, (w, fn) => {
  w.onmessage = ({ data }) => fn(data);
});

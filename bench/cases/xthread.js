// The cross-thread cases (xthread.cases.js) with worker_threads Workers
// (xthread.worker.js) on the other side.
import { Worker } from 'node:worker_threads';
import { xthreadCases } from './xthread.cases.js';

const worker = new URL('./xthread.worker.js', import.meta.url);

/**
 * The Worker of the other side and its control words, once it is ready (so
 * that its start-up is not timed); unref'd so that it never holds the process.
 */
async function consumer(impl, data) {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(worker, { workerData: { impl, ctl: ctl.buffer, ...data } });
  w.unref();
  await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return { w, ctl, close: () => w.terminate() };
}

export default xthreadCases(consumer, (w, fn) => w.on('message', fn));

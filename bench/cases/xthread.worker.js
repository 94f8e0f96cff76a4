// The other thread of the cross-thread cases (xthread.js) in a worker_threads
// Worker: its role (xthread.roles.js) comes in workerData.
import { parentPort, workerData } from 'node:worker_threads';
import { runRole } from './xthread.roles.js';

// A worker_threads Worker has a parent port; anywhere else this script is misused.
if (!parentPort) throw new Error('bench/cases/xthread.worker.js runs only in a worker_threads Worker');
const port = parentPort;

await runRole(
  workerData,
  (m) => port.postMessage(m),
  (fn) => port.on('message', fn),
);

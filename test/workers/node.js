// The Node wrapper of roles.js: one role per worker_threads Worker, started
// with its message as workerData; posts { ready } when the role says it has
// attached, then { result } or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import { run } from './roles.js';

// A worker_threads Worker has a parent port; anywhere else this script is misused.
if (!parentPort) throw new Error('test/workers/node.js runs only in a worker_threads Worker');
const port = parentPort;

run({ ...workerData, ready: () => port.postMessage({ ready: true }) }).then(
  (result) => port.postMessage({ result }),
  (e) => port.postMessage({ error: e instanceof Error ? e.stack : String(e) }),
);

// The Node wrapper of roles.js: one role per worker_threads Worker, started
// with its message as workerData; posts { ready } when the role says it has
// attached, then { result } or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import { run } from './roles.js';

run({ ...workerData, ready: () => parentPort.postMessage({ ready: true }) }).then(
  (result) => parentPort.postMessage({ result }),
  (e) => parentPort.postMessage({ error: e instanceof Error ? e.stack : String(e) }),
);

// The Node wrapper of roles.js: one role per worker_threads Worker, started
// with its message as workerData; posts { result } or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import { run } from './roles.js';

run(workerData).then(
  (result) => parentPort.postMessage({ result }),
  (e) => parentPort.postMessage({ error: e instanceof Error ? e.stack : String(e) }),
);

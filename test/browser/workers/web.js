// The Web Worker wrapper of test/workers/roles.js (the roles the Node stress
// tests run in worker_threads, see test/workers/node.js): runs the role of
// the first message; posts { ready } when the role says it has attached,
// then { result } or { error }. Start it with { type: 'module' }.
import { run } from '../../workers/roles.js';

self.onmessage = ({ data }) =>
  run({ ...data, ready: () => postMessage({ ready: true }) }).then(
    (result) => postMessage({ result }),
    (e) => postMessage({ error: e instanceof Error ? e.stack : String(e) }),
  );

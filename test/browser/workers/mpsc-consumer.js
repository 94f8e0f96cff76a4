// Web Worker: after `delayMs`, claims and frees one packet of an MpscPbuf,
// which must wake an allocAsync waiting on the page's main thread.
import { createEngine, MpscPbuf } from '../../../dist/bindings/index.js';

self.onmessage = async ({ data }) => {
  const pb = MpscPbuf.attach(
    await createEngine('wasm', { memory: data.descriptor.memory, module: data.module }),
    data.descriptor,
  );
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, data.delayMs);
  const p = /** @type {number} */ (pb.claim()); // the test commits a packet before it posts
  pb.free(p);
  postMessage({ freed: p });
};

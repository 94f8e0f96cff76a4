// Web Worker: attaches to a RingBuf made by the page and writes `total` bytes
// of the pattern (i & 255) in chunks of varying size, then reports.
// Plain JS module: the page starts it with { type: 'module' }.
import { createEngine, RingBuf } from '../../../dist/bindings/index.js';

self.onmessage = async ({ data }) => {
  const { kind, module, descriptor, total } = data;
  const engine = await createEngine(kind, { memory: descriptor.memory, module });
  const rb = RingBuf.attach(engine, descriptor);
  const chunk = new Uint8Array(997); // prime, so chunks straddle the wrap at every offset
  // A worker may block: when the ring is full it sleeps briefly instead of spinning.
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let sent = 0;
  while (sent < total) {
    const n = Math.min(chunk.length, total - sent);
    for (let i = 0; i < n; i++) chunk[i] = (sent + i) & 255;
    let done = 0;
    while (done < n) {
      const w = rb.put(chunk, done, n);
      if (w === 0) Atomics.wait(nap, 0, 0, 0.2);
      done += w;
    }
    sent += n;
  }
  postMessage({ sent });
};

// Attaches with an engine of its own (the core it carries, no module passed)
// and writes `total` bytes of the pattern (i & 255) in 997-byte chunks.
import { createEngine, RingBuf } from 'wasm-ringbuf';

self.onmessage = async ({ data }) => {
  const { descriptor, total } = data;
  const engine = await createEngine('wasm', { memory: descriptor.memory });
  const rb = RingBuf.attach(engine, descriptor);
  const chunk = new Uint8Array(997);
  let sent = 0;
  while (sent < total) {
    const n = Math.min(chunk.length, total - sent);
    for (let i = 0; i < n; i++) chunk[i] = (sent + i) & 255;
    let at = 0;
    while (at < n) {
      at += rb.put(chunk, at, n);
      if (at < n) rb.waitForSpace(1000);
    }
    sent += n;
  }
  postMessage({ sent, kind: engine.kind, shared: engine.shared });
};

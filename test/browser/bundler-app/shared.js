// { shared: true }: a Web Worker attaches to a RingBuf and streams `total`
// bytes of the pattern (i & 255); the main thread reads them without blocking.
import { createEngine, RingBuf } from 'wasm-ringbuf';

const total = 1 << 18;

async function run() {
  const engine = await createEngine('wasm', { shared: true });
  const rb = new RingBuf(engine, 4096);
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const done = new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
  });
  worker.postMessage({ descriptor: rb.descriptor, total });
  const out = new Uint8Array(1500);
  let got = 0;
  let wrong = -1;
  while (got < total) {
    const n = rb.get(out);
    for (let i = 0; i < n && wrong < 0; i++) if (out[i] !== ((got + i) & 255)) wrong = got + i;
    got += n;
    if (n === 0 && !(await rb.waitForDataAsync(5000))) throw new Error(`stalled after ${got} bytes`);
  }
  const reply = await done;
  worker.terminate();
  return { isolated: globalThis.crossOriginIsolated, shared: engine.shared, got, wrong, worker: reply };
}

// The test reads window.result.
run().then(
  (r) => Object.assign(window, { result: r }),
  (e) => Object.assign(window, { result: { error: String(e?.stack ?? e) } }),
);

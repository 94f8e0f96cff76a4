// createEngine('wasm') on an unshared memory: a RingBuf and an ItemRingBuf round trip.
import { createEngine, ItemRingBuf, RingBuf } from 'wasm-ringbuf';

async function run() {
  const t0 = performance.now();
  const engine = await createEngine('wasm');
  const startupMs = performance.now() - t0;
  const rb = new RingBuf(engine, 64);
  const put = rb.put(new TextEncoder().encode('hello, bundle'));
  const out = new Uint8Array(32);
  const text = new TextDecoder().decode(out.subarray(0, rb.get(out)));
  const items = new ItemRingBuf(engine, 16);
  items.put(7, 1, new Uint32Array([10, 20]));
  const words = new Uint32Array(8);
  const got = items.get(words);
  return {
    kind: engine.kind,
    shared: engine.shared,
    put,
    text,
    item: [items.itemType, items.itemValue, got, words[0], words[1]],
    startupMs,
  };
}

// The test reads window.result.
run().then(
  (r) => Object.assign(window, { result: r }),
  (e) => Object.assign(window, { result: { error: String(e?.stack ?? e) } }),
);

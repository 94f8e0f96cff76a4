// Attaching to a ring from a thread that received its descriptor: the
// worklet processors and the workers share this. Inside an
// AudioWorkletGlobalScope there is no fetch, URL, setTimeout or performance,
// so the wasm engine must be handed the compiled WebAssembly.Module (never a
// URL to load it from); the js engine needs nothing but the memory.
import { createEngine, RingBuf } from '../../dist/bindings/index.js';

/**
 * Resolves to the RingBuf of `descriptor`, through a new engine of `kind`
 * ('wasm' needs `module`) over the descriptor's shared memory.
 */
export async function attachRing(kind, module, descriptor) {
  const engine = await createEngine(
    kind,
    kind === 'wasm' ? { memory: descriptor.memory, module } : { memory: descriptor.memory },
  );
  return RingBuf.attach(engine, descriptor);
}

/**
 * A Float32Array over the whole memory, made once. The memory is shared, so
 * this view keeps its length if the memory grows later, and the ring's
 * storage, placed before the view was made, stays inside it.
 */
export function floatsOf(ring) {
  return new Float32Array(ring.engine.memory.buffer);
}

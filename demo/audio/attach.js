// Attaching to a ring from a thread that received its descriptor: the
// worklet processors and the workers share this. Inside an
// AudioWorkletGlobalScope there is no fetch, URL, setTimeout or performance,
// so the wasm engine must be handed the compiled WebAssembly.Module (never a
// URL to load it from); the js engine needs nothing but the memory.
import { createEngine, RingBuf } from '../../dist/bindings/index.js';
import { QUANTUM_FRAMES } from './format.js';

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
 * Views of every block of the ring's storage, per channel, made once:
 * `views[block][channel]` is a Float32Array of one quantum. With them a
 * worklet copies a channel with one TypedArray.set and creates nothing.
 * The memory is shared, so views made now stay valid if it grows later.
 */
export function blockViews(ring, channels) {
  const blockBytes = QUANTUM_FRAMES * channels * 4;
  if (ring.capacity % blockBytes !== 0) throw new RangeError('the ring capacity must be a whole number of blocks');
  const views = [];
  for (let at = ring.storageAddress; at < ring.storageAddress + ring.capacity; at += blockBytes) {
    const block = [];
    for (let ch = 0; ch < channels; ch++) {
      block.push(new Float32Array(ring.engine.memory.buffer, at + ch * QUANTUM_FRAMES * 4, QUANTUM_FRAMES));
    }
    views.push(block);
  }
  return views;
}

/** A Float32Array over the whole memory, for the workers' sample loops. */
export function floatsOf(ring) {
  return new Float32Array(ring.engine.memory.buffer);
}

// Playback: an AudioWorkletProcessor that reads one render quantum per
// process() from a RingBuf that a Worker fills (synth-worker.js) and writes
// it to its output, deinterleaved.
//
// process() allocates nothing and never waits: it claims one quantum of
// readable storage and reads it in place through a Float32Array made once.
// When the ring holds less than a quantum it outputs silence and counts an
// underrun; what is there stays for the next quantum, so nothing the worker
// wrote is skipped, only delayed.
import { attachRing, floatsOf } from './attach.js';
import { C, QUANTUM_FRAMES, quantumBytes } from './format.js';

class RingPlayback extends AudioWorkletProcessor {
  /** processorOptions: { engine: 'wasm' | 'js', module, descriptor, counters: SharedArrayBuffer, channels } */
  constructor(options) {
    super();
    const { engine, module, descriptor, counters, channels } = options.processorOptions;
    this.counters = new Int32Array(counters);
    this.channels = channels;
    this.blockBytes = quantumBytes(channels);
    this.ring = null;
    attachRing(engine, module, descriptor).then(
      (ring) => {
        if (ring.capacity % this.blockBytes !== 0)
          throw new RangeError('ring capacity must be a whole number of quanta');
        this.f32 = floatsOf(ring);
        this.ring = ring;
        this.port.postMessage({ type: 'ready' });
      },
      (e) => this.port.postMessage({ type: 'error', message: String(e?.message ?? e) }),
    );
  }

  process(_inputs, outputs) {
    const out = outputs[0];
    const ring = this.ring;
    if (ring === null) return true;
    const c = this.counters;
    Atomics.add(c, C.PLAYBACK_QUANTA, 1);
    if (ring.size < this.blockBytes) {
      Atomics.add(c, C.UNDERRUNS, 1);
      for (let ch = 0; ch < out.length; ch++) out[ch].fill(0);
      return true;
    }
    // Whole quanta in, whole quanta out, capacity a multiple of a quantum:
    // the claim is one contiguous quantum.
    ring.getClaim(this.blockBytes);
    const f32 = this.f32;
    const at = (ring.storageAddress + ring.getOffset) >> 2;
    const n = this.channels;
    for (let ch = 0; ch < out.length && ch < n; ch++) {
      const dst = out[ch];
      for (let i = 0, j = at + ch; i < QUANTUM_FRAMES; i++, j += n) dst[i] = f32[j];
    }
    ring.getFinish(this.blockBytes);
    return true;
  }
}

registerProcessor('ring-playback', RingPlayback);

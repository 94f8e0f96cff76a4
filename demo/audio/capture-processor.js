// Capture: an AudioWorkletProcessor that writes each render quantum of its
// input into a RingBuf, interleaved, for a Worker to drain (recorder-worker.js).
//
// process() allocates nothing and never waits (a worklet may not block): it
// claims one quantum of the ring's storage, writes the samples in place
// through a Float32Array made once, and publishes them. When the ring has
// less than a quantum free, the quantum is dropped and counted as an overrun:
// dropping the newest audio keeps what is already queued in order, and the
// count says exactly how many 128-frame blocks are missing and where the
// recording has a gap.
import { attachRing, floatsOf } from './attach.js';
import { C, QUANTUM_FRAMES, quantumBytes } from './format.js';

class RingCapture extends AudioWorkletProcessor {
  /** processorOptions: { engine: 'wasm' | 'js', module, descriptor, counters: SharedArrayBuffer, channels } */
  constructor(options) {
    super();
    const { engine, module, descriptor, counters, channels } = options.processorOptions;
    this.counters = new Int32Array(counters);
    this.channels = channels;
    this.blockBytes = quantumBytes(channels);
    this.silence = new Float32Array(QUANTUM_FRAMES); // stands in for a missing input channel
    this.ring = null; // until attached, quanta pass uncounted
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

  process(inputs) {
    const ring = this.ring;
    if (ring === null) return true;
    const c = this.counters;
    Atomics.add(c, C.CAPTURE_QUANTA, 1);
    // Only this thread writes, so the space seen here can only grow before the claim.
    if (ring.space < this.blockBytes) {
      Atomics.add(c, C.OVERRUNS, 1);
      return true;
    }
    // The capacity is a whole number of quanta and every claim is one
    // quantum, so the claim never stops at the end of storage: it is whole.
    ring.putClaim(this.blockBytes);
    const f32 = this.f32;
    const at = (ring.storageAddress + ring.putOffset) >> 2;
    const input = inputs[0];
    const n = this.channels;
    for (let ch = 0; ch < n; ch++) {
      // A mono source feeds every channel; no input at all records silence.
      const src = input.length === 0 ? this.silence : input[ch < input.length ? ch : input.length - 1];
      for (let i = 0, j = at + ch; i < QUANTUM_FRAMES; i++, j += n) f32[j] = src[i];
    }
    ring.putFinish(this.blockBytes);
    return true;
  }
}

registerProcessor('ring-capture', RingCapture);

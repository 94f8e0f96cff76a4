// Capture: an AudioWorkletProcessor that writes each render quantum of its
// input into a RingBuf, as one planar block (format.js), for a Worker to
// drain (recorder-worker.js).
//
// process() allocates nothing and never waits (a worklet may not block): it
// claims one block of the ring's storage, copies each channel into it with
// TypedArray.set through views made once, and publishes the block. When the
// ring has less than a block free, the quantum is dropped and counted as an
// overrun: dropping the newest audio keeps what is queued in order, and the
// count says exactly how many 128-frame blocks the recording is missing.
import { RingProcessor } from './ring-processor.js';
import { C, QUANTUM_FRAMES } from './format.js';

class RingCapture extends RingProcessor {
  constructor(options) {
    super(options);
    this.silence = new Float32Array(QUANTUM_FRAMES); // stands in for a missing input
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
    // Whole blocks into a ring of whole blocks: the claim is one whole block.
    ring.putClaim(this.blockBytes);
    const block = this.blocks[(ring.putOffset / this.blockBytes) | 0];
    const input = inputs[0];
    for (let ch = 0; ch < this.channels; ch++) {
      // The node's channelCount is explicit, so input has every channel
      // while anything is connected, and none otherwise (silence).
      block[ch].set(ch < input.length ? input[ch] : this.silence);
    }
    ring.putFinish(this.blockBytes);
    return true;
  }
}

registerProcessor('ring-capture', RingCapture);

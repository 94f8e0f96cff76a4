// Playback: an AudioWorkletProcessor that reads one planar block per
// process() from a RingBuf that a Worker fills (synth-worker.js) and copies
// it to its output.
//
// process() allocates nothing and never waits: it claims one block of
// readable storage and copies each channel out with TypedArray.set from
// views made once. When the ring holds less than a block it outputs silence
// and counts an underrun; what is there stays for the next quantum, so
// nothing the worker wrote is skipped, only delayed.
import { RingProcessor } from './ring-processor.js';
import { C } from './format.js';

class RingPlayback extends RingProcessor {
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
    // Whole blocks out of a ring of whole blocks: the claim is one whole block.
    ring.getClaim(this.blockBytes);
    const block = this.blocks[(ring.getOffset / this.blockBytes) | 0];
    for (let ch = 0; ch < out.length && ch < this.channels; ch++) out[ch].set(block[ch]);
    ring.getFinish(this.blockBytes);
    return true;
  }
}

registerProcessor('ring-playback', RingPlayback);

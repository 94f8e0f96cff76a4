// The base of the capture and playback processors: what both do to get
// their ring. Only worklet modules import it (AudioWorkletProcessor exists
// nowhere else).
import { attachRing, blockViews } from './attach.js';
import { quantumBytes } from './format.js';

export class RingProcessor extends AudioWorkletProcessor {
  /** processorOptions: { engine: 'wasm' | 'js', module, descriptor, counters: SharedArrayBuffer, channels } */
  constructor(options) {
    super();
    const { engine, module, descriptor, counters, channels } = options.processorOptions;
    this.counters = new Int32Array(counters);
    this.channels = channels;
    this.blockBytes = quantumBytes(channels);
    /** @type {Float32Array[][]} */
    this.blocks = [];
    /** @type {import('../../dist/bindings/index.js').RingBuf | null} until attached, quanta pass uncounted */
    this.ring = null;
    attachRing(engine, module, descriptor).then(
      (ring) => {
        this.blocks = blockViews(ring, channels);
        this.ring = ring;
        this.port.postMessage({ type: 'ready' });
      },
      (e) => this.port.postMessage({ type: 'error', message: String(e?.message ?? e) }),
    );
  }
}

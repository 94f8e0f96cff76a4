// The page's side of the audio stream: one RingBuf, one producer worker
// (workers/audio.js), and a reader that checks every block's sequence number.
import { RingBuf } from '../dist/bindings/index.js';
import { AUDIO_BLOCK_BYTES } from './format.js';

export class AudioStream {
  /** @param {{ wasm: import('../dist/bindings/index.js').Engine, js: import('../dist/bindings/index.js').Engine }} engines */
  constructor(engines, settings) {
    const rb = new RingBuf(engines.wasm, 64 * 1024); // ~340 ms of audio: absorbs ordinary jank, not a long stall
    this.rings = { wasm: rb, js: RingBuf.attach(engines.js, rb.descriptor) };
    this.capacity = rb.capacity;
    this.block = new Uint8Array(AUDIO_BLOCK_BYTES); // reused: the reader allocates nothing per block
    this.head = new Uint32Array(this.block.buffer, 0, 2);
    this.stats = { received: 0, bytes: 0, dropped: 0, lost: 0, peak: 0, workers: 1 };
    this.tickUsed = 0;
    this.expected = 0;
    this.worker = new Worker(new URL('./workers/audio.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e) => (this.stats.peak = Math.max(this.stats.peak, e.data.peak));
    this.worker.postMessage({ type: 'init', module: engines.wasm.module, descriptor: rb.descriptor, ...settings });
  }

  /** Passes `{ engine }` or `{ overwrite }` on to the producer. */
  set(change) {
    this.worker.postMessage(change);
  }

  /** Bytes in use (committed or claimed), through the engine the page uses now. */
  used(engine) {
    return this.capacity - this.rings[engine].space;
  }

  /** Reads whole blocks until the buffer has none or `deadline` (performance.now()) passes. */
  consume(engine, deadline) {
    const ring = this.rings[engine];
    const s = this.stats;
    // The fullest the buffer was before a drain in this chart tick (after a stall, say).
    this.tickUsed = Math.max(this.tickUsed, this.used(engine));
    while (ring.size >= AUDIO_BLOCK_BYTES && performance.now() < deadline) {
      ring.get(this.block);
      const seq = this.head[0];
      const dropped = this.head[1];
      // Blocks missing between the last one and this one, less those the producer says it dropped.
      s.lost += seq - this.expected - (dropped - s.dropped);
      s.dropped = dropped;
      this.expected = seq + 1;
      s.received++;
      s.bytes += AUDIO_BLOCK_BYTES;
    }
    s.peak = Math.max(s.peak, this.used(engine));
  }

  stop() {
    this.worker.terminate();
  }
}

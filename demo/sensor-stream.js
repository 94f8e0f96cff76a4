// The page's side of the sensor frames: one MpscPbuf shared by several
// producer workers (workers/sensor.js), and a reader that checks each
// producer's sequence numbers.
import { MpscPbuf } from '../dist/bindings/index.js';
import { SENSOR_ID_SHIFT, SENSOR_LENGTH_BITS, SENSOR_WORDS } from './format.js';

const FRAME_BYTES = SENSOR_WORDS * 4;

export class SensorStream {
  constructor(engines, settings) {
    // Overwrite mode is a property of the buffer; whether it is used is the
    // producers' choice per allocation (no wait: drop the oldest; wait: never drop).
    const pb = new MpscPbuf(engines.wasm, 16 * 1024, {
      overwrite: true,
      maxUtilization: true,
      lengthBits: SENSOR_LENGTH_BITS,
    });
    this.engines = engines;
    this.descriptor = pb.descriptor;
    this.bufs = { wasm: pb, js: MpscPbuf.attach(engines.js, this.descriptor) };
    this.reading = 'wasm'; // the engine whose handle is the consumer
    this.capacity = pb.capacityBytes;
    this.module = engines.wasm.module;
    this.settings = settings;
    this.stats = { received: 0, bytes: 0, dropped: 0, lost: 0, peak: 0, workers: 0 };
    this.gaps = 0;
    this.tickUsed = 0;
    this.expected = []; // next sequence number, per producer id
    this.workers = [];
    this.resize(settings.sensors);
  }

  /** Runs `n` producer workers: starts new ones, or stops the last ones between two frames. */
  resize(n) {
    while (this.workers.length < n) {
      const id = this.expected.length;
      this.expected.push(0);
      const w = new Worker(new URL('./workers/sensor.js', import.meta.url), { type: 'module' });
      const { engine, overwrite, rate } = this.settings;
      w.postMessage({
        type: 'init',
        module: this.module,
        descriptor: this.descriptor,
        id,
        engine,
        overwrite,
        rate,
      });
      this.workers.push(w);
    }
    // terminate() could stop one between alloc and commit, leaving a packet
    // the reader would wait on for ever; 'stop' lets it finish the frame.
    while (this.workers.length > n) this.workers.pop().postMessage({ type: 'stop' });
    this.stats.workers = n;
  }

  /** Passes `{ engine }`, `{ overwrite }` or `{ rate }` on to the producers. */
  set(change) {
    for (const w of this.workers) w.postMessage(change);
  }

  /** Bytes in use, through the engine the page uses now. */
  used(engine) {
    return this.bufs[engine].utilization;
  }

  /**
   * The handle of `engine`, made the consumer: a buffer has one consumer
   * handle at a time, so the other engine's handle gives the side back
   * (release() lets go of it; a new handle on the same buffer replaces it).
   */
  reader(engine) {
    if (engine !== this.reading) {
      const old = this.reading;
      this.bufs[old].release();
      this.bufs[old] = MpscPbuf.attach(this.engines[old], this.descriptor);
      this.reading = engine;
    }
    return this.bufs[engine];
  }

  /** Claims and frees frames until none is ready or `deadline` (performance.now()) passes. */
  consume(engine, deadline) {
    const pb = this.reader(engine);
    const words = pb.words;
    const s = this.stats;
    // The fullest the buffer was before a drain in this chart tick (after a stall, say).
    this.tickUsed = Math.max(this.tickUsed, this.used(engine));
    let n = 0;
    for (;;) {
      // performance.now() is not free: look at the clock every 256 frames.
      if ((++n & 255) === 0 && performance.now() >= deadline) break;
      const p = pb.claim();
      if (p === null) break;
      const id = words[p] >>> SENSOR_ID_SHIFT;
      const seq = words[p + 1];
      this.gaps += seq - this.expected[id];
      this.expected[id] = seq + 1;
      pb.free(p);
      s.received++;
      s.bytes += FRAME_BYTES;
    }
    s.dropped = pb.dropped;
    // A gap shows once the producer's next frame arrives, a drop at once: so
    // gaps never exceed drops unless a frame really went missing.
    s.lost = Math.max(0, this.gaps - s.dropped);
    s.peak = pb.maxUtilization;
  }
}

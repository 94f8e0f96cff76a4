// The playback side's producer: a Worker that synthesizes audio into the
// ring the playback worklet reads, keeping it topped up. It writes whole
// planar blocks (format.js), a few at a time, from one Float32Array made
// once, through a Uint8Array view of the same bytes made once.
//
// Signals: 'tone' (440 Hz left, 660 Hz right), or 'ramp' (frame k carries
// k + 1 on the left and -(k + 1) on the right: exact in float32 for 2^24
// frames, so a test can see every frame's position).
import { attachRing } from './attach.js';
import { C, QUANTUM_FRAMES } from './format.js';

const CHUNK_BLOCKS = 4;
const SLICE_MS = 20;

let ring, channels, sampleRate, signal, block, bytes;
/** @type {Int32Array} the shared counters (format.js C), set by 'init' */
let counters;
let frame = 0; // frames made so far

self.onmessage = async ({ data }) => {
  if (data.type !== 'init') return;
  ({ channels, sampleRate, signal } = data);
  counters = new Int32Array(data.counters);
  ring = await attachRing(data.engine, data.module, data.descriptor);
  block = new Float32Array(CHUNK_BLOCKS * QUANTUM_FRAMES * channels);
  bytes = new Uint8Array(block.buffer);
  while (ring.space >= bytes.length) produce(); // start full: the worklet starts with the whole ring of latency
  postMessage({ type: 'ready' });
  loop();
};

function loop() {
  const until = performance.now() + SLICE_MS;
  while (Atomics.load(counters, C.STOP) === 0) {
    const stall = Atomics.exchange(counters, C.SYNTH_STALL_MS, 0);
    if (stall > 0) Atomics.wait(counters, C.SLEEP, 0, stall); // a deliberate stall: the worklet runs dry
    if (ring.waitForSpace(5, bytes.length)) produce();
    if (performance.now() >= until) {
      setTimeout(loop, 0);
      return;
    }
  }
}

/** Writes one chunk; only called with room for all of it (only this thread adds data, so the room stays). */
function produce() {
  let at = 0;
  for (let b = 0; b < CHUNK_BLOCKS; b++, frame += QUANTUM_FRAMES) {
    for (let ch = 0; ch < channels; ch++) {
      for (let i = 0; i < QUANTUM_FRAMES; i++) block[at++] = sample(frame + i, ch);
    }
  }
  ring.put(bytes);
  Atomics.add(counters, C.SYNTH_FRAMES, CHUNK_BLOCKS * QUANTUM_FRAMES);
}

function sample(k, ch) {
  if (signal === 'ramp') return ch === 0 ? k + 1 : -(k + 1);
  const hz = ch === 0 ? 440 : 660;
  return 0.2 * Math.sin((2 * Math.PI * hz * k) / sampleRate);
}

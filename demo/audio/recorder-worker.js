// The capture side's consumer: a Worker that drains the ring the capture
// worklet fills, meters the levels, and keeps the audio for a WAV file.
// Blocking waits are fine here (this is not the audio thread); the loop
// yields to the event loop every few milliseconds so that requests for the
// WAV get through.
import { attachRing, floatsOf } from './attach.js';
import { encodeWav } from './wav.js';
import { C, QUANTUM_FRAMES } from './format.js';

const SLICE_MS = 20; // longest the worker stays away from its messages
const CHUNK_FRAMES = 256 * QUANTUM_FRAMES; // the recording grows by chunks of this many frames (whole blocks)

let ring, f32, channels, sampleRate, maxFrames;
/** @type {Int32Array} the shared counters (format.js C), set by 'init' */
let counters;
const chunks = [];
let recorded = 0; // frames kept for the WAV
let fill = 0; // samples used in the last chunk
let peakL = 0;
let peakR = 0;
let lastPublish = 0;

self.onmessage = async ({ data }) => {
  if (data.type === 'init') {
    ({ channels, sampleRate } = data);
    counters = new Int32Array(data.counters);
    maxFrames = Math.round(data.maxSeconds * sampleRate);
    ring = await attachRing(data.engine, data.module, data.descriptor);
    f32 = floatsOf(ring);
    postMessage({ type: 'ready' });
    loop();
  } else if (data.type === 'wav') {
    const wav = encodeWav(chunks, recorded, channels, sampleRate);
    postMessage({ type: 'wav', wav, frames: recorded }, { transfer: [wav] });
  }
};

function loop() {
  const until = performance.now() + SLICE_MS;
  while (Atomics.load(counters, C.STOP) === 0) {
    const stall = Atomics.exchange(counters, C.DRAIN_STALL_MS, 0);
    if (stall > 0) Atomics.wait(counters, C.SLEEP, 0, stall); // a deliberate stall: the worklet keeps capturing
    if (ring.waitForData(5)) drain();
    publishLevels();
    if (performance.now() >= until) {
      setTimeout(loop, 0);
      return;
    }
  }
}

/** Takes every block readable, in place, one claim per contiguous run of blocks. */
function drain() {
  const used = ring.capacity - ring.space;
  if (used > Atomics.load(counters, C.CAPTURE_FILL_PEAK)) Atomics.store(counters, C.CAPTURE_FILL_PEAK, used);
  const blockSamples = QUANTUM_FRAMES * channels;
  for (;;) {
    // The worklet writes whole blocks into a ring of whole blocks: every piece is whole blocks.
    const bytes = ring.getClaim(ring.size);
    if (bytes === 0) return;
    const first = (ring.storageAddress + ring.getOffset) >> 2;
    const blocks = bytes / (blockSamples * 4);
    for (let b = 0; b < blocks; b++) keep(first + b * blockSamples);
    ring.getFinish(bytes);
    Atomics.add(counters, C.DRAINED_FRAMES, blocks * QUANTUM_FRAMES);
  }
}

/** Meters the planar block at float index `at` and appends it, interleaved, to the recording (up to its limit). */
function keep(at) {
  for (let i = 0; i < QUANTUM_FRAMES; i++) {
    const l = Math.abs(f32[at + i]);
    if (l > peakL) peakL = l;
    const r = Math.abs(f32[at + (channels - 1) * QUANTUM_FRAMES + i]);
    if (r > peakR) peakR = r;
  }
  if (recorded >= maxFrames) return;
  const chunkSamples = CHUNK_FRAMES * channels;
  if (chunks.length === 0 || fill === chunkSamples) {
    chunks.push(new Float32Array(chunkSamples));
    fill = 0;
  }
  const chunk = chunks[chunks.length - 1];
  for (let ch = 0; ch < channels; ch++) {
    const from = at + ch * QUANTUM_FRAMES;
    for (let i = 0; i < QUANTUM_FRAMES; i++) chunk[fill + i * channels + ch] = f32[from + i];
  }
  fill += QUANTUM_FRAMES * channels;
  recorded += QUANTUM_FRAMES;
}

/** Every 50 ms: the peaks since the last publish, in millionths, for the page's meter. */
function publishLevels() {
  const now = performance.now();
  if (now - lastPublish < 50) return;
  lastPublish = now;
  Atomics.store(counters, C.PEAK_L, Math.round(Math.min(peakL, 2000) * 1e6));
  Atomics.store(counters, C.PEAK_R, Math.round(Math.min(peakR, 2000) * 1e6));
  peakL = 0;
  peakR = 0;
}

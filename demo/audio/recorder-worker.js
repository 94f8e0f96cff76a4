// The capture side's consumer: a Worker that drains the ring the capture
// worklet fills, meters the levels, and keeps the audio for a WAV file.
// Blocking waits are fine here (this is not the audio thread); the loop
// yields to the event loop every few milliseconds so that requests for the
// WAV get through.
import { attachRing, floatsOf } from './attach.js';
import { encodeWav } from './wav.js';
import { C } from './format.js';

const SLICE_MS = 20; // longest the worker stays away from its messages
const CHUNK_SECONDS = 1; // the recording grows by chunks of this length

let ring, f32, counters, channels, sampleRate, maxFrames;
let chunks = [];
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
    postMessage({ type: 'wav', wav, frames: recorded }, [wav]);
  } else if (data.type === 'clear') {
    chunks = [];
    recorded = 0;
    fill = 0;
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

/** Takes everything readable, in place, one claim per contiguous piece. */
function drain() {
  const used = ring.capacity - ring.space;
  if (used > Atomics.load(counters, C.CAPTURE_FILL_PEAK)) Atomics.store(counters, C.CAPTURE_FILL_PEAK, used);
  for (;;) {
    // The worklet writes whole quanta into a ring of whole quanta, so every piece is whole frames.
    const bytes = ring.getClaim(ring.size);
    if (bytes === 0) return;
    const at = (ring.storageAddress + ring.getOffset) >> 2;
    const n = bytes >> 2;
    for (let i = 0; i < n; i += channels) {
      const l = Math.abs(f32[at + i]);
      if (l > peakL) peakL = l;
      const r = Math.abs(f32[at + i + channels - 1]);
      if (r > peakR) peakR = r;
    }
    keep(at, n);
    ring.getFinish(bytes);
    Atomics.add(counters, C.DRAINED_FRAMES, n / channels);
  }
}

/** Copies `n` samples from the memory at float index `at` into the recording, up to its limit. */
function keep(at, n) {
  const room = Math.min(n, (maxFrames - recorded) * channels);
  for (let done = 0; done < room; ) {
    if (chunks.length === 0 || fill === CHUNK_SECONDS * sampleRate * channels) {
      chunks.push(new Float32Array(CHUNK_SECONDS * sampleRate * channels));
      fill = 0;
    }
    const chunk = chunks[chunks.length - 1];
    const k = Math.min(room - done, chunk.length - fill);
    chunk.set(f32.subarray(at + done, at + done + k), fill);
    fill += k;
    done += k;
    recorded += k / channels;
  }
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

// Audio-like producer: a 48 kHz stream in blocks of 128 float32 samples (the
// size of an AudioWorklet render quantum) into one RingBuf. A RingBuf has a
// single producer, so this worker is its only writer.
//
// Block: u32 sequence number (counts every block made, dropped ones too),
//        u32 blocks dropped so far (so the reader accounts for every gap),
//        128 × f32 samples.
import { createEngine, RingBuf } from '../../dist/bindings/index.js';
import { AUDIO_BLOCK_BYTES, AUDIO_BLOCK_SAMPLES, AUDIO_RATE } from '../format.js';

const block = new ArrayBuffer(AUDIO_BLOCK_BYTES);
const head = new Uint32Array(block, 0, 2);
const samples = new Float32Array(block, 8, AUDIO_BLOCK_SAMPLES);
const bytes = new Uint8Array(block);
let rings, ring, overwrite, start;
let made = 0,
  dropped = 0,
  waits = 0,
  peak = 0;

let ready;
self.onmessage = async ({ data }) => {
  if (data.type === 'init') ready = attach(data);
  await ready; // messages that arrive while attaching wait for it
  if (data.engine) ring = rings[data.engine];
  if (data.overwrite !== undefined) overwrite = data.overwrite;
  if (data.type === 'init') {
    start = performance.now();
    setInterval(() => postMessage({ made, dropped, waits, peak }), 250);
    tick();
  }
};

async function attach({ descriptor, module }) {
  // Both engines attach to the same buffer; switching only picks the other handle.
  const wasm = await createEngine('wasm', { memory: descriptor.memory, module });
  const js = await createEngine('js', { memory: descriptor.memory });
  rings = { wasm: RingBuf.attach(wasm, descriptor), js: RingBuf.attach(js, descriptor) };
}

function tick() {
  const due = Math.floor(((performance.now() - start) * AUDIO_RATE) / 1000 / AUDIO_BLOCK_SAMPLES);
  while (made < due) {
    // Only this thread adds data, so space seen here can only grow until the put.
    if (ring.space < AUDIO_BLOCK_BYTES) {
      if (!overwrite) {
        waits++; // fall behind, catch up when the reader has made room
        break;
      }
      made++;
      dropped++;
      continue;
    }
    head[0] = made;
    head[1] = dropped;
    for (let i = 0; i < AUDIO_BLOCK_SAMPLES; i++) {
      const t = (made * AUDIO_BLOCK_SAMPLES + i) / AUDIO_RATE;
      samples[i] =
        0.6 * Math.sin(2 * Math.PI * 440 * t) + 0.3 * Math.sin(2 * Math.PI * 3 * t) * Math.sin(2 * Math.PI * 660 * t);
    }
    ring.put(bytes);
    made++;
    peak = Math.max(peak, ring.capacity - ring.space);
  }
  setTimeout(tick, 1);
}

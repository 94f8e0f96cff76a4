// Sensor producer: frames of 9 words at a chosen rate into one MpscPbuf,
// which several of these workers share (format.js has the frame layout).
// Overwrite on: allocations never wait, and a full buffer drops its oldest
// packets. Overwrite off: allocations wait for the reader to free space,
// so nothing is dropped and the producer falls behind instead.
import { createEngine, MpscPbuf } from '../../dist/bindings/index.js';
import { SENSOR_ID_SHIFT, SENSOR_WORDS } from '../format.js';

const WAIT_MS = 20; // one wait for space; short, so that control messages get through
const BURST = 20_000; // at most this many frames per tick, then let messages in
let bufs, pb, f32, id, rate, overwrite, start;
let made = 0,
  stopped = false;

let ready;
self.onmessage = async ({ data }) => {
  if (data.type === 'init') ready = attach(data);
  await ready; // messages that arrive while attaching wait for it
  if (data.engine) pb = bufs[data.engine];
  if (data.overwrite !== undefined) overwrite = data.overwrite;
  if (data.rate !== undefined) {
    // Keep the schedule continuous: frames already made stay made.
    start = performance.now() - (made * 1000) / data.rate;
    rate = data.rate;
  }
  if (data.type === 'stop') stopped = true; // stops between frames, never inside an allocation
  if (data.type === 'init') tick();
};

async function attach({ descriptor, module, id: producer }) {
  // Both engines attach to the same buffer; switching only picks the other handle.
  const wasm = await createEngine('wasm', { memory: descriptor.memory, module });
  const js = await createEngine('js', { memory: descriptor.memory });
  bufs = { wasm: MpscPbuf.attach(wasm, descriptor), js: MpscPbuf.attach(js, descriptor) };
  id = producer;
}

function tick() {
  if (stopped) {
    postMessage({ stopped: id, made });
    close();
    return;
  }
  const now = performance.now();
  const due = Math.min(Math.floor(((now - start) * rate) / 1000), made + BURST);
  while (made < due) {
    const p = pb.alloc(SENSOR_WORDS, overwrite ? 0 : WAIT_MS);
    if (p === null) break; // no room yet: try again next tick
    const words = pb.words;
    if (f32?.buffer !== words.buffer) f32 = new Float32Array(words.buffer, words.byteOffset, words.length);
    const t = (made * 1000) / rate; // ms, the frame's nominal capture time
    words[p] = (id << SENSOR_ID_SHIFT) | (SENSOR_WORDS << 2);
    words[p + 1] = made;
    words[p + 2] = Math.round(t * 1000);
    const w = t / 1000 + id;
    f32[p + 3] = Math.sin(2 * Math.PI * 0.5 * w);
    f32[p + 4] = Math.cos(2 * Math.PI * 0.3 * w);
    f32[p + 5] = 1 + 0.05 * Math.sin(2 * Math.PI * 7 * w);
    f32[p + 6] = 0.2 * Math.sin(2 * Math.PI * 1.1 * w);
    f32[p + 7] = 0.2 * Math.cos(2 * Math.PI * 0.9 * w);
    f32[p + 8] = 0.1 * Math.sin(2 * Math.PI * 2.3 * w);
    pb.commit(p);
    made++;
  }
  setTimeout(tick, 1);
}

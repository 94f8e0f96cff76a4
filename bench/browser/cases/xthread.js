// bench/cases/xthread.js for a browser: the same cases, ids and transports
// with a Web Worker on the other side instead of a worker_threads Worker.
// This thread (itself the bench's measuring Worker, so that it may block in
// Atomics.wait) produces; xthread.worker.js consumes at the same time. One
// operation is one chunk that left this thread and was consumed by the
// other; a step ends when the consumer has drained everything it was sent.
//
// `xthread.bytes.<size>` publishes every chunk as it is produced;
// `xthread.write.256` publishes 16 chunks (4 KiB) at once: ours `write`s each
// chunk and `flush`es every 16, the peers stage 16 chunks in a 4 KiB array
// and send that. `xthread.handoff`: one word there and back, both spinning.
// `xthread.mpsc.2p`: two producer Workers alloc/fill/commit 8-word packets
// as fast as the buffer lets them; this thread claims, sums and frees.
//
// The transports: wasm, js (our RingBuf, 64 KiB, both sides waiting when
// they must); ringbuf.js (its SAB ring, polling on both sides: it has no
// wait); postMessage (one structured-clone message per chunk or stage).

import { RingBuffer } from 'ringbuf.js';
import { createEngine, MpscPbuf, RingBuf } from '../../../dist/bindings/index.js';

const RING = 65536;
// Built next to this module (bench/browser/bundle.js makes it an entry point).
const workerUrl = new URL('./xthread.worker.js', import.meta.url);

function chunkOf(size) {
  const a = new Uint8Array(size);
  for (let i = 0; i < size; i++) a[i] = (i * 7 + 1) & 255;
  return a;
}

/**
 * The Worker of the other side and its control words ([0] bytes consumed,
 * [1] checksum), once it has said it is ready (its start-up is not timed).
 */
async function consumer(impl, data) {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(workerUrl, { type: 'module' });
  await new Promise((resolve, reject) => {
    w.onmessage = resolve;
    w.onerror = (e) => reject(new Error(`xthread worker: ${e.message}`));
    w.postMessage({ impl, ctl: ctl.buffer, ...data });
  });
  w.onmessage = null;
  return { w, ctl, close: () => w.terminate() };
}

/** Sleeps (or, with `poll`, spins: ringbuf.js's way) until the consumer has counted `expected` bytes. */
/** @param {Int32Array} ctl @param {number} expected @param {boolean} poll */
function drained(ctl, expected, poll) {
  for (;;) {
    const got = Atomics.load(ctl, 0);
    if (got === expected) return Atomics.load(ctl, 1);
    if (!poll) Atomics.wait(ctl, 0, got, 1);
  }
}

/** Our RingBuf: one `put` per chunk, or with `batch` > 1 one `write` per chunk and a `flush` every `batch`. */
async function ours(kind, size, batch) {
  const engine = await createEngine(kind, { shared: true });
  const rb = new RingBuf(engine, RING);
  const c = await consumer(kind, { descriptor: rb.descriptor, module: engine.module });
  const chunk = chunkOf(size);
  let sent = 0;
  const step = (n) => {
    for (let i = 0; i < n; i++) {
      chunk[0] = i;
      if (batch === 1) {
        let done = rb.put(chunk);
        while (done < size) {
          rb.waitForSpace(Infinity, size - done);
          done += rb.put(chunk, done, size);
        }
      } else {
        let done = rb.write(chunk);
        while (done < size) {
          rb.waitForSpace(Infinity, size - done);
          done += rb.write(chunk, done, size);
        }
        if ((i + 1) % batch === 0) rb.flush();
      }
    }
    rb.flush();
    sent = (sent + n * size) | 0;
    rb.waitForSpace(Infinity, RING);
    return drained(c.ctl, sent, true);
  };
  return { step, close: c.close };
}

/** Fills a stage with `batch` chunks and hands each full stage to `send`. */
function stager(size, batch, send) {
  const stage = new Uint8Array(size * batch);
  let k = 0;
  return {
    add(chunk) {
      stage.set(chunk, k * size);
      if (++k === batch) {
        send(stage);
        k = 0;
      }
    },
    end() {
      if (k !== 0) send(stage.subarray(0, k * size));
      k = 0;
    },
  };
}

async function ringbufJs(size, batch) {
  const sab = RingBuffer.getStorageForCapacity(RING, Uint8Array);
  const rb = new RingBuffer(sab, Uint8Array);
  const c = await consumer('ringbuf.js', { sab });
  const chunk = chunkOf(size);
  const push = (data) => {
    while (rb.availableWrite() < data.length);
    rb.push(data);
  };
  const stage = stager(size, batch, push);
  let sent = 0;
  const step = (n) => {
    for (let i = 0; i < n; i++) {
      chunk[0] = i;
      if (batch === 1) push(chunk);
      else stage.add(chunk);
    }
    stage.end();
    sent = (sent + n * size) | 0;
    return drained(c.ctl, sent, true);
  };
  return { step, close: c.close };
}

async function postMessagePerChunk(size, batch) {
  const c = await consumer('postMessage', {});
  const chunk = chunkOf(size);
  const stage = stager(size, batch, (data) => c.w.postMessage(data));
  let sent = 0;
  const step = (n) => {
    for (let i = 0; i < n; i++) {
      chunk[0] = i;
      if (batch === 1) c.w.postMessage(chunk);
      else stage.add(chunk);
    }
    stage.end();
    sent = (sent + n * size) | 0;
    return drained(c.ctl, sent, false);
  };
  return { step, close: c.close };
}

const stream = (id, size, batch) => ({
  id,
  size,
  bytesPerOp: size,
  title:
    batch === 1
      ? `a ${size} B chunk to a Web Worker, published as produced (wall clock until drained)`
      : `a ${size} B chunk to a Web Worker, ${batch} published at once (wall clock until drained)`,
  clock: 'wall',
  impls: {
    wasm: () => ours('wasm', size, batch),
    js: () => ours('js', size, batch),
    'ringbuf.js': () => ringbufJs(size, batch),
    postMessage: () => postMessagePerChunk(size, batch),
  },
});

/** One word to the Worker and back, both sides spinning: the floor under the byte cases. */
async function handoff() {
  const c = await consumer('atomics', { role: 'handoff' });
  let next = 1;
  const step = (n) => {
    for (let k = 0; k < n; k++, next = (next + 1) | 0) {
      Atomics.store(c.ctl, 0, next);
      while (Atomics.load(c.ctl, 1) !== next);
    }
    return next;
  };
  return { step, close: c.close };
}

/** 16384 words, lengths in the header as in Zephyr's suite: 8-word packets from 2 producer Workers. */
async function mpsc2p(kind) {
  const WLEN = 8;
  const engine = await createEngine(kind, { shared: true });
  const pb = new MpscPbuf(engine, 16384, { lengthBits: 9 });
  const data = { role: 'mpsc-producer', descriptor: pb.descriptor, module: engine.module, wlen: WLEN };
  const producers = [await consumer(kind, data), await consumer(kind, data)];
  const w = pb.words;
  const step = (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let p = pb.claim();
      if (p === null) p = /** @type {number} */ (pb.claim(Infinity)); // no deadline: returns a packet
      for (let j = 1; j < WLEN; j++) sum = (sum + w[p + j]) | 0;
      pb.free(p);
    }
    return sum;
  };
  return {
    step,
    close: () => {
      for (const c of producers) c.close();
    },
  };
}

/** @type {import('../families.js').BenchCase[]} */
const cases = [
  stream('xthread.bytes.256', 256, 1),
  stream('xthread.bytes.4096', 4096, 1),
  stream('xthread.write.256', 256, 16),
  {
    id: 'xthread.handoff',
    size: 4,
    bytesPerOp: 0,
    title: 'one word to a Web Worker and back, both spinning',
    clock: 'wall',
    notes: { atomics: 'a round trip of one word between the two threads: the hardware floor' },
    impls: { atomics: handoff },
  },
  {
    id: 'xthread.mpsc.2p',
    size: 8,
    bytesPerOp: 32,
    title: 'one 8-word packet from two producer Web Workers, claimed and freed here',
    clock: 'wall',
    impls: { wasm: () => mpsc2p('wasm'), js: () => mpsc2p('js') },
  },
];

export default cases;

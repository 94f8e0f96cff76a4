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
// `xthread.mpsc.*`: producer Workers send 8-word packets; this thread
// consumes (below, with the transports of that family).
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

// xthread.mpsc.*: P producer Web Workers send 8-word packets (a header and
// 7 payload words) as fast as they are let; this thread consumes, one
// operation being one packet consumed (its payload summed). 16384 words of
// room in all, for every transport, as bench/cases/xthread.js says: ours
// (one MpscPbuf; `.overwrite` counts dropped packets as operations),
// ringbuf.js lanes (one SPSC ring per producer, polled round-robin here)
// and postMessage fan-in (one message per packet, credits in shared memory).
const WLEN = 8;
const WORDS = 16384;

/** The producers of a case, started one by one (their start-up is not timed). */
async function producers(count, impl, data) {
  const ps = [];
  for (let i = 0; i < count; i++) ps.push(await consumer(impl, { ...data, id: i, count }));
  return ps;
}

const closeAll = (ps) => () => {
  for (const c of ps) c.close();
};

async function mpscOurs(kind, count, overwrite) {
  const engine = await createEngine(kind, { shared: true });
  const pb = new MpscPbuf(engine, WORDS, { lengthBits: 9, overwrite });
  const data = { role: 'mpsc-producer', descriptor: pb.descriptor, module: engine.module, wlen: WLEN, overwrite };
  const ps = await producers(count, kind, data);
  const w = pb.words;
  let claimed = 0;
  const step = (n) => {
    let sum = 0;
    // Overwrite: an operation is a packet claimed or dropped.
    const end = (overwrite ? claimed + pb.dropped : claimed) + n;
    for (;;) {
      if ((overwrite ? claimed + pb.dropped : claimed) >= end) break;
      let p = pb.claim();
      if (p === null) p = pb.claim(overwrite ? 1 : Infinity);
      if (p === null) continue;
      for (let j = 1; j < WLEN; j++) sum = (sum + w[p + j]) | 0;
      pb.free(p);
      claimed++;
    }
    return sum;
  };
  return { step, close: closeAll(ps) };
}

async function mpscRingbufJs(count) {
  const sabs = [];
  for (let i = 0; i < count; i++) sabs.push(RingBuffer.getStorageForCapacity(WORDS / count, Uint32Array));
  const lanes = sabs.map((sab) => new RingBuffer(sab, Uint32Array));
  const ps = [];
  for (let i = 0; i < count; i++)
    ps.push(await consumer('ringbuf.js', { role: 'mpsc-lane', sab: sabs[i], wlen: WLEN }));
  const out = new Uint32Array(WLEN);
  let next = 0;
  const step = (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      // Poll the lanes round-robin until one yields a packet.
      while (lanes[next].pop(out) === 0) next = next + 1 === count ? 0 : next + 1;
      next = next + 1 === count ? 0 : next + 1;
      for (let j = 1; j < WLEN; j++) sum = (sum + out[j]) | 0;
    }
    return sum;
  };
  return { step, close: closeAll(ps) };
}

async function mpscPostMessage(count) {
  const window = WORDS / WLEN / count;
  // credits[i]: packets producer i may have posted in all (its window moves as this thread consumes).
  const credits = new Int32Array(new SharedArrayBuffer(4 * count));
  const ps = await producers(count, 'postMessage', { role: 'mpsc-post', credits: credits.buffer, wlen: WLEN, window });
  const taken = new Array(count).fill(0);
  let got = 0;
  let sum = 0;
  let want = 0;
  let resolveStep = null;
  for (const p of ps) {
    p.w.onmessage = ({ data: m }) => {
      for (let j = 1; j < WLEN; j++) sum = (sum + m[j]) | 0;
      const id = m[0] & 0xff;
      if (++taken[id] % 64 === 0) {
        Atomics.add(credits, id, 64);
        Atomics.notify(credits, id);
      }
      // Producers run up to their window ahead, so packets also arrive between steps.
      if (++got >= want && resolveStep !== null) {
        resolveStep(sum);
        resolveStep = null;
      }
    };
  }
  const step = (n) => {
    want = got + n;
    if (n === 0 || got >= want) return sum;
    return new Promise((resolve) => {
      resolveStep = resolve;
    });
  };
  return { step, close: closeAll(ps) };
}

const mpscCase = (count) => ({
  id: `xthread.mpsc.${count}p`,
  size: WLEN,
  bytesPerOp: 4 * WLEN,
  title: `one 8-word packet from ${count} producer Web Workers, consumed here`,
  clock: 'wall',
  impls: {
    wasm: () => mpscOurs('wasm', count, false),
    js: () => mpscOurs('js', count, false),
    'ringbuf.js': () => mpscRingbufJs(count),
    postMessage: () => mpscPostMessage(count),
  },
});

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
  mpscCase(2),
  mpscCase(4),
  {
    id: 'xthread.mpsc.2p.overwrite',
    size: WLEN,
    bytesPerOp: 4 * WLEN,
    title: 'one 8-word packet that left one of 2 producer Web Workers, claimed here or dropped',
    clock: 'wall',
    notes: { wasm: 'one op = one packet claimed or dropped', js: 'one op = one packet claimed or dropped' },
    impls: { wasm: () => mpscOurs('wasm', 2, true), js: () => mpscOurs('js', 2, true) },
  },
];

export default cases;

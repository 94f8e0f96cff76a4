// Stream cases (issue 11): data moved between threads through streams, ours
// (wasm-ringbuf/node over a RingBuf or an MpscPbuf) against the ways Node
// users do it today. The other side runs in a Worker (stream.worker.js) and
// publishes what it has consumed in two shared words, so that a step ends
// only when everything it sent has been consumed on the other side.
//
// stream.lines.500   one op = one 500-byte JSON log line (pino-like), main
//                    thread to a worker that counts bytes and characters.
//                    wasm, js: RingWritable (1 MiB ring, automatic
//                    batching) → RingReadable with setEncoding('utf8'); thread-stream:
//                    pino's transport (v4, default 4 MiB buffer) with a
//                    counting destination; postMessage: one message per line.
// stream.bytes.<n>   one op = one n-byte chunk through a Node pipeline
//                    (Readable.from → destination) to a worker that pipes
//                    it into a counting Writable; ours: RingWritable →
//                    RingReadable; postMessage: a Writable that posts each
//                    chunk (a copy by structured clone); postMessage+transfer:
//                    each chunk copied into a new ArrayBuffer that is
//                    transferred (what a caller who cannot give the chunk
//                    away must do).
// stream.mpsc.4p     one op = one 500-byte line consumed on the main thread,
//                    four worker producers writing as fast as they are let;
//                    ours: a MessageWritable each → one MessageReadable over
//                    a 1 MiB MpscPbuf; postMessage: each producer posts
//                    its lines with at most 256 in flight (credits in shared
//                    memory, as the fan-in needs some flow control).

import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import ThreadStream from 'thread-stream';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { MessageReadable, RingWritable } from '../../dist/bindings/streams/node.js';
import { LINES, LINE_BYTES } from './stream.lines.js';

const RING = 1 << 20;
const workerUrl = new URL('./stream.worker.js', import.meta.url);

/** A Worker of stream.worker.js, ready (its start-up is not timed), unref'd so that it never holds the process. */
async function start(data) {
  const ctl = new Int32Array(new SharedArrayBuffer(64));
  const w = new Worker(workerUrl, { workerData: { ctl: ctl.buffer, ...data } });
  w.unref();
  await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return { w, ctl, close: () => w.terminate() };
}

/**
 * Tells the other side that a step will have sent `expected` bytes in all
 * (mod 2^32): it notifies only when it gets there (stream.worker.js).
 */
function target(ctl, expected) {
  Atomics.store(ctl, 2, expected);
  return expected;
}

/** Waits, without blocking this thread, until the other side has consumed `expected` bytes (mod 2^32); returns its checksum word. */
async function drained(ctl, expected) {
  // A pending waitAsync does not keep Node alive, and the workers are unref'd.
  const hold = setInterval(() => {}, 2 ** 30);
  try {
    for (;;) {
      const got = Atomics.load(ctl, 0);
      if (got === expected) return Atomics.load(ctl, 1);
      const r = Atomics.waitAsync(ctl, 0, got);
      if (r.async) await r.value;
    }
  } finally {
    clearInterval(hold);
  }
}

/** Writes `n` lines into a Node Writable, waiting for 'drain' when it asks to. */
async function writeLines(w, n, from) {
  for (let i = 0; i < n; i++) {
    if (!w.write(LINES[(from + i) % LINES.length])) await once(w, 'drain');
  }
}

// ── stream.lines.500 ──

async function linesOurs(kind) {
  const engine = await createEngine(kind, { shared: true });
  const rb = new RingBuf(engine, RING);
  const c = await start({ role: 'lines-ring', impl: kind, descriptor: rb.descriptor, module: engine.module });
  const out = new RingWritable(rb);
  let k = 0,
    sent = 0;
  const step = async (n) => {
    sent = target(c.ctl, (sent + n * LINE_BYTES) | 0);
    await writeLines(out, n, k);
    k = (k + n) % LINES.length;
    return drained(c.ctl, sent);
  };
  return { step, close: c.close };
}

async function linesThreadStream() {
  const ctl = new Int32Array(new SharedArrayBuffer(64));
  const ts = new ThreadStream({
    filename: new URL('./stream.dest.js', import.meta.url).href,
    workerData: { ctl: ctl.buffer },
  });
  // Not unref'd: its waits for 'drain' need its worker to hold the loop (child.js exits at the end).
  await once(ts, 'ready');
  let k = 0,
    sent = 0;
  const step = async (n) => {
    sent = target(ctl, (sent + n * LINE_BYTES) | 0);
    await writeLines(ts, n, k);
    k = (k + n) % LINES.length;
    return drained(ctl, sent);
  };
  // thread-stream's types leave out `worker`, the Worker its destination runs in.
  return { step, close: () => /** @type {ThreadStream & { worker: Worker }} */ (ts).worker.terminate() };
}

async function linesPostMessage() {
  const c = await start({ role: 'lines-post' });
  let k = 0,
    sent = 0;
  const step = (n) => {
    sent = target(c.ctl, (sent + n * LINE_BYTES) | 0);
    for (let i = 0; i < n; i++) c.w.postMessage(LINES[(k + i) % LINES.length]);
    k = (k + n) % LINES.length;
    return drained(c.ctl, sent);
  };
  return { step, close: c.close };
}

// ── stream.bytes.<size> ──

function chunkOf(size) {
  const a = Buffer.alloc(size);
  for (let i = 0; i < size; i++) a[i] = (i * 7 + 1) & 255;
  return a;
}

function* repeat(chunk, n) {
  for (let i = 0; i < n; i++) yield chunk;
}

/** The step of a pipeline case: `n` chunks from Readable.from into `dest`, which stays open between steps. */
function pipelineStep(dest, chunk, ctl) {
  let sent = 0;
  return async (n) => {
    sent = target(ctl, (sent + n * chunk.length) | 0);
    await pipeline(Readable.from(repeat(chunk, n)), dest, { end: false });
    return drained(ctl, sent);
  };
}

async function bytesOurs(kind, size) {
  const engine = await createEngine(kind, { shared: true });
  const rb = new RingBuf(engine, RING);
  const c = await start({ role: 'bytes-ring', impl: kind, descriptor: rb.descriptor, module: engine.module });
  return { step: pipelineStep(new RingWritable(rb), chunkOf(size), c.ctl), close: c.close };
}

async function bytesPostMessage(size, transfer) {
  const c = await start({ role: 'bytes-post' });
  const port = c.w;
  const dest = new Writable({
    write(chunk, _, cb) {
      if (transfer) {
        const copy = new Uint8Array(chunk.length);
        copy.set(chunk);
        port.postMessage(copy, [copy.buffer]);
      } else {
        port.postMessage(chunk);
      }
      cb();
    },
  });
  return { step: pipelineStep(dest, chunkOf(size), c.ctl), close: c.close };
}

// ── stream.mpsc.4p ──

const PRODUCERS = 4;

async function mpscOurs(kind) {
  const engine = await createEngine(kind, { shared: true });
  const pb = new MpscPbuf(engine, RING / 4); // words: 1 MiB
  const data = { role: 'mpsc-writer', impl: kind, descriptor: pb.descriptor, module: engine.module };
  const producers = [];
  for (let i = 0; i < PRODUCERS; i++) producers.push(await start({ ...data, id: i }));
  const input = new MessageReadable(pb);
  const step = async (n) => {
    let chars = 0;
    for (let got = 0; got < n; ) {
      const m = input.read();
      if (m === null) {
        await once(input, 'readable');
        continue;
      }
      chars = (chars + m.length) | 0;
      got++;
    }
    return chars;
  };
  return { step, close: () => Promise.all(producers.map((p) => p.close())) };
}

async function mpscPostMessage() {
  // credits[i]: lines producer i may have sent in all (its window moves as the consumer reads).
  const credits = new Int32Array(new SharedArrayBuffer(4 * PRODUCERS));
  const producers = [];
  for (let i = 0; i < PRODUCERS; i++)
    producers.push(await start({ role: 'mpsc-post', id: i, credits: credits.buffer }));
  const taken = new Array(PRODUCERS).fill(0);
  let got = 0,
    chars = 0,
    want = 0,
    resolveStep = null;
  for (const p of producers) {
    p.w.on('message', (m) => {
      chars = (chars + m.line.length) | 0;
      if (++taken[m.id] % 64 === 0) {
        Atomics.add(credits, m.id, 64);
        Atomics.notify(credits, m.id);
      }
      // Producers run up to their window ahead, so lines also arrive between steps.
      if (++got >= want && resolveStep !== null) {
        resolveStep(chars);
        resolveStep = null;
      }
    });
  }
  const step = (n) => {
    want = got + n;
    if (n === 0) return chars;
    return new Promise((resolve) => {
      resolveStep = resolve;
    });
  };
  return { step, close: () => Promise.all(producers.map((p) => p.close())) };
}

const lines = {
  id: 'stream.lines.500',
  size: LINE_BYTES,
  bytesPerOp: LINE_BYTES,
  clock: 'wall',
  impls: {
    wasm: () => linesOurs('wasm'),
    js: () => linesOurs('js'),
    'thread-stream': linesThreadStream,
    postMessage: linesPostMessage,
  },
};

const bytes = (size) => ({
  id: `stream.bytes.${size}`,
  size,
  bytesPerOp: size,
  clock: 'wall',
  impls: {
    wasm: () => bytesOurs('wasm', size),
    js: () => bytesOurs('js', size),
    postMessage: () => bytesPostMessage(size, false),
    'postMessage+transfer': () => bytesPostMessage(size, true),
  },
});

const mpsc = {
  id: 'stream.mpsc.4p',
  size: LINE_BYTES,
  bytesPerOp: LINE_BYTES,
  clock: 'wall',
  impls: { wasm: () => mpscOurs('wasm'), js: () => mpscOurs('js'), postMessage: mpscPostMessage },
};

export default [lines, bytes(4096), bytes(256), mpsc];

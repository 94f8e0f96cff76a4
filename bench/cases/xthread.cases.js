// Cross-thread cases, for any platform's workers (xthread.js: worker_threads;
// bench/browser/cases/xthread.js: Web Workers): this thread produces, a
// Worker playing a role of xthread.roles.js consumes at the same time. One operation is one chunk
// that left this thread and was consumed by the other; a step ends only
// when the consumer has drained everything it was sent, so the time covers
// both sides.
//
// `xthread.bytes.<size>` publishes every chunk as it is produced.
// `xthread.write.256` publishes 16 chunks (4 KiB) at once: our producer
// `write`s each chunk and `flush`es every 16; the peers, which cannot
// defer publication, stage 16 chunks in a 4 KiB array and send that (one
// more copy, the price of batching for them).
//
// The transports, as in the peers' two-thread test (bench/README.md):
//   wasm, js     our RingBuf (64 KiB), both sides waiting when they must
//                (waitForSpace / waitForData: a spin of about 2.5 us, then
//                a sleep);
//   ringbuf.js   its SAB ring (64 KiB), pushing only when a whole chunk
//                (or stage) fits and polling on both sides, since it has no
//                wait;
//   postMessage  one structured-clone message per chunk (or stage).
//
// `xthread.handoff`: one word to the other thread and back, spinning on both
// sides: the cost of crossing between the cores, under every case here.
//
// `xthread.mpsc.*`: many producer Workers, this thread consuming (below).

import { RingBuffer } from 'ringbuf.js';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { multithreadingUnavailable, senderData } from './multithreading.js';

const RING = 65536;

/**
 * The cases over one platform's workers. `consumer(impl, data)` starts a
 * Worker with `{ impl, ctl, ...data }` (`ctl`: the buffer of two shared
 * Int32 control words it makes) and resolves to `{ w, ctl, close }` once the
 * Worker has said it is ready (so that its start-up is not timed);
 * `listen(w, fn)` calls `fn` with every message `w` posts after that.
 * @param {(impl: string, data: object) => Promise<{ w: any, ctl: Int32Array, close: () => unknown }>} consumer
 * @param {(w: any, fn: (message: any) => void) => void} listen
 */
export function xthreadCases(consumer, listen) {
  function chunkOf(size) {
    const a = new Uint8Array(size);
    for (let i = 0; i < size; i++) a[i] = (i * 7 + 1) & 255;
    return a;
  }

  /** Sleeps (or, with `poll`, spins: ringbuf.js's way) until the consumer has counted `expected` bytes. */
  function drained(ctl, expected, poll) {
    for (;;) {
      const got = Atomics.load(ctl, 0);
      if (got === expected) return Atomics.load(ctl, 1);
      if (!poll) Atomics.wait(ctl, 0, got, 1);
    }
  }

  /**
   * Our RingBuf: one `put` per chunk, or with `batch` > 1 one `write` per
   * chunk and a `flush` after every `batch` chunks (and at the end of a step).
   */
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
          // write() publishes by itself when it comes up short, and
          // waitForSpace flushes what is pending.
          let done = rb.write(chunk);
          while (done < size) {
            rb.waitForSpace(Infinity, size - done);
            done += rb.write(chunk, done, size);
          }
          if ((i + 1) % batch === 0) rb.flush();
        }
      }
      rb.flush(); // the last, partial batch (nothing is pending after a put)
      sent = (sent + n * size) | 0;
      // Everything is out once the whole ring is free again; the count follows at once.
      rb.waitForSpace(Infinity, RING);
      return drained(c.ctl, sent, true);
    };
    return { step, close: c.close };
  }

  /**
   * Fills `stage` with `batch` chunks and hands each full stage to `send`
   * (the peers' way to publish several chunks at once: one more copy).
   */
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

  /** One byte-stream case: `batch` chunks are published at once (see the top). */
  const stream = (id, size, batch) => ({
    id,
    size,
    bytesPerOp: size,
    clock: 'wall', // two threads: the time until the consumer has drained
    impls: {
      wasm: () => ours('wasm', size, batch),
      js: () => ours('js', size, batch),
      'ringbuf.js': () => ringbufJs(size, batch),
      postMessage: () => postMessagePerChunk(size, batch),
    },
  });

  const bytes = [
    stream('xthread.bytes.256', 256, 1),
    stream('xthread.bytes.4096', 4096, 1),
    stream('xthread.write.256', 256, 16),
  ];

  /**
   * One hand-off between the two threads and back, with nothing else: the
   * floor the byte cases sit on (a chunk crosses once per operation, this
   * crosses twice). Both sides spin on one shared word each.
   */
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

  const floor = [
    {
      id: 'xthread.handoff',
      size: 4,
      bytesPerOp: 0,
      clock: 'wall',
      notes: { atomics: 'a round trip of one word between the two threads: the hardware floor' },
      impls: { atomics: handoff },
    },
  ];

  // ── xthread.mpsc.* ──
  //
  // P producer Workers send 8-word packets (a header and 7 payload words) as
  // fast as they are let; this thread consumes, and one operation is one
  // packet consumed (its payload summed). 16384 words of room in all, as in
  // mpsc.js, for every transport:
  //   wasm, js     one MpscPbuf: producers alloc (sleeping when full) + fill +
  //                commit; this thread claims (claim(ms) when empty) + frees.
  //                `.overwrite`: producers never wait, the oldest packets are
  //                dropped, and one operation is one packet that left a
  //                producer, claimed or dropped (pb.dropped counts them);
  //   ringbuf.js   lanes: one SPSC ring of 16384/P words per producer, this
  //                thread polling all of them (what a JavaScript user builds
  //                today; ringbuf.js has no wait, so a full producer spins);
  //   postMessage  fan-in: each producer posts each packet (a Uint32Array) to
  //                this thread, at most 2048/P packets in flight per producer
  //                (credits in shared memory, as stream.mpsc.4p);
  //   multithreading  the npm package's bounded channel (MPMC, used with one
  //                receiver): each producer a Sender, `blockingSend` of an
  //                array of 8 numbers (the package stores JSON values in a
  //                shared heap); this thread `blockingRecv`s and reads the
  //                packet through the view it returns. 2048 slots, the same
  //                bound; its heap 1 MiB (2048 packets take about 300 KB; it
  //                compacts when full, and its default 64 KiB runs out).
  //                Every packet is checked, and a torn one (a producer's
  //                compaction moving it under the read) is counted and
  //                reported as a warning of the run. Node 22+, Bun, Deno,
  //                browsers: where it cannot load (node 20), the factory
  //                says why and the bench reports it unavailable.

  const WLEN = 8;
  const WORDS = 16384;

  /** The producers of a case, started one by one (their start-up is not timed). */
  async function producers(count, impl, data) {
    const ps = [];
    for (let i = 0; i < count; i++) ps.push(await consumer(impl, { ...data, id: i, count }));
    return ps;
  }

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
        const done = overwrite ? claimed + pb.dropped : claimed;
        if (done >= end) break;
        let p = pb.claim();
        if (p === null) p = pb.claim(overwrite ? 1 : Infinity);
        if (p === null) continue;
        for (let j = 1; j < WLEN; j++) sum = (sum + w[p + j]) | 0;
        pb.free(p);
        claimed++;
      }
      return sum;
    };
    return { step, close: () => Promise.all(ps.map((c) => c.close())) };
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
    return { step, close: () => Promise.all(ps.map((c) => c.close())) };
  }

  async function mpscPostMessage(count) {
    const window = WORDS / WLEN / count;
    // credits[i]: packets producer i may have posted in all (its window moves as this thread consumes).
    const credits = new Int32Array(new SharedArrayBuffer(4 * count));
    const ps = await producers(count, 'postMessage', {
      role: 'mpsc-post',
      credits: credits.buffer,
      wlen: WLEN,
      window,
    });
    const taken = new Array(count).fill(0);
    let got = 0,
      sum = 0,
      want = 0,
      resolveStep = null;
    for (const p of ps) {
      listen(p.w, (m) => {
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
      });
    }
    const step = (n) => {
      want = got + n;
      if (n === 0) return sum;
      return new Promise((resolve) => {
        resolveStep = resolve;
      });
    };
    return { step, close: () => Promise.all(ps.map((c) => c.close())) };
  }

  /** Room in the channel's JSON heap for its 2048 packets in flight and the garbage between compactions. */
  const CHANNEL_HEAP = 1 << 20;

  async function mpscChannel(count) {
    const unavailable = multithreadingUnavailable();
    if (unavailable !== null) return { unavailable };
    const { channel } = await import('multithreading');
    const [tx, rx] = channel(WORDS / WLEN, { size: CHANNEL_HEAP });
    const ps = [];
    for (let i = 0; i < count; i++)
      ps.push(await consumer('multithreading', { role: 'mpsc-channel', sender: senderData(tx.clone()), wlen: WLEN }));
    tx[Symbol.dispose](); // the producers hold the channel's only Senders
    let torn = 0,
      got = 0;
    const step = (n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const r = rx.blockingRecv();
        if (!r.ok) throw r.error;
        const p = r.value;
        // A producer writes payload word j as its counter + j: a packet that breaks that was torn.
        const first = p[1];
        let whole = (p[0] & 0x7ff) === WLEN << 2;
        for (let j = 1; j < WLEN; j++) {
          const v = p[j];
          if (v !== first + j - 1) whole = false;
          sum = (sum + v) | 0;
        }
        if (!whole) torn++;
      }
      got += n;
      return sum;
    };
    return {
      step,
      close: () => Promise.all(ps.map((c) => c.close())),
      warning: () => (torn === 0 ? null : `${torn} of ${got} packets read torn`),
    };
  }

  const mpscCase = (count) => ({
    id: `xthread.mpsc.${count}p`,
    size: WLEN,
    bytesPerOp: 4 * WLEN,
    clock: 'wall',
    impls: {
      wasm: () => mpscOurs('wasm', count, false),
      js: () => mpscOurs('js', count, false),
      'ringbuf.js': () => mpscRingbufJs(count),
      postMessage: () => mpscPostMessage(count),
      multithreading: () => mpscChannel(count),
    },
  });

  const mpsc = [
    mpscCase(2),
    mpscCase(4),
    {
      id: 'xthread.mpsc.2p.overwrite',
      size: WLEN,
      bytesPerOp: 4 * WLEN,
      clock: 'wall',
      notes: { wasm: 'one op = one packet claimed or dropped', js: 'one op = one packet claimed or dropped' },
      impls: { wasm: () => mpscOurs('wasm', 2, true), js: () => mpscOurs('js', 2, true) },
    },
  ];

  return [...bytes, ...floor, ...mpsc];
}
